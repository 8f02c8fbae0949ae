"""Issue 22: the same inputs give the same bytes, the manifest holds every output's hash, and
`xxgk verify` re-renders and compares."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.batch import plan, run
from kit.cli import main
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
    a, b = project / "a", project / "elsewhere" / "b"
    run(plan(store, a, years=(2024,), registry=reg), a, to=("html", "pdf", "docx"), progress=False, workers=1,
        root=project)
    run(plan(store, b, years=(2024,), registry=reg), b, to=("html", "pdf", "docx"), progress=False, workers=2,
        root=project)
    ha, hb = _hashes(a), _hashes(b)
    assert ha == hb and len(ha) >= 5  # three reports and two regions
    assert all({"html", "pdf", "docx", "ipynb"} <= set(h) for h in ha.values())
    files = [f for f in a.rglob("*") if f.suffix in (".html", ".pdf", ".docx", ".xlsx") and f.name != "index.html"]
    assert len(files) >= 17
    for f in files:
        assert f.read_bytes() == (b / f.relative_to(a)).read_bytes(), f
    # no folder or random id inside the outputs
    for f in a.rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert str(project) not in text and "/tmp/" not in text, f


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
    # only reports whose inputs include that agency-year changed (the fingerprint may rerun a few more
    # whose pages do not show it); its own, its next year (which compares with it), its peer's, its regions'
    assert set(changed) <= set(seen)
    assert {"2023/青禾县自然资源局", "2024/青禾县自然资源局", "2023/青禾县住房和城乡建设局",
            "regions/2023/青禾县", "regions/2023/禾川市"} <= set(changed)
    assert not [k for k in changed if k.startswith("2024/") and "自然资源局" not in k]
