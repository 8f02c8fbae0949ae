"""Untrusted input: limits, safe parsing, nothing injected into reports, safe names and parameters.

The hostile files are generated here, in a temporary folder; none is committed.
"""
from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest

from kit.cli import main
from kit.demo import make_report, numbers
from kit.errors import InputError, ParameterError
from kit.demo.forms import text as report_text
from kit.readers import read_file
from kit.store import Store

SECRET = "TOP-SECRET-7f3a"
HOSTILE_NARRATIVE = "\n".join([
    "本年度工作情况如下。<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[点此查看](javascript:alert(1)) ![图](http://evil.invalid/x.png)",
    "%run /tmp/evil.py",
    "!touch {marker}",
    "$\\frac{1}{0}$ {{ 7*7 }} <b>粗体</b> &amp; &lt;",
])


def _good(folder: Path, agency: str = "甲县乙局", year: int = 2024, seed: int = 1) -> Path:
    cells = numbers(random.Random(seed), 20, {})
    p = folder / f"{agency}-{year}.txt"
    p.write_text(report_text(make_report(agency, year, cells), "glued"), encoding="utf-8")
    return p


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def _with_entity(package: bytes, entry: str, path: Path, patch) -> Path:
    """Rewrite one XML entry of an Office package (to plant an external entity in it)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    return _zip(path, {n: patch(src.read(n)) if n == entry else src.read(n) for n in src.namelist()})


def _doctype(secret_file: Path) -> bytes:
    return f'<!DOCTYPE x [<!ENTITY s SYSTEM "{secret_file.as_uri()}">]>'.encode()


def _xxe_xlsx(path: Path, secret_file: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = 0  # a number cell, <v>0</v>, where the entity reference goes
    buf = io.BytesIO()
    wb.save(buf)
    return _with_entity(buf.getvalue(), "xl/worksheets/sheet1.xml", path,
                        lambda d: d.replace(b"<worksheet", _doctype(secret_file) + b"<worksheet", 1)
                        .replace(b"<v>0</v>", b"<v>&s;</v>"))


def _xxe_docx(path: Path, secret_file: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("MARK")
    buf = io.BytesIO()
    d.save(buf)
    return _with_entity(buf.getvalue(), "word/document.xml", path,
                        lambda d: d.replace(b"?>", b"?>" + _doctype(secret_file), 1).replace(b"MARK", b"&s;"))


def _assert_secret_not_read(path: Path) -> None:
    """Refused or read, the file's planted entity never brings the secret into the kit."""
    try:
        r = read_file(path)
    except InputError as e:
        assert SECRET not in str(e)
    else:
        assert SECRET not in repr(r.to_dict())


