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

GOALS = {"text": 50.0, "html": 50.0, "pdf": 2.0, "docx": 50.0, "xlsx": 50.0}


def files_by_reader(corpus: Path, tmp: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {"text": [], "html": [], "pdf": [], "docx": []}
    for p in sorted(corpus.iterdir()):
        kind = {".txt": "text", ".md": "text", ".html": "html", ".pdf": "pdf"}.get(p.suffix)
        if kind:
            out[kind].append(p)
    from kit.demo import make_report
    from kit.report.excel import write_template
    from kit.demo.forms import write_docx as docx_report

    out["xlsx"] = []
    for i in range(4):
        report = make_report(f"测试局{'甲乙丙丁'[i]}", 2024, numbers(random.Random(i), 60, {}))
        out["docx"].append(docx_report(report, tmp / f"r{i}.docx", subtotals=bool(i % 2)))
        out["xlsx"].append(write_template(tmp / f"r{i}.xlsx", report=report))
    return out


def ocr_pages_per_second(corpus: Path, tmp: Path, runs: int) -> None:
    """Scanned PDFs (mild scans of the corpus PDFs, made here): pages per second."""
    import pypdfium2 as pdfium
    from scans import scanned_pdf

    scans = [scanned_pdf(p, tmp / f"scan-{p.stem}.pdf", "mild") for p in sorted(corpus.glob("*.pdf"))]
    pages = sum(len(pdfium.PdfDocument(str(s))) for s in scans)
    read_file(scans[0])  # load the models once
    per_run = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for s in scans:
            read_file(s)
        per_run.append(time.perf_counter() - t0)
    med = statistics.median(per_run)
    print(f"{'ocr':8} {len(scans):5d} {med / len(scans):16.4f} {len(scans) / med:10.2f}   pages/s {pages / med:.2f} "
          f"({pages} pages, {med / pages:.1f} s a page)")


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
        from kit.readers.ocr import available

        if available():
            ocr_pages_per_second(Path(args.corpus), Path(tmp), max(1, args.runs // 3))


if __name__ == "__main__":
    main()
