"""The agency report as an editable Word document (kit.report.docx): it reads back to the same report,
in the official layout, with the same bytes every time."""
from __future__ import annotations

import copy
import hashlib
import struct
import zlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from kit.demo import write_demo
from kit.readers import read_file
from kit.report.docx import Block, write_report_docx
from kit.schema import get_format

CELLS = {"gov2021": 200, "gov2019": 198}
AMOUNT = {"gov2021": "t2.fees.amount", "gov2019": "t2.procurement.amount"}  # a 表二 cell that may have decimals


def squeeze(text: str) -> str:
    return "".join(text.split())


def png(width: int = 40, height: int = 20) -> bytes:
    """A small red PNG, made by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Every demo report (each input form, both format versions), read, written as DOCX, read back."""
    folder = tmp_path_factory.mktemp("docx")
    out = []
    for path in write_demo(folder / "d", departments=4, years=(2019, 2020, 2021, 2024)):
        report = read_file(path)
        written = write_report_docx(report, folder / "out" / f"{path.stem}-{path.suffix[1:]}.docx")
        out.append((path, report, written, read_file(written)))
    return out


def test_demo_covers_every_form_and_both_versions(demo):
    forms = Counter((path.suffix, report.format) for path, report, _, _ in demo)
    assert {s for s, _ in forms} == {".txt", ".html", ".docx", ".xlsx"}
    assert {f for _, f in forms} == {"gov2021", "gov2019"}
    assert all(forms[(s, f)] for s in (".txt", ".html", ".docx", ".xlsx") for f in ("gov2021", "gov2019"))


def test_round_trip_cells(demo):
    for path, report, _, back in demo:
        ids = get_format(report.format).cell_ids()
        assert len(ids) == CELLS[report.format]
        assert back.format == report.format, path.name
        assert sum(v is not None for v in report.cells.values()) > 150, path.name  # real numbers, not blanks
        for cid in ids:
            want, got = report.cells[cid], back.cells[cid]
            assert got == want and type(got) is type(want), (path.name, cid, want, got)


def test_round_trip_sections_and_title(demo):
    for path, report, _, back in demo:
        assert (back.agency, back.year) == (report.agency, report.year), path.name
        assert report.agency and report.year
        assert back.title.startswith(f"{report.agency} {report.year}年") or back.title.startswith(
            f"{report.agency}{report.year}年"), back.title
        assert squeeze(report.sections["一"]) and squeeze(report.sections["六"])
        for key in "一二三四五六":
            assert squeeze(back.sections[key]) == squeeze(report.sections[key]), (path.name, key)


def test_blanks_decimals_and_prose_beside_the_tables(demo, tmp_path):
    # the demo prints every number: blank cells, a decimal amount and prose in the table parts are made here
    for version in ("gov2021", "gov2019"):
        report = copy.deepcopy(next(d[1] for d in demo if d[1].format == version))
        ids = get_format(report.format).cell_ids()
        blanks = {ids[0], ids[7], "t3.granted.commercial", "t3.total.total", "t4.review.total", ids[-1]}
        for cid in blanks:
            report.cells[cid] = None
        report.cells[AMOUNT[version]] = 1234.5
        report.sections.update({"二": "本年度主动公开情况如下：\n新制发规范性文件4件，详见下表",
                                "三": "2024年共收到申请56件，具体如下", "四": "本年度发生行政复议4件。\n其中2件尚未审结"})
        back = read_file(write_report_docx(report, tmp_path / f"{report.format}.docx"))
        assert {c for c in ids if back.cells[c] is None} == blanks
        assert back.cells[AMOUNT[version]] == 1234.5
        assert all(back.cells[c] == report.cells[c] for c in ids)
        for key in "二三四":
            assert squeeze(back.sections[key]) == squeeze(report.sections[key])
        cells = [c.text for t in docx.Document(str(tmp_path / f"{report.format}.docx")).tables for c in t._cells]
        assert "1234.5" in cells and not any(t.endswith(".0") for t in cells)


