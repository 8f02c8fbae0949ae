from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("XXGK_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def corpus_dir() -> Path:
    # A test that needs the corpus fails (never skips) when it is missing.
    if not (CORPUS / "expected").is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return CORPUS


def corpus_files(*suffixes: str) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in suffixes)


def expected(path: Path) -> dict:
    return json.loads((corpus_dir() / "expected" / f"{path.name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus() -> Path:
    return corpus_dir()


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    p = tmp_path / "store.sqlite"
    monkeypatch.setenv("XXGK_STORE", str(p))
    return p


def pytest_terminal_summary(terminalreporter):
    import sys

    mod = sys.modules.get("test_corpus")
    if mod is None or not mod.COUNTS["files"]:
        return
    c = mod.COUNTS
    terminalreporter.write_line(
        f"corpus: {c['files']} files, {c['cells']} cells: {c['exact']} exact, {c['flagged']} flagged, "
        f"{c['silent']} silent mismatches")


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """Two departments and the county, 2023 and 2024, read into a store (for the batch tests)."""
    from kit.demo import write_demo
    from kit.readers import read_file
    from kit.store import Store

    st = tmp_path / "s.sqlite"
    with Store(st) as s:
        for p in write_demo(tmp_path / "d", departments=2, years=(2023, 2024)):
            s.put(read_file(p))
    return st
