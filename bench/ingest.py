"""Ingest speed per reader: reports per second on one core, medians of several runs.

    .venv/bin/python bench/ingest.py [--runs 7]

Reads every corpus file of each form (and generated DOCX reports) in this one process; prints
per-reader medians and the ratio to the issue's goal (text/HTML 50 reports/s, PDF 2 reports/s).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kit.demo import numbers  # noqa: E402
from kit.readers import read_file  # noqa: E402

GOALS = {"text": 50.0, "html": 50.0, "pdf": 2.0, "docx": 50.0}


def files_by_reader(corpus: Path, tmp: Path) -> dict[str, list[Path]]:
    from office_fixtures import write_docx

    out: dict[str, list[Path]] = {"text": [], "html": [], "pdf": [], "docx": []}
    for p in sorted(corpus.iterdir()):
        kind = {".txt": "text", ".md": "text", ".html": "html", ".pdf": "pdf"}.get(p.suffix)
        if kind:
            out[kind].append(p)
    for i in range(4):
        out["docx"].append(write_docx(tmp / f"r{i}.docx", f"测试局{i}", 2024,
                                      numbers(random.Random(i), 60, {}), subtotals=bool(i % 2)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        groups = files_by_reader(Path(args.corpus), Path(tmp))
        for f in (f for fs in groups.values() for f in fs):
            read_file(f)  # warm imports and caches once
        print(f"{'reader':8} {'files':>5} {'median s/report':>16} {'reports/s':>10} {'goal':>6} {'ratio':>6}")
        for kind, files in groups.items():
            per_run = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                for f in files:
                    read_file(f)
                per_run.append((time.perf_counter() - t0) / len(files))
            med = statistics.median(per_run)
            rate = 1 / med
            print(f"{kind:8} {len(files):5d} {med:16.4f} {rate:10.1f} {GOALS[kind]:6.0f} {rate / GOALS[kind]:6.1f}x")


if __name__ == "__main__":
    main()
