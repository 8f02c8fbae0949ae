from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def have_shared() -> bool:
    return (CORPUS / "expected").is_dir() and (SHARED / "docs" / "cell-ids.md").is_file()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpus: needs ../shared (the real reports and the cell-id document)")
    # the tests never read a developer's own xxgk.toml (or a demo's): an empty project file of their own
    import tempfile

    project = Path(tempfile.mkdtemp(prefix="xxgk-tests-"))
    (project / "xxgk.toml").write_text("# the test session's project: every setting at its default\n", encoding="utf-8")
    os.environ["XXGK_CONFIG"] = str(project / "xxgk.toml")
    if IN_CI and not have_shared():
        # CI runs every test: a missing corpus is a broken checkout, never a reason to skip
        raise pytest.UsageError(f"CI: the shared corpus is missing at {CORPUS}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if have_shared():
        return
    skip = pytest.mark.skip(reason=f"needs ../shared, which is not at {SHARED} (CI runs these)")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


def corpus_dir() -> Path:
    # Only tests marked `corpus` call this; they are skipped (locally) or fail the run (CI) without it.
    if not (CORPUS / "expected").is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return CORPUS


def corpus_files(*suffixes: str) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in suffixes)


def expected(path: Path) -> dict:
    return json.loads((corpus_dir() / "expected" / f"{path.name}.json").read_text(encoding="utf-8"))


def tally(report, exp: dict) -> tuple[int, int, dict[str, tuple]]:
    """(exact, flagged, silent mismatches) of one reading against a corpus file's expected cells.

    A cell counts as flagged only when an ``extract.*`` or ``format.*`` finding (not info) names it.
    """
    flagged = {c for f in report.findings if f.rule.startswith(("extract.", "format.")) and f.severity != "info"
               for c in f.cells}
    either = exp.get("accept_either", {})
    exact = flag = 0
    silent = {}
    for cid, v in exp["cells"].items():
        got = report.cells[cid]
        if _same(got, v) or any(_same(got, e) for e in either.get(cid, [])):
            exact += 1
        elif cid in flagged:
            flag += 1
        else:
            silent[cid] = (v, got)
    return exact, flag, silent


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    p = tmp_path / "store.sqlite"
    monkeypatch.setenv("XXGK_STORE", str(p))
    return p


def pytest_terminal_summary(terminalreporter):
    import sys

    mod = sys.modules.get("test_corpus")
    totals = getattr(mod, "TOTALS", None)
    if totals:
        terminalreporter.write_line(
            f"corpus: {totals['files']} files, {totals['cells']} cells: {totals['exact']} exact, "
            f"{totals['flagged']} flagged, {totals['silent']} silent mismatches")


def demo_project(root: Path, **demo: object) -> Path:
    """A project at ``root``: the demo's reports (``write_demo(**demo)``) in data/, an xxgk.toml naming
    its store (s.sqlite), outputs (out) and registry, and every report ingested through the CLI."""
    from kit.cli import main
    from kit.demo import write_demo

    write_demo(root / "data", **demo)  # type: ignore[arg-type]
    (root / "xxgk.toml").write_text('store = "s.sqlite"\noutputs = "out"\nregistry = "data/registry.csv"\n',
                                    encoding="utf-8")
    assert main(["--config", str(root / "xxgk.toml"), "ingest", str(root / "data")]) == 0
    return root


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """Two departments and the county, 2023 and 2024, read into a store through the demo's registry
    (for the batch tests)."""
    from kit.demo import write_demo
    from kit.ingest import ingest
    from kit.registry import Registry
    from kit.store import Store

    st = tmp_path / "s.sqlite"
    paths = write_demo(tmp_path / "d", departments=2, years=(2023, 2024))
    with Store(st) as s:
        assert not [got.error for got in ingest(paths, s, registry=Registry.load(tmp_path / "d" / "registry.csv"))
                    if got.error]
    return st


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium through Playwright (nothing downloaded): skipped locally without it, a
    failure in CI, where .ci/run installs the Debian package."""
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("CI: no chromium on PATH (.ci/run installs the Debian package)")
        pytest.skip("needs the chromium browser (apt-get install chromium); CI runs these")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
