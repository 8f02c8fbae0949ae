"""Crash safety: ingest and batch killed (SIGKILL) at exact moments lose nothing and leave nothing half-made.

The moment is chosen by fault injection (``XXGK_FAULT``, :mod:`kit.faults`): the process kills itself
at the n-th passage of a named point, so every run tests the same moment; no sleeping, no racing.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kit.demo import make_report, numbers
from kit.demo.forms import text as report_text
from kit.readers import read_file
from kit.schema import get_format
from kit.store import Store

ROOT = Path(__file__).resolve().parents[1]
CELLS = len(get_format("gov2021").cell_ids())
FILES = 60


def _agency(i: int) -> str:
    return "测试局" + "".join("零一二三四五六七八九"[int(ch)] for ch in f"{i:03d}")


def _folder(tmp_path: Path, n: int) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    rng = random.Random(9)
    for i in range(n):
        cells = numbers(rng, 40, {})
        (d / f"{i:03d}.txt").write_text(report_text(make_report(_agency(i), 2024, cells), "pipe"), encoding="utf-8")
    return d


def _consistent(store: Path) -> set[str]:
    """Every stored report is whole: all its cells, sections and provenance; returns the agencies."""
    with Store(store) as s:
        assert s.integrity_ok()
        agencies = set()
        for a, y, _ in s.entries():
            r = s.get(a, y)
            assert len(r.cells) == CELLS and r.provenance.sha256 and r.sections["五"]
            n = s.db.execute("SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id "
                             "WHERE r.agency = ? AND r.year = ?", (a, y)).fetchone()[0]
            assert n == CELLS
            agencies.add(a)
        orphans = s.db.execute("SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT id FROM reports)").fetchone()[0]
        assert orphans == 0
    return agencies


def _ingest(folder: Path, store: Path, fault: str | None = None) -> int:
    env = {**os.environ, "XXGK_FAULT": fault} if fault else {k: v for k, v in os.environ.items() if k != "XXGK_FAULT"}
    cmd = [sys.executable, "-m", "kit.cli", "ingest", str(folder), "--store", str(store)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True).returncode


@pytest.mark.parametrize("point,n,kept", [("store.write", 1, 0), ("store.write", 37, 36), ("store.commit", 37, 37)])
def test_ingest_killed_at_an_exact_moment(tmp_path, point, n, kept):
    folder = _folder(tmp_path, FILES)
    store = tmp_path / "s.sqlite"
    # killed inside the n-th report's transaction (half its rows written), or right after a commit
    assert _ingest(folder, store, f"{point}:{n}") == -signal.SIGKILL
    assert _consistent(store) == {_agency(i) for i in range(kept)}
    # the next run completes the work
    assert _ingest(folder, store) == 0
    assert _consistent(store) == {_agency(i) for i in range(FILES)}


def test_a_bad_fault_spec_is_a_usage_error(tmp_path):
    folder = _folder(tmp_path, 1)
    assert _ingest(folder, tmp_path / "s.sqlite", "store.nowhere:1") == 2


def test_readers_while_an_ingest_writes(tmp_path):
    folder = _folder(tmp_path, 40)
    store = tmp_path / "s.sqlite"
    with Store(store) as s:  # something to read from the start
        s.put(read_file(next(folder.iterdir())))
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                with Store(store) as s:
                    for a, y, _ in s.entries():
                        assert len(s.get(a, y).cells) == CELLS
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
                return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    code = _ingest(folder, store)
    stop.set()
    for t in threads:
        t.join()
    assert code == 0 and not errors
    assert len(_consistent(store)) == 40
