"""Crash safety: ingest and batch killed at any moment (SIGKILL) lose nothing and leave nothing half-made."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kit.batch import plan, run
from kit.demo import make_report, numbers
from kit.demo.forms import text as report_text
from kit.readers import read_file
from kit.schema import get_format
from kit.store import Store

ROOT = Path(__file__).resolve().parents[1]
CELLS = len(get_format("gov2021").cell_ids())


def _folder(tmp_path: Path, n: int) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    rng = random.Random(9)
    for i in range(n):
        cells = numbers(rng, 40, {})
        name = "测试局" + "".join("零一二三四五六七八九"[int(ch)] for ch in f"{i:03d}")
        (d / f"{i:03d}.txt").write_text(report_text(make_report(name, 2024, cells), "pipe"), encoding="utf-8")
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


def test_ingest_killed_at_any_moment(tmp_path):
    n = 150
    folder = _folder(tmp_path, n)
    store = tmp_path / "s.sqlite"
    cmd = [sys.executable, "-m", "kit.cli", "ingest", str(folder), "--store", str(store)]
    partial = 0
    for attempt in range(12):
        for f in tmp_path.glob("s.sqlite*"):
            f.unlink()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait until the first report is committed, then kill somewhere in the rest
        deadline = time.time() + 30
        while time.time() < deadline and proc.poll() is None:
            if store.exists() and store.stat().st_size > 0:
                break
            time.sleep(0.01)
        time.sleep(random.Random(attempt).uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stored = _consistent(store) if store.exists() else set()
        if 0 < len(stored) < n:
            partial += 1
        if partial >= 3:
            break
    assert partial >= 1, "no kill landed in the middle of an ingest; the test proved nothing"
    # the next run completes the work
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    assert len(_consistent(store)) == n


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
    res = subprocess.run([sys.executable, "-m", "kit.cli", "ingest", str(folder), "--store", str(store)], cwd=ROOT,
                         capture_output=True)
    stop.set()
    for t in threads:
        t.join()
    assert res.returncode == 0 and not errors
    assert len(_consistent(store)) == 40


@pytest.fixture
def store(small_store):
    return small_store


@pytest.mark.slow
def test_batch_killed_then_clean_rerun(store, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kit.cli", "batch", "--store", str(store), "--outputs", str(out), "--to", "html,pdf",
           "--jobs", "1", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    journal = out / ".xxgk" / "journal.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and not (journal.exists() and journal.read_text(encoding="utf-8").strip()):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its kernels, mid-run
    proc.wait()
    finished = len(journal.read_text(encoding="utf-8").splitlines())
    assert 1 <= finished < 6
    for p in out.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".pdf", ".ipynb"):
            assert not p.name.startswith("."), f"partial output at a final path: {p}"
    summary = run(plan(store, out), out, to=("html", "pdf"), progress=False, workers=1)
    assert summary.failed == 0 and summary.skipped == finished and summary.done == 6 - finished
    assert len(list(out.glob("*/*/report.pdf"))) == 6


