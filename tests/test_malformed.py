"""Malformed input: one line naming the file and the reason, exit 1, and the good files still stored."""
from __future__ import annotations

import random

import pytest

from kit.cli import main
from kit.demo import make_report, numbers, report_text
from kit.demo.forms import html_page
from kit.readers import ocr
from kit.store import Store


def _no_text_pdf(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig = plt.figure(figsize=(8.27, 11.69))
    fig.add_artist(Rectangle((0.1, 0.1), 0.8, 0.8, fill=False))
    fig.savefig(path, format="pdf")
    plt.close(fig)


@pytest.fixture
def mixed(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for i, year in enumerate((2023, 2024)):
        (d / f"good-{year}.txt").write_text(
            report_text("甲县乙局", year, numbers(random.Random(i), 30, {}), "glued"), encoding="utf-8")
    page = html_page(make_report("丙市政府办公厅", 2019, numbers(random.Random(7), 30, {}, version="gov2019")))
    (d / "good-page.html").write_text(page, encoding="utf-8")
    bad = {
        "empty.txt": b"",
        "junk.txt": random.Random(3).randbytes(5000),
        "truncated.html": page[: len(page) // 2].encode("utf-8"),
        "notables.html": b"<html><body><p>\xe6\x9c\xac\xe9\xa1\xb5\xe6\x97\xa0\xe8\xa1\xa8\xe6\xa0\xbc</p></body></html>",
        "notazip.docx": b"PK\x03\x04 not a zip at all",
    }
    for name, data in bad.items():
        (d / name).write_bytes(data)
    _no_text_pdf(d / "scan.pdf")
    with open(d / "huge.txt", "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB without using the disk
    return d


def test_ingest_mixed_folder(mixed, tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    assert main(["ingest", str(mixed), "--store", str(store)]) == 1
    out = capsys.readouterr()
    *errors, summary = out.err.strip().splitlines()
    assert summary == "ingest: 3 read, 0 unchanged, 7 failed"
    reasons = {
        "empty.txt": "empty file", "junk.txt": "binary", "truncated.html": "truncated",
        "notables.html": "no table", "notazip.docx": "zip", "huge.txt": "size limit",
        # a page with no text: read by OCR when the extra is installed (and found to hold no table)
        "scan.pdf": "no statutory table" if ocr.available() else "xxgk-kit[ocr]",
    }
    assert len(errors) == len(reasons)
    for name, reason in reasons.items():
        line = next(e for e in errors if name in e)
        assert reason in line, line
    assert "Traceback" not in out.err
    with Store(store) as s:
        assert s.entries() == [("丙市政府办公厅", 2019, "gov2019"), ("甲县乙局", 2023, "gov2021"),
                               ("甲县乙局", 2024, "gov2021")]
        assert s.integrity_ok()
