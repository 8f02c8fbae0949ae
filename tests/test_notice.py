"""The region-year's notice (通报.docx) and problem list (问题清单.xlsx)."""
from __future__ import annotations

import zipfile

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from kit.errors import InputError, ParameterError
from kit.region.notice import AgencyProblems, Notice, RankRow, font_family, write_notice
from kit.region.problems import COLUMNS, SHEET, STATUSES, ProblemRow, read_problems, write_problems

PROBLEMS = {
    "青禾县教育局": ("年度报告于2025年2月10日发布，晚于1月31日的法定期限。",
                 "表三“本年新收政府信息公开申请数量”与各类申请人之和不一致。"),
    "青禾县自然资源局": ("表二“规范性文件”本年新制发件数为空。",
                   "第五部分与上年报告文字基本相同。", "未在政府信息公开专栏发布年度报告。"),
}


def notice(**change) -> Notice:
    fields = dict(
        region="青禾县", year=2024, issuer="青禾县政务公开办公室", date="2025-01-15",
        summary="县政务公开办公室对全县5家单位的2024年度政府信息公开工作年度报告进行了检查，现将情况通报如下。",
        ranking=(RankRow(1, "青禾县人力资源和社会保障局", 100.0, ""),
                 RankRow(2, "青禾县财政局", 95.0, "表格错误 −5"),
                 RankRow(2, "青禾县卫生健康局", 95.0, "内容照搬上年 −3；表格错误 −2"),
                 RankRow(4, "青禾县教育局", 92.5, "逾期发布 −5；表格错误 −2.5"),
                 RankRow(5, "青禾县自然资源局", 80.0, "逾期发布 −5；表格错误 −10；格式不规范 −5")),
        problems=tuple(AgencyProblems(a, p) for a, p in PROBLEMS.items()),
        deadline="2025-03-31", closing="整改中如有疑问，请与县政务公开办公室联系。")
    fields.update(change)
    return Notice(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = write_notice(notice(), tmp_path_factory.mktemp("notice") / "通报.docx")
    return path, docx.Document(str(path))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_title_and_order_of_parts(written):
    _, doc = written
    t = texts(doc)
    assert t[0].replace("\n", "") == "关于2024年度政府信息公开工作年度报告检查情况的通报"
    title = doc.paragraphs[0].style
    assert title.paragraph_format.alignment == 1 and title.font.size.pt == 22 and title.font.bold  # centred
    assert t[1] == "各有关单位："
    heads = [t.index(h) for h in ("一、评分与排名", "二、存在的问题", "三、整改要求")]
    assert heads == sorted(heads)
    assert t[-2:] == ["青禾县政务公开办公室", "2025年1月15日"]
    assert all(p.alignment == 2 for p in doc.paragraphs[-2:])  # right-aligned


def test_ranking_table_with_ties(written):
    _, doc = written
    (table,) = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "单位", "得分", "扣分情况"]
    assert rows[1:] == [["1", "青禾县人力资源和社会保障局", "100.0", "无"],
                        ["2（并列）", "青禾县财政局", "95.0", "表格错误 −5"],
                        ["2（并列）", "青禾县卫生健康局", "95.0", "内容照搬上年 −3；表格错误 −2"],
                        ["4", "青禾县教育局", "92.5", "逾期发布 −5；表格错误 −2.5"],
                        ["5", "青禾县自然资源局", "80.0", "逾期发布 −5；表格错误 −10；格式不规范 −5"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert table.style.name == "Table Grid"


def test_problems_under_their_agency(written):
    _, doc = written
    t = texts(doc)
    start, end = t.index("二、存在的问题"), t.index("三、整改要求")
    part = t[start + 1:end]
    heads = [i for i, x in enumerate(part) if x.startswith("（")]
    assert [part[i] for i in heads] == ["（一）青禾县教育局", "（二）青禾县自然资源局"]
    for (agency, problems), (h, nxt) in zip(PROBLEMS.items(), zip(heads, heads[1:] + [len(part)])):
        under = part[h + 1:nxt]
        assert under == [f"{j}．{p}" for j, p in enumerate(problems, 1)], agency


def test_deadline_sentence(written):
    _, doc = written
    t = texts(doc)
    after = t[t.index("三、整改要求") + 1:]
    assert any("2025年3月31日前完成整改" in x and "青禾县政务公开办公室" in x for x in after)
    assert "整改中如有疑问，请与县政务公开办公室联系。" in after and "特此通报。" in after


def test_page_numbers_fonts_and_page(written):
    path, doc = written
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text
    assert doc.settings.odd_and_even_pages_header_footer
    family = font_family("serif")
    assert family == "Noto Serif SC"
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == family
    assert doc.styles["通报一级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == font_family("sans")
    assert doc.styles["Normal"].font.size.pt == 16
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(x.mm, 1) for x in sizes] == [210, 297, 37, 35, 28, 26]  # A4, 公文 margins (stored in twips)
    assert doc.core_properties.created.date().isoformat() == "2025-01-15"
    assert doc.core_properties.modified == doc.core_properties.created


def test_deterministic(tmp_path):
    a = write_notice(notice(), tmp_path / "a.docx")
    b = write_notice(notice(), tmp_path / "b.docx")
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.read("word/document.xml") == zb.read("word/document.xml")
        assert za.read("docProps/core.xml") == zb.read("docProps/core.xml")
    assert a.read_bytes() == b.read_bytes()
    c = write_notice(notice(date="2025-01-16"), tmp_path / "c.docx")
    assert c.read_bytes() != a.read_bytes()


def test_bad_dates(tmp_path):
    with pytest.raises(ParameterError, match="deadline"):
        write_notice(notice(deadline="2024-12-31"), tmp_path / "x.docx")
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        write_notice(notice(date="2025年1月15日"), tmp_path / "x.docx")


ROWS = [ProblemRow("QH-2024-001", "青禾县", "青禾县教育局", 2024, "T1", "error", "", "年度报告逾期发布。"),
        ProblemRow("QH-2024-002", "青禾县", "青禾县教育局", 2024, "S1", "warning", "t3.r01.c7",
                   "表三六类申请人之和（45）与总计（47）不一致。"),
        ProblemRow("QH-2024-003", "青禾县", "青禾县自然资源局", 2024, "F3", "info", "t2.r01.c1", "表二规范性文件数为空。")]


@pytest.mark.parametrize("title", ["", "青禾县2024年度问题清单"])
def test_problems_round_trip(tmp_path, title):
    path = write_problems(ROWS, tmp_path / "问题清单.xlsx", title=title)
    back = read_problems(path)
    severity = {"error": "错误", "warning": "警告", "info": "提示"}
    assert back == [dict(zip(COLUMNS, (r.key, r.region, r.agency, str(r.year), r.rule, severity[r.severity], r.cells,
                                       r.message, "", "", "", ""))) for r in ROWS]
    ws = openpyxl.load_workbook(path)[SHEET]
    head = 2 if title else 1
    assert [c.value for c in ws[head]] == list(COLUMNS)
    assert ws.freeze_panes == f"A{head + 1}" and ws.auto_filter.ref == f"A{head}:L{head + len(ROWS)}"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1.strip('"').split(",") == list(STATUSES)
    assert str(dv.sqref) == f"J{head + 1}:J1048576"
    key = ws.cell(head + 1, 1)
    assert key.fill.fgColor.rgb.endswith("D9D9D9") and not key.protection.locked
    assert write_problems(ROWS, tmp_path / "again.xlsx", title=title).read_bytes() == path.read_bytes()


def test_reviewed_sheet(tmp_path):
    path = write_problems(ROWS, tmp_path / "问题清单.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws["J2"], ws["K2"], ws["L2"] = "已整改", "已重新发布", "张三"
    ws["J3"] = "不是问题"
    wb.save(path)
    back = read_problems(path)
    assert [r["整改状态"] for r in back] == ["已整改", "不是问题", ""]
    assert back[0]["审核人"] == "张三"
    ws["J4"], ws["J3"] = "完成了", "ok"
    wb.save(path)
    with pytest.raises(InputError, match="row 3.*row 4") as e:  # every bad row, not the first
        read_problems(path)
    assert "整改状态" in str(e.value) and "J4" in str(e.value) and str(path) in str(e.value)


def test_bad_sheet(tmp_path):
    path = write_problems(ROWS, tmp_path / "问题清单.xlsx")
    wb = openpyxl.load_workbook(path)
    wb[SHEET].delete_cols(COLUMNS.index("规则") + 1)
    wb.save(path)
    with pytest.raises(InputError, match="规则"):
        read_problems(path)
    (tmp_path / "not.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not.xlsx"):
        read_problems(tmp_path / "not.xlsx")
    with pytest.raises(ParameterError, match="QH-2024-001"):
        write_problems(ROWS + ROWS[:1], tmp_path / "twice.xlsx")
