"""Batch speed on this machine, in one run (by hand; prints medians and ratios):

    .venv/bin/python bench/batch.py [--reports 40] [--fingerprints 10000]

(a) the plain loop: ``papermill`` then ``jupyter nbconvert`` (HTML and PDF) per report, as a shell
    loop would; (b) ``xxgk batch`` on the same reports from scratch; (c) ``xxgk batch`` again with
    nothing changed; (d) planning and fingerprinting 10,000 jobs from a store of 10,000 reports.
Needs the demo store (``make demo`` first).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from kit.store import Store  # noqa: E402


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=40)
    ap.add_argument("--fingerprints", type=int, default=10_000)
    ap.add_argument("--store", default=str(ROOT / "data" / "xxgk.sqlite"))
    args = ap.parse_args()
    with Store(args.store, create=False) as s:
        jobs = [(a, y) for a, y, _ in s.entries() if y in (2023, 2024)][: args.reports]
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    print(f"{len(jobs)} reports from {args.store}")

    # (a) the plain loop
    per_report = []
    t0 = time.perf_counter()
    for i, (agency, year) in enumerate(jobs):
        nb = tmp / "loop" / f"{i}.ipynb"
        nb.parent.mkdir(parents=True, exist_ok=True)
        t = timed([str(BIN / "papermill"), "notebooks/report.ipynb", str(nb), "-k", "python3", "--no-progress-bar",
                   "-p", "agency", agency, "-p", "year", str(year), "-p", "store", args.store])
        t += timed([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_html", str(nb)])
        t += timed([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_pdf", str(nb)])
        per_report.append(t)
    a = time.perf_counter() - t0
    print(f"(a) plain loop: {a:.1f} s, median {statistics.median(per_report):.2f} s a report")

    # (b) xxgk batch from scratch, (c) again unchanged
    sel: list[str] = []
    for agency in sorted({j[0] for j in jobs}):
        sel += ["--agency", agency]
    for year in sorted({j[1] for j in jobs}):
        sel += ["--year", str(year)]
    out = tmp / "batch"
    cmd = [str(BIN / "xxgk"), "batch", "--store", args.store, "--outputs", str(out), "--no-progress", *sel]
    b = timed(cmd)
    done = len(list(out.glob("*/*/report.pdf")))
    print(f"(b) xxgk batch from scratch: {b:.1f} s for {done} reports ({b / max(done, 1):.2f} s a report)")
    c_runs = [timed(cmd) for _ in range(5)]
    c = statistics.median(c_runs)
    print(f"(c) xxgk batch, nothing changed: median {c:.2f} s of 5 runs")

    # (d) fingerprints of N jobs over a store of N reports
    from kit.batch import plan
    from kit.fingerprint import fingerprint_jobs
    from kit.report.render import NOTEBOOK

    big = tmp / "big.sqlite"
    with Store(args.store) as src, Store(big) as dst:
        base = [src.get(a, y) for a, y in jobs]
        dst.db.execute("PRAGMA synchronous = OFF")
        for i in range(args.fingerprints):
            r = base[i % len(base)]
            r.agency = f"机关{i // 7:05d}"
            r.year = 2019 + i % 7
            dst.put(r)
    d_runs = []
    for _ in range(3):
        t = time.perf_counter()
        js = plan(big, tmp / "fp")
        fingerprint_jobs(js, NOTEBOOK, ROOT)
        d_runs.append(time.perf_counter() - t)
    d = statistics.median(d_runs)
    print(f"(d) plan + fingerprint {len(js)} jobs: median {d:.2f} s of 3 runs")
    print(f"ratio (a)/(b): {a / b:.1f}x  (goal >= 3x); (c) {c:.2f} s (goal < 2 s); (d) {d:.2f} s (goal < 20 s)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