def test_deterministic_and_dated_by_the_report(demo, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _, report, _, _ = demo[0]
    a = write_report_docx(report, tmp_path / "a.docx").read_bytes()
    b = write_report_docx(report, tmp_path / "b.docx").read_bytes()
    assert a == b
    core = docx.Document(str(tmp_path / "a.docx")).core_properties
    assert core.created == core.modified == datetime(report.year, 12, 31, tzinfo=timezone.utc)
    assert core.author == core.last_modified_by == "xxgk-kit"
    assert core.title == f"{report.agency}{report.year}年政府信息公开工作年度报告"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    c = write_report_docx(report, tmp_path / "c.docx").read_bytes()
    assert c != a and c == write_report_docx(report, tmp_path / "d.docx").read_bytes()
    when = datetime.fromtimestamp(1700000000, timezone.utc)
    assert docx.Document(str(tmp_path / "c.docx")).core_properties.created == when


def _spans(table) -> list[list[tuple[str, int, str | None]]]:
    """Each row's cells as (text, gridSpan, vMerge) as they are in the XML."""
    return [[(tc.xpath("string(.)"), tc.grid_span, tc.vMerge) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


@pytest.mark.parametrize("version", ["gov2021", "gov2019"])
def test_official_layout_of_the_tables(demo, version):
    _, report, written, _ = next(d for d in demo if d[1].format == version)
    doc = docx.Document(str(written))
    t2, t3, t4 = doc.tables
    rows = _spans(t3)
    note, applicants = rows[0]
    assert note[0].startswith("（本列数据的勾稽关系") and note[1:] == (3, "restart")
    assert applicants == ("申请人情况", 7, None)
    assert ("法人或其他组织", 5, None) in rows[1] and ("自然人", 1, "restart") in rows[1]
    assert [c[0] for c in rows[2] if c[2] is None] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert rows[3][0] == ("一、本年新收政府信息公开申请数量", 3, None)
    assert ("三、本年度办理结果", 1, "restart") in rows[5]
    assert ("（三）不予公开", 1, "restart") in [c for r in rows for c in r]
    assert len(t3.columns) == 10 and len(t3.rows) == (28 if version == "gov2021" else 26)
    headers = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in t3._tbl.tr_lst]
    assert headers == [True] * 3 + [False] * (len(headers) - 3)  # the three header rows repeat on each page
    assert _spans(t4)[0] == [("行政复议", 5, None), ("行政诉讼", 10, None)]
    assert _spans(t2)[0] == [("第二十条第（一）项", 4, None)]
    value = _spans(t3)[3][1][0]
    assert value == str(report.cells["t3.new.natural"])
    # the tables in their parts: each follows its part's heading
    body = [c.tag.rsplit("}", 1)[-1] + ":" + c.xpath("string(.)")[:6] for c in doc.element.body.iterchildren()]
    at = {k: next(i for i, b in enumerate(body) if b.startswith(f"p:{k}、")) for k in "二三四五"}
    tables = [i for i, b in enumerate(body) if b.startswith("tbl:")]
    assert at["二"] < tables[0] < at["三"] < tables[1] < at["四"] < tables[2] < at["五"]


def test_page_fonts_and_title(demo):
    _, report, written, _ = demo[0]
    doc = docx.Document(str(written))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 28
    assert "PAGE" in section.footer._element.xml
    title = doc.paragraphs[0]
    assert title.text == f"{report.agency}\n{report.year}年政府信息公开工作年度报告"
    assert title.style.font.size.pt == 22 and doc.styles["Normal"].font.size.pt == 16
    assert doc.paragraphs[1].text == "一、总体情况"


def test_extra_blocks_after_the_report(demo, tmp_path):
    _, report, plain, _ = demo[0]
    image = png()
    blocks = [Block("核查发现", ["本报告有2处问题。"], [(["规则", "说明"], [["S1", "行合计不等"], ["S2", "列合计不等"]])],
                    [image])]
    doc = docx.Document(str(write_report_docx(report, tmp_path / "extra.docx", extra=blocks)))
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("核查发现") > texts.index("六、其他需要报告的事项")
    assert texts.index("本报告有2处问题。") == texts.index("核查发现") + 1
    assert doc.paragraphs[texts.index("核查发现")].paragraph_format.page_break_before
    assert len(doc.tables) == 4
    extra = doc.tables[3]
    assert [c.text for c in extra.rows[0].cells] == ["规则", "说明"] and extra.rows[2].cells[1].text == "列合计不等"
    body = list(doc.element.body.iterchildren())
    assert body.index(extra._tbl) > body.index(doc.tables[2]._tbl)
    assert len(doc.inline_shapes) == 1
    blobs = [p.blob for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert hashlib.sha256(blobs[0]).digest() == hashlib.sha256(image).digest()
    # by default only what the agency publishes
    assert len(docx.Document(str(plain)).tables) == 3 and not docx.Document(str(plain)).inline_shapes


def test_notice_keeps_its_names():
    from kit.region import notice
    from kit.report import word

    assert notice.stable_zip is word.stable_zip and notice.font_family is word.font_family
    assert notice.chinese_date("2025-03-31") == "2025年3月31日"
    assert word.cn_number(12) == "十二" and word.cn_number(20) == "二十"


def test_written_paths(demo, tmp_path):
    _, report, _, _ = demo[0]
    path = write_report_docx(report, tmp_path / "new" / "folder" / "r.docx")
    assert isinstance(path, Path) and path.is_file()


@pytest.mark.slow
def test_render_to_docx_through_the_notebook_reads_back_and_adds_the_analysis_on_request(tmp_path):
    import docx

    from kit.cli import main
    from kit.demo import write_demo
    from kit.readers import read_file
    from kit.store import Store

    write_demo(tmp_path / "d", departments=2, years=(2023, 2024))
    (tmp_path / "xxgk.toml").write_text('store = "s.sqlite"\noutputs = "out"\nregistry = "d/registry.csv"\n',
                                        encoding="utf-8")
    cfg = ["--config", str(tmp_path / "xxgk.toml")]
    assert main([*cfg, "ingest", str(tmp_path / "d")]) == 0
    assert main([*cfg, "render", "--agency", "青禾县自然资源局", "--year", "2024", "--to", "html,docx"]) == 0
    folder = tmp_path / "out" / "2024" / "青禾县自然资源局"
    back = read_file(folder / "report.docx")
    with Store(tmp_path / "s.sqlite") as s:
        stored = s.get("青禾县自然资源局", 2024)
    assert back.cells == stored.cells and (back.agency, back.year) == ("青禾县自然资源局", 2024)
    plain = docx.Document(str(folder / "report.docx"))
    assert len(plain.tables) == 3 and not plain.inline_shapes  # only what the agency publishes
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "当年与上年对比" in html and "与2023年报告相比" in html
    params = tmp_path / "p.yaml"
    params.write_text("agency: 青禾县自然资源局\nyear: 2024\ndocx_analysis: true\n", encoding="utf-8")
    assert main([*cfg, "render", str(params), "--to", "docx"]) == 0
    full = docx.Document(str(folder / "report.docx"))
    text = "\n".join(p.text for p in full.paragraphs)
    assert len(full.tables) > 3 and len(full.inline_shapes) >= 2  # the kit's tables, and its charts as images
    assert "当年与上年对比" in text and "历年比较" in text and "数据解读" in text
    assert read_file(folder / "report.docx").cells == stored.cells  # the appended sections do not disturb it
    # and the batch writes it beside the HTML when asked, its path in the manifest
    import json

    from kit.batch import plan, run

    out = tmp_path / "batch"
    summary = run(plan(tmp_path / "s.sqlite", out, years=(2024,)), out, to=("html", "docx"), progress=False,
                  workers=1, root=tmp_path)
    assert summary.failed == 0 and summary.done >= 3
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert all(e["outputs"]["docx"].endswith("report.docx") and (out / e["outputs"]["docx"]).exists() for e in entries)
