import random

import pytest

from conftest import CORPUS
from kit.demo import numbers
from kit.errors import InputError
from kit.readers import read_file
from kit.demo import make_report
from kit.demo.forms import write_docx


def _cells(seed):
    return numbers(random.Random(seed), 50, {"natural": 3})


@pytest.mark.parametrize("subtotals", [False, True], ids=["official", "with-subtotals"])
@pytest.mark.parametrize("seed", [1, 2])
def test_docx_reads_every_cell(tmp_path, seed, subtotals):
    cells = _cells(seed)
    p = write_docx(make_report("甲县乙局", 2024, cells), tmp_path / "r.docx", subtotals=subtotals)
    r = read_file(p)
    assert (r.agency, r.year, r.format, r.provenance.reader) == ("甲县乙局", 2024, "gov2021", "docx")
    assert r.cells == cells
    assert not [f for f in r.findings if f.rule.startswith("extract.")]
    assert "信息公开方面" in r.sections["五"]  # the demo narrative of part 五


@pytest.mark.corpus
def test_blank_official_template_is_refused():
    with pytest.raises(InputError, match="no numbers"):
        read_file(CORPUS / "odd" / "template_blank_2021format.docx")


def test_docx_that_is_not_a_zip(tmp_path):
    p = tmp_path / "fake.docx"
    p.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="fake.docx.*zip"):
        read_file(p)


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (5 * 1024 * 1024))
    monkeypatch.setenv("XXGK_MAX_UNPACKED", str(1024 * 1024))
    with pytest.raises(InputError, match="limit"):
        read_file(p)
