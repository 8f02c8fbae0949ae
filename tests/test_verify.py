"""Issue 22: the same inputs give the same bytes, the manifest holds every output's hash, and
`xxgk verify` re-renders and compares."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kit.batch import plan, run
from kit.cli import main
from kit.registry import Registry
from kit.store import Store

pytestmark = pytest.mark.slow


def _hashes(out: Path) -> dict[str, dict[str, str]]:
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {e["key"]: e["hashes"] for e in doc["reports"] + doc["regions"]}


@pytest.fixture
def project(small_store, tmp_path):
    reg = small_store.parent / "d" / "registry.csv"
    (tmp_path / "xxgk.toml").write_text(f'store = "{small_store}"\noutputs = "out"\nregistry = "{reg}"\n'
                                        'to = ["html", "pdf", "docx"]\n', encoding="utf-8")
    return tmp_path


def _paths(project: Path) -> tuple[Path, Path]:
    """(store, registry) as the project file names them."""
    text = (project / "xxgk.toml").read_text(encoding="utf-8").splitlines()
    store, reg = (Path(next(x.split('"')[1] for x in text if x.startswith(k))) for k in ("store", "registry"))
    return store, reg


def test_two_folders_and_two_worker_counts_give_identical_bytes(project):
    store, reg = _paths(project)
    # the same project copied into another folder (its store and registry at the same places in it)
    other = project / "elsewhere" / "copy"
    for f in (store, reg):
        (other / f.relative_to(project)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, other / f.relative_to(project))
    a, b = project / "out", other / "out"
    run(plan(store, a, years=(2024,), registry=reg), a, to=("html", "pdf", "docx"), progress=False, workers=1,
        root=project)
    run(plan(other / store.relative_to(project), b, years=(2024,), registry=other / reg.relative_to(project)), b,
        to=("html", "pdf", "docx"), progress=False, workers=2, root=other)
    ha, hb = _hashes(a), _hashes(b)
    assert ha == hb and len(ha) >= 5  # three reports and two regions
    assert all({"html", "pdf", "docx", "ipynb"} <= set(h) for h in ha.values())
    files = [f for f in a.rglob("*") if f.suffix in (".html", ".pdf", ".docx", ".xlsx") and f.name != "index.html"]
    assert len(files) >= 17
    for f in files:
        assert f.read_bytes() == (b / f.relative_to(a)).read_bytes(), f
    # no folder or random id inside the outputs, the executed notebooks included (their metadata too)
    notebooks = sorted(a.rglob("*.ipynb"))
    assert len(notebooks) >= 5
    for f in [*a.rglob("*.html"), *notebooks]:
        text = f.read_text(encoding="utf-8")
        assert str(project) not in text and "/tmp/" not in text and str(Path.home()) not in text, f
    for f in notebooks:  # cells and outputs equal, the injected parameters as the project names them
        cells = [[{k: c.get(k) for k in ("id", "source", "outputs")} for c in json.loads(x.read_text("utf-8"))["cells"]]
                 for x in (f, b / f.relative_to(a))]
        assert cells[0] == cells[1], f
        injected = next(c for c in cells[0] if c["id"] == "injected-parameters")
        assert "store = " in "".join(injected["source"]), f


def test_verify_says_identical_then_names_a_hand_edited_html(project, capsys):
    cfg = ["--config", str(project / "xxgk.toml")]
    assert main([*cfg, "batch", "--year", "2024", "--no-progress"]) == 0
    capsys.readouterr()
    assert main([*cfg, "verify", "--all"]) == 0
    out = capsys.readouterr()
    assert "0 differ" in out.err and out.out.count("identical") >= 3
    page = project / "out" / "2024" / "青禾县自然资源局" / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace("数据来源", "数据来源（已改）", 1), encoding="utf-8")
    assert main([*cfg, "verify", "--year", "2024"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "青禾县自然资源局" in x)
    assert line.startswith("content differs") and "report.html was changed after it was rendered" in line
    assert "数据来源（已改）" in line  # the first differing lines
    assert all(x.startswith("identical") for x in out.splitlines() if "青禾县自然资源局" not in x)
    # a different machine: named by its library versions, not taken for an edited report
    manifest = project / "out" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    for e in doc["reports"]:
        e["environment"]["weasyprint"] = "0.1"
    manifest.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main([*cfg, "verify", "--agency", "青禾县住房和城乡建设局", "--year", "2024"]) == 1
    assert "environment differs" in (o := capsys.readouterr().out) and "weasyprint 0.1 → " in o


def test_a_one_cell_change_changes_the_hashes_of_exactly_the_reports_that_read_it(project):
    store, reg = _paths(project)
    out = project / "h"
    run(plan(store, out, registry=reg), out, to=("html",), progress=False, workers=2, root=project)
    before = _hashes(out)
    with Store(store) as s:
        r = s.get("青禾县自然资源局", 2023)
        r.cells["t3.new.natural"] += 1
        r.cells["t3.new.total"] += 1
        s.put(r, reread=True)
    seen: list[str] = []
    run(plan(store, out, registry=reg), out, to=("html",), progress=False, workers=2, root=project,
        on_result=lambda e: seen.append(e["key"]))
    after = _hashes(out)
    changed = sorted(k for k in after if after[k] != before.get(k))
    # exactly the reports whose inputs include that agency-year: its own, its later years (which compare
    # with it), its peers' of that year, and every region containing it, that year and later (the trend)
    reg_ = Registry.load(reg)
    me = reg_.find("青禾县自然资源局")
    with Store(store, create=False) as s:
        stored = {(a, y) for a, y, _ in s.entries()}
    later = {y for a, y in stored if a == me.id and y > 2023}
    regions = set(reg_.chain(me.region))
    expected = ({"2023/青禾县自然资源局"} | {f"{y}/青禾县自然资源局" for y in later}
                | {f"2023/{p.name}" for p in reg_.peers(me.id) if (p.id, 2023) in stored}
                | {f"regions/{y}/{r}" for y in (2023, *later) for r in regions})
    assert {"2024/青禾县自然资源局", "2023/青禾县住房和城乡建设局", "regions/2023/青禾县", "regions/2024/禾川市"} <= expected
    assert set(changed) == expected
    # the fingerprint reruns these and may rerun more (the county's consolidated report reads its
    # parts' reports, but shows them only when the consolidation check can complete)
    assert expected <= set(seen)
