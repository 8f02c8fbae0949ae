"""Nothing a batch starts outlives it: SIGTERM, SIGINT and SIGKILL, a hanging cell (slow).

Each batch runs as a subprocess with a marker in its environment, which its workers and kernels
inherit; the tests read the process table (/proc) for that marker. The moment of the signal is
chosen by fault injection (``XXGK_FAULT``), never by sleeping.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from kit.batch import plan, run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def processes_marked(mark: str) -> list[int]:
    """Every process whose environment holds ``XXGK_TEST_MARK=<mark>``."""
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                env = (proc / "environ").read_bytes()
            except OSError:
                continue
            if f"XXGK_TEST_MARK={mark}".encode() in env.split(b"\0"):
                out.append(int(proc.name))
    return out


def gone(mark: str, within: float = 30.0) -> list[int]:
    """Wait (at most ``within`` seconds) for the marked processes to end; those still there."""
    deadline = time.monotonic() + within
    left = processes_marked(mark)
    while left and time.monotonic() < deadline:
        threading.Event().wait(0.1)
        left = processes_marked(mark)
    for pid in left:  # not this test's to keep, whatever the verdict
        os.kill(pid, signal.SIGKILL)
    return left


def _batch(store: Path, out: Path, fault: str, jobs: int) -> tuple[subprocess.CompletedProcess, str]:
    mark = uuid.uuid4().hex
    env = {**os.environ, "XXGK_FAULT": fault, "XXGK_TEST_MARK": mark}
    cmd = [sys.executable, "-m", "kit.cli", "batch", "--store", str(store), "--outputs", str(out), "--to", "html",
           "--jobs", str(jobs), "--no-progress"]
    # output to a file, not a pipe: a process that outlived the batch would hold a pipe open forever
    log = out.parent / f"batch-{mark}.log"
    with log.open("w") as f:
        res = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, text=True)
    res.stderr = res.stdout = log.read_text(encoding="utf-8")
    return res, mark


@pytest.mark.parametrize("sig", ["TERM", "INT"])
def test_a_stopped_batch_stops_its_workers_and_kernels_and_keeps_what_it_finished(small_store, tmp_path, sig):
    out = tmp_path / "out"
    res, mark = _batch(small_store, out, f"batch.job:2:{sig}", jobs=2)
    signum = getattr(signal, f"SIG{sig}")
    assert res.returncode == 128 + signum, res.stderr
    assert f"stopped by SIG{sig}: 2 reports finished and kept, 4 not done" in res.stderr
    assert gone(mark, within=10) == [], "a worker or kernel outlived the stopped batch"
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert sorted(e["status"] for e in entries) == ["done", "done"] + ["stopped"] * 4
    again = run(plan(small_store, out), out, to=("html",), progress=False, workers=2)
    assert (again.done, again.skipped, again.failed) == (4, 2, 0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_killed_batch_leaves_no_process_behind(small_store, tmp_path, jobs):
    out = tmp_path / "out"
    res, mark = _batch(small_store, out, "batch.job:2", jobs=jobs)
    assert res.returncode == -signal.SIGKILL
    # its workers learn that their parent died and stop their kernels; a kernel dies with its worker
    assert gone(mark) == [], "processes of a killed batch still running"
    # the journal kept the two finished reports; nothing half-written sits at a final path
    assert len((out / ".xxgk" / "journal.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    for html in out.rglob("report.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
    for nb in out.rglob("report.ipynb"):
        json.loads(nb.read_text(encoding="utf-8"))
    again = run(plan(small_store, out), out, to=("html",), progress=False, workers=1)
    assert (again.done, again.skipped, again.failed) == (4, 2, 0)


def test_a_hanging_cell_fails_its_report_alone(small_store, tmp_path):
    nb = json.loads((ROOT / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    hang = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": ["if agency == \"青禾县自然资源局\" and year == 2024:\n",
                       "    import threading\n", "    threading.Event().wait()  # never returns\n"]}
    nb["cells"].insert(2, hang)
    notebook = tmp_path / "report.ipynb"
    notebook.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(plan(small_store, out), out, to=("html",), progress=False, workers=1, notebook=notebook,
                  timeout=5, root=tmp_path)
    assert (summary.done, summary.failed) == (5, 1)
    assert summary.failures[0]["key"] == "2024/青禾县自然资源局"
    assert "time limit of 5 s" in summary.failures[0]["error"]


def test_a_warm_kernel_that_dies_before_its_first_run_answers_is_replaced(small_store, tmp_path, monkeypatch):
    # under load a fresh kernel can die before it answers (nbclient: "Kernel died before replying to
    # kernel_info"); the run is retried in a new kernel instead of failing the report
    from kit.report.params import validate
    from kit.report.render import WarmKernel

    kernel = WarmKernel()
    real = WarmKernel._prepare
    calls: list[int] = []

    def dies_once(self: WarmKernel, code: str) -> None:
        calls.append(1)
        if len(calls) == 1:
            self.km.shutdown_kernel(now=True)
            raise RuntimeError("Kernel died before replying to kernel_info")
        real(self, code)

    monkeypatch.setattr(WarmKernel, "_prepare", dies_once)
    try:
        params = validate({"agency": "青禾县自然资源局", "year": 2024, "store": str(small_store)})
        nb = kernel.execute(params, tmp_path / "out" / "report.ipynb", cwd=tmp_path)
        assert nb.is_file() and len(calls) == 2
    finally:
        kernel.stop()