@pytest.fixture
def secret(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text(SECRET, encoding="utf-8")
    return p


# -- limits and safe parsing --------------------------------------------------------------------
def test_size_limit_is_named(tmp_path, monkeypatch):
    p = _good(tmp_path)
    monkeypatch.setenv("XXGK_MAX_BYTES", "1000")
    with pytest.raises(InputError, match="size limit of 1,000 bytes"):
        read_file(p)


def test_zip_bomb_refused_by_ratio_and_size(tmp_path, monkeypatch):
    bomb = _zip(tmp_path / "bomb.docx", {"word/document.xml": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(InputError, match="compression ratio|unpacks to"):
        read_file(bomb)
    monkeypatch.setenv("XXGK_MAX_UNPACKED", "1000")
    big = _zip(tmp_path / "big.xlsx", {"xl/workbook.xml": random.Random(1).randbytes(5000)})
    with pytest.raises(InputError, match="over the limit of 1,000 bytes"):
        read_file(big)


def test_zip_with_too_many_entries(tmp_path):
    many = _zip(tmp_path / "many.xlsx", {f"xl/x{i}.xml": b"x" for i in range(2100)})
    with pytest.raises(InputError, match="entries, over the limit"):
        read_file(many)


@pytest.mark.parametrize("make,name", [(_xxe_xlsx, "xxe.xlsx"), (_xxe_docx, "xxe.docx")])
def test_office_external_entity_not_resolved(tmp_path, secret, make, name):
    p = make(tmp_path / name, secret)
    _assert_secret_not_read(p)


def test_html_entities_and_resources_not_fetched(tmp_path, secret, monkeypatch):
    import socket

    def no_network(*a, **k):
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    good = _good(tmp_path).read_text(encoding="utf-8")
    rows = "".join(f"<p>{line}</p>" if "|" not in line else
                   "<table><tr>" + "".join(f"<td>{c}</td>" for c in line.strip("|").split("|")) + "</tr></table>"
                   for line in good.splitlines())
    page = (f'<!DOCTYPE html [<!ENTITY s SYSTEM "{secret.as_uri()}">]><html><head>'
            '<link rel="stylesheet" href="http://evil.invalid/x.css"><script src="http://evil.invalid/x.js"></script>'
            f'</head><body><img src="http://evil.invalid/t.png"><p>&s;</p>{rows}</body></html>')
    p = tmp_path / "page.html"
    p.write_text(page, encoding="utf-8")
    _assert_secret_not_read(p)


def _pdf(path: Path, pages: list[str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        for text in pages:
            fig = plt.figure()
            fig.text(0.1, 0.5, text)
            pdf.savefig(fig)
            plt.close(fig)
    return path


def test_pdf_page_limit(tmp_path, monkeypatch):
    p = _pdf(tmp_path / "long.pdf", ["page 0", "page 1", "page 2"])
    monkeypatch.setenv("XXGK_PDF_PAGES", "2")
    with pytest.raises(InputError, match="long.pdf: PDF has 3 pages, over the limit of 2"):
        read_file(p)


def test_a_pdf_page_whose_tables_fail_is_named_not_dropped(tmp_path, monkeypatch):
    import pdfplumber.page

    from kit.readers.pdf import pdf_to_text

    p = _pdf(tmp_path / "broken.pdf", ["first page", "second page", "third page"])
    real = pdfplumber.page.Page.find_tables

    def fails_on_page_two(self, *a, **k):
        if self.page_number == 2:
            raise KeyError("/Resources")  # what a malformed page makes pdfminer raise
        return real(self, *a, **k)

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", fails_on_page_two)
    text, findings = pdf_to_text(p.read_bytes(), str(p))
    assert "second page" in text  # its text is still read
    assert [(f.rule, f.severity, f.actual) for f in findings] == [
        ("extract.pdf_page", "warning", {"page": 2, "error": "KeyError"})]
    assert "第2页" in findings[0].message


def test_read_time_limit_arms_an_alarm_on_the_main_thread(tmp_path, monkeypatch):
    # No waiting: the reading itself "takes too long" by receiving the alarm the limit armed.
    import signal

    import kit.readers.pdf as pdfmod

    armed: list[int] = []
    real_alarm = signal.alarm
    monkeypatch.setattr(signal, "alarm", lambda s: armed.append(s) or real_alarm(0))

    def overrun(data, path, meta=None):
        signal.raise_signal(signal.SIGALRM)  # what the clock would do after XXGK_READ_SECONDS
        raise AssertionError("the alarm did not stop the reading")

    monkeypatch.setattr(pdfmod, "pdf_to_text", overrun)
    monkeypatch.setenv("XXGK_READ_SECONDS", "7")

    def no_limit(signum, frame):  # what runs if the limit installed no handler of its own
        raise AssertionError("the time limit did not handle its alarm")

    before = signal.signal(signal.SIGALRM, no_limit)
    try:
        p = tmp_path / "slow.pdf"
        p.write_bytes(b"%PDF-1.7\n")
        with pytest.raises(InputError, match="slow.pdf: reading took longer than the limit of 7 s .XXGK_READ_SECONDS"):
            read_file(p)
        assert armed == [7, 0]  # armed with the limit, disarmed afterwards
        assert signal.getsignal(signal.SIGALRM) is no_limit  # and the previous handler is back
    finally:
        signal.signal(signal.SIGALRM, before)


def _in_a_thread(fn):
    import threading

    out: list = []
    t = threading.Thread(target=lambda: out.append(_outcome(fn)))
    t.start()
    t.join()
    return out[0]


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the test looks at what the thread raised
        return e


def _clock_jumps_at(monkeypatch, calls: int):
    """The readers' clock: still at 0 for the first ``calls`` readings of it, then a day later."""
    from kit.readers import deadline

    seen = {"n": 0}

    def clock():
        seen["n"] += 1
        return 0.0 if seen["n"] <= calls else 86400.0

    monkeypatch.setattr(deadline, "clock", clock)
    return seen


def test_read_time_limit_holds_in_a_worker_thread(tmp_path, monkeypatch):
    p = _pdf(tmp_path / "long.pdf", ["page 0", "page 1", "page 2"])
    seen = _clock_jumps_at(monkeypatch, 2)  # the deadline is set, page 1 is checked, then time has run out
    monkeypatch.setenv("XXGK_READ_SECONDS", "5")
    got = _in_a_thread(lambda: read_file(p))
    assert isinstance(got, InputError) and "limit of 5 s (XXGK_READ_SECONDS)" in str(got), got
    assert seen["n"] == 3  # stopped at the second page's check, not at the end
    monkeypatch.setenv("XXGK_READ_SECONDS", "0")  # 0: no limit
    assert isinstance(_in_a_thread(lambda: _pdf_text(p)), str)


def _pdf_text(p: Path) -> str:
    from kit.readers.pdf import pdf_to_text

    return pdf_to_text(p.read_bytes(), str(p))[0]


def test_a_scan_has_a_time_limit_of_its_own_in_a_thread_too(tmp_path, monkeypatch):
    from kit.readers import ocr

    if not ocr.available():
        pytest.skip("needs the ocr extra, which `make` installs")
    from PIL import Image

    page = tmp_path / "page.png"
    Image.new("L", (400, 560), 255).save(page)
    _clock_jumps_at(monkeypatch, 1)  # past the deadline at the first check, before any recognition
    monkeypatch.setenv("XXGK_OCR_SECONDS", "9")
    got = _in_a_thread(lambda: read_file(page))
    assert isinstance(got, InputError) and "limit of 9 s (XXGK_OCR_SECONDS)" in str(got), got


@pytest.mark.parametrize("name", ["XXGK_MAX_BYTES", "XXGK_MAX_UNPACKED", "XXGK_PDF_PAGES", "XXGK_READ_SECONDS",
                                  "XXGK_OCR_SECONDS", "XXGK_TIMEOUT"])
@pytest.mark.parametrize("bad", ["abc", "-1", "1.5"])
def test_a_bad_limit_is_a_usage_error_naming_it(tmp_path, monkeypatch, capsys, name, bad):
    p = _good(tmp_path)
    monkeypatch.setenv(name, bad)
    assert main(["extract", str(p)]) == 2
    err = capsys.readouterr().err
    assert name in err and repr(bad) in err and err.count("\n") == 1
    from kit.config import limit
    from kit.errors import ConfigError

    with pytest.raises(ConfigError, match=name):  # the library refuses it too, not only the CLI
        limit(name)


def test_limits_accept_whole_numbers_and_fall_back_when_unset(monkeypatch):
    from kit.config import SETTINGS, limit

    monkeypatch.setenv("XXGK_PDF_PAGES", " 12 ")
    monkeypatch.delenv("XXGK_MAX_BYTES", raising=False)
    assert limit("XXGK_PDF_PAGES") == 12 and limit("XXGK_MAX_BYTES") == SETTINGS["max_bytes"].default == 50 * 1024 ** 2


# -- names and parameters --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "a\x00b", "CON", "lpt1.txt", "x" * 500, ".."])
def test_agency_names_never_leave_outputs(tmp_path, name):
    from kit.report.names import output_dir

    p = output_dir(tmp_path / "outputs", name, 2024)
    assert (tmp_path / "outputs").resolve() in p.parents


def test_colliding_names_get_distinct_folders(tmp_path):
    from kit.report.names import output_dir

    paths = {output_dir(tmp_path, n, 2024) for n in ("甲/局", "甲_局", "甲:局", "甲\\局")}
    assert len(paths) == 4


@pytest.mark.parametrize("params,word", [
    ({"agency": "甲局", "year": 2024, "extra": 1}, "extra"),
    ({"agency": "甲局", "year": "2024"}, "year"),
    ({"agency": "甲局", "year": 1999}, "year"),
    ({"agency": 12, "year": 2024}, "agency"),
    ({"agency": 'x"; __import__("os").system("touch /tmp/pwned") #', "year": 2024}, "quote"),
    ({"agency": "a\nimport os", "year": 2024}, "control"),
])
def test_parameters_refused_before_any_kernel(tmp_path, params, word):
    from kit.report.render import render

    with pytest.raises(ParameterError, match=word):
        render(params, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_agency_code_stays_text(tmp_path):
    from kit.report.params import load

    p = tmp_path / "p.yaml"
    p.write_text('agency: "0012"\nyear: 2024\n', encoding="utf-8")
    assert load(p)["agency"] == "0012"


# -- nothing in an input runs or is interpreted -----------------------------------------------------
@pytest.mark.slow
def test_hostile_narrative_and_names_shown_literally(tmp_path):
    import pdfplumber

    from kit.report.render import render

    marker = tmp_path / "PWNED"
    agency = "<b>恶意</b>局<img src=x onerror=alert(1)>"
    cells = numbers(random.Random(3), 20, {})
    report = make_report(agency, 2024, cells, {"一": HOSTILE_NARRATIVE.replace("{marker}", str(marker)),
                                               "五": "<script>document.write(1)</script>", "六": "无"})
    report.raw["t2.rules.issued"] = "<script>x()</script>"
    report.cells["t2.rules.issued"] = None
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        s.put(report)
    paths = render({"agency": agency, "year": 2024, "store": str(store)}, tmp_path / "out")
    html = paths["html"].read_text(encoding="utf-8")
    low = html.lower()
    assert "<script" not in low and "<img src=x" not in low and "<b>恶意" not in html
    assert 'href="javascript' not in low and "onerror=alert" not in low.replace("&lt;img src=x onerror=alert", "")
    assert "&lt;script&gt;alert" in html and "![图](http://evil.invalid/x.png)" in html
    assert "%run /tmp/evil.py" in html and f"!touch {marker}" in html and "{{ 7*7 }}" in html
    assert "$\\frac{1}{0}$" in html and "&amp;amp;" in html
    assert not marker.exists(), "a line of narrative ran in the kernel"
    with pdfplumber.open(paths["pdf"]) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "<script>alert('x')</script>" in text.replace(" ", "")


def test_ingest_mixed_folder_stores_only_the_good(tmp_path, secret, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    goods = [_good(folder, "甲县乙局", 2023, 1), _good(folder, "甲县乙局", 2024, 2)]
    hostile = {
        "bomb.docx": lambda p: _zip(p, {"word/document.xml": b"\0" * (20 * 1024 * 1024)}),
        "many.xlsx": lambda p: _zip(p, {f"xl/x{i}.xml": b"x" for i in range(2100)}),
        "xxe.xlsx": lambda p: _xxe_xlsx(p, secret),
        "empty.txt": lambda p: p.write_bytes(b""),
        "junk.pdf": lambda p: p.write_bytes(b"%PDF-1.7\n" + random.Random(2).randbytes(3000)),
        "notables.html": lambda p: p.write_text("<html><body><p>没有表格</p></body></html>", encoding="utf-8"),
        "truncated.html": lambda p: p.write_text("<!DOCTYPE html><html><body><table><tr><td>一、本年新收", encoding="utf-8"),
        "notazip.docx": lambda p: p.write_bytes(b"PK\x03\x04 not really"),
        "huge.txt": lambda p: p.open("wb").truncate(200 * 1024 * 1024),
        "binary.txt": lambda p: p.write_bytes(random.Random(4).randbytes(4000)),
    }
    for name, make in hostile.items():
        make(folder / name)
    store = tmp_path / "s.sqlite"
    assert main(["ingest", str(folder), "--store", str(store)]) == 1
    *err, summary = capsys.readouterr().err.strip().splitlines()
    assert summary == f"ingest: 2 read, 0 unchanged, {len(hostile)} failed"
    assert len(err) == len(hostile) and all(e.startswith("FAILED ") for e in err)
    for name in hostile:
        assert sum(name in e for e in err) == 1
    assert SECRET not in "\n".join(err)
    with Store(store) as s:
        assert s.entries() == [("甲县乙局", 2023, "gov2021"), ("甲县乙局", 2024, "gov2021")]
        assert s.integrity_ok()
        # the stored reports are the good files, byte for byte
        assert [s.get("甲县乙局", y).provenance.sha256 for y in (2023, 2024)] == \
            [hashlib.sha256(g.read_bytes()).hexdigest() for g in goods]


def test_pdf_renderer_fetches_nothing_but_data_and_the_kit_fonts(secret):
    from kit.report.fonts import pdf_font
    from kit.report.render import _fetcher

    f = _fetcher()
    for url in ("http://evil.invalid/x.png", "https://evil.invalid/x.css", "ftp://evil.invalid/x", secret.as_uri(),
                "file:///etc/passwd"):
        with pytest.raises(ValueError):
            f.fetch(url)
    assert f.fetch(pdf_font().as_uri()).read(4) in (b"\x00\x01\x00\x00", b"true")
