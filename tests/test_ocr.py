"""Scanned reports: scans made here from the corpus PDFs, every cell compared with shared/corpus/expected."""
from __future__ import annotations

import socket

import pytest

from conftest import corpus_dir, expected
from kit.errors import InputError
from kit.readers import read_file
from scans import scanned_pdf, scanned_png

pytestmark = pytest.mark.slow
PDFS = ["jiangsu-huaian_hongzequ_2023.pdf", "jiangsu-huaian_shizhengfu_2024.pdf"]
TALLY: dict[str, list[int]] = {}


def _score(path, name):
    exp = expected(corpus_dir() / name)
    r = read_file(path)
    assert r.provenance.reader == "ocr"
    flagged = {c for f in r.findings if f.rule.startswith(("extract.", "format.")) and f.severity != "info"
               for c in f.cells}
    either = exp.get("accept_either", {})
    exact = flag = 0
    silent = {}
    for cid, v in exp["cells"].items():
        got = r.cells[cid]
        if got == v or (got is not None and v is not None and abs(got - v) < 1e-9) or got in either.get(cid, [None]) and cid in either:
            exact += 1
        elif cid in flagged:
            flag += 1
        else:
            silent[cid] = (v, got)
    return r, exact, flag, silent


@pytest.mark.parametrize("name", PDFS)
def test_mild_scan_exact_or_flagged(tmp_path, name):
    scan = scanned_pdf(corpus_dir() / name, tmp_path / "scan.pdf", "mild")
    r, exact, flag, silent = _score(scan, name)
    assert silent == {}
    assert exact >= 0.98 * (exact + flag), (exact, flag)
    TALLY.setdefault("mild", [0, 0])
    TALLY["mild"][0] += exact
    TALLY["mild"][1] += flag
    assert r.year == 2023 + PDFS.index(name) and r.format == "gov2021"


@pytest.mark.parametrize("level", ["harsh", "coarse"])
@pytest.mark.parametrize("name", PDFS)
def test_harsh_and_coarse_scans_never_silently_wrong(tmp_path, name, level):
    scan = scanned_pdf(corpus_dir() / name, tmp_path / "scan.pdf", level)
    r, exact, flag, silent = _score(scan, name)
    assert silent == {}, f"{level} scan of {name}: wrong numbers without a flag"


def test_a_coarse_table_is_refused_not_guessed(tmp_path):
    scan = scanned_pdf(corpus_dir() / PDFS[1], tmp_path / "scan.pdf", "coarse")
    r = read_file(scan)
    refused = [f for f in r.findings if f.rule in ("extract.ocr_refused", "extract.table_missing")]
    assert refused and all(r.cells[c] is None for f in refused for c in f.cells)


def test_page_image_png(tmp_path):
    png = scanned_png(corpus_dir() / PDFS[1], tmp_path / "page.png", "mild", page=3)
    r = read_file(png)
    exp = expected(corpus_dir() / PDFS[1])
    got = {k: r.cells[k] for k in exp["cells"] if k.startswith("t3.new.")}
    assert got == {k: v for k, v in exp["cells"].items() if k.startswith("t3.new.")}


def test_no_download_is_attempted(tmp_path, monkeypatch):
    from kit.readers import ocr

    attempts = []

    def refuse(self, *a, **k):
        attempts.append(a)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, *a))
    ocr.engine.cache_clear()  # build the engine (and load its models) with the network off
    png = scanned_png(corpus_dir() / PDFS[0], tmp_path / "page.png", "clean", page=2)
    r = read_file(png)
    assert r.cells["t3.new.natural"] == 21 and attempts == []


def test_without_the_extra_a_scan_is_refused_naming_it(tmp_path, monkeypatch):
    from kit.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    scan = scanned_pdf(corpus_dir() / PDFS[0], tmp_path / "scan.pdf", "clean", pages=[2])
    with pytest.raises(InputError, match=r"xxgk-kit\[ocr\]"):
        read_file(scan)
