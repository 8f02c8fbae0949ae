"""The plain-text reader: fixtures built here, and every real text report of the corpus."""
from __future__ import annotations

import random

import pytest

from kit.demo import numbers, report_text
from kit.errors import InputError
from kit.readers import read_file
from kit.readers.text import read_text
from kit.schema import get_format


def _cells(seed: int, scale: int = 40) -> dict:
    return numbers(random.Random(seed), scale, {"natural": 2, "commercial": 1})


@pytest.mark.parametrize("seed", range(6))
def test_pipe_and_glued_forms_read_to_the_same_cells(seed):
    cells = _cells(seed)
    pipe = read_text(report_text("测试县某局", 2024, cells, "pipe"), "pipe.txt")
    glued = read_text(report_text("测试县某局", 2024, cells, "glued"), "glued.txt")
    assert pipe.cells == cells
    # every digit run of these six tables has one split that keeps the identities: read exactly, none flagged
    assert glued.cells == cells
    assert not [f for f in pipe.findings + glued.findings if f.rule.startswith("extract.")]
    assert (pipe.agency, pipe.year, pipe.format) == ("测试县某局", 2024, "gov2021")


def test_glued_table_three_uses_column_identities():
    # "270020130" alone splits two ways under S1 (27|0|0|2|0|1|30 and 2|7|0|0|20|1|30); only the
    # first keeps the 商业企业 and 法律服务机构 columns balanced (S2), so the whole table decides.
    cells = {cid: 0 for cid in get_format("gov2021").cell_ids()}
    rows = {"new": (64, 0, 0, 2, 0, 4, 70), "granted": (27, 0, 0, 2, 0, 1, 30), "partial": (5, 0, 0, 0, 0, 0, 5),
            "deny.internal": (1, 0, 0, 0, 0, 0, 1), "deny.enforcement_file": (6, 0, 0, 0, 0, 0, 6),
            "deny.inquiry": (1, 0, 0, 0, 0, 0, 1), "unable.not_held": (22, 0, 0, 0, 0, 3, 25),
            "other.other": (1, 0, 0, 0, 0, 0, 1), "total": (63, 0, 0, 2, 0, 4, 69),
            "carried_out": (1, 0, 0, 0, 0, 0, 1)}
    cols = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
    for row, vals in rows.items():
        cells.update({f"t3.{row}.{c}": v for c, v in zip(cols, vals)})
    text = report_text("测试县某局", 2021, cells, "glued")
    assert "予以公开270020130" in text
    r = read_text(text, "x.txt")
    assert [r.cells[f"t3.granted.{c}"] for c in cols] == list(rows["granted"])
    assert [r.cells[f"t3.unable.not_held.{c}"] for c in cols] == list(rows["unable.not_held"])
    assert not [f for f in r.findings if f.rule.startswith("extract.") and any(c.startswith("t3") for c in f.cells)]


def test_two_readings_that_both_balance_are_flagged_not_guessed():
    # A 表二 row "行政规范性文件6233440" has no identity to decide 62|33|440 from 6|233|440.
    cells = _cells(2)
    cells.update({"t2.normative.issued": 62, "t2.normative.repealed": 33, "t2.normative.in_force": 440})
    text = report_text("测试县某局", 2024, cells, "glued").replace("行政规范性文件 62 33 440", "行政规范性文件6233440")
    r = read_text(text, "x.txt")
    amb = [f for f in r.findings if f.rule == "extract.ambiguous"]
    assert amb and set(amb[0].cells) >= {"t2.normative.issued", "t2.normative.in_force"}
    assert r.cells["t2.normative.issued"] is None
    assert 62 in amb[0].actual["t2.normative.issued"]


def test_title_variants_and_overrides():
    cells = _cells(3)
    body = report_text("甲局", 2022, cells, "pipe").split("\n", 1)[1]
    assert read_text("标题: 某市某区财政局2022年度 政府信息公开工作年度报告\n" + body, "a").agency == "某市某区财政局"
    r = read_text("2022年上海市某办公厅政府信息公开工作年度报告\n" + body, "a")
    assert (r.agency, r.year) == ("上海市某办公厅", 2022)
    r = read_text(body, "a", agency="乙局", year=2022)
    assert (r.agency, r.year) == ("乙局", 2022)
    r = read_text(body, "a")
    assert r.agency is None and any(f.rule == "extract.no_title" for f in r.findings)


def test_gov2019_report_by_year_and_shape():
    fmt = get_format("gov2019")
    lines = ["某局2020年政府信息公开工作年度报告", "二、主动公开政府信息情况",
             "第二十条第（一）项 信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
             "规章 0 0 0", "规范性文件 3 3 36", "行政许可 1 -1 0", "政府集中采购 19 73601627.4元",
             "三、收到和处理政府信息公开申请情况"]
    for row in fmt.table("t3").rows:
        lines.append(row.label + ("2000002" if row.id in ("new", "granted", "total") else "0000000"))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "五、存在的主要问题及改进情况", "无"]
    r = read_text("\n".join(lines), "x.txt")
    assert r.format == "gov2019"
    assert r.cells["t2.license.change"] == -1
    assert r.cells["t2.procurement.amount"] == 73601627.4 and r.raw["t2.procurement.amount"] == "73601627.4元"
    assert r.cells["t3.other.total"] == 0 and r.cells["t3.granted.natural"] == 2


def test_full_width_digits_and_placeholders():
    cells = _cells(4)
    text = report_text("甲局", 2024, cells, "pipe")
    text = text.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | ０ | / | — |")
    r = read_text(text, "x.txt")
    assert r.cells["t2.rules.issued"] == 0
    assert r.cells["t2.rules.repealed"] is None and r.raw["t2.rules.repealed"] == "/"
    assert r.cells["t2.rules.in_force"] is None and r.raw["t2.rules.in_force"] == "—"


def test_page_without_tables_is_refused(tmp_path):
    p = tmp_path / "empty-body.txt"
    p.write_text("标题: 某局2020年政府信息公开工作年度报告\n正文\n某局2020年政府信息公开工作年度报告\n", encoding="utf-8")
    with pytest.raises(InputError, match="no statutory table"):
        read_file(p)


def test_gbk_file(tmp_path):
    cells = _cells(5)
    p = tmp_path / "gbk.txt"
    p.write_bytes(report_text("甲局", 2024, cells, "pipe").encode("gb18030"))
    assert read_file(p).cells == cells


def test_annotations_units_and_thousands():
    cells = _cells(6)
    text = report_text("甲局", 2024, cells, "pipe")
    text = text.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 22（其中修订16件） | 55（含自然失效29件） | 1,235 |")
    r = read_text(text, "x.txt")
    assert (r.cells["t2.rules.issued"], r.raw["t2.rules.issued"]) == (22, "22（其中修订16件）")
    assert (r.cells["t2.rules.repealed"], r.raw["t2.rules.repealed"]) == (55, "55（含自然失效29件）")
    assert r.cells["t2.rules.in_force"] == 1235


def test_renumbered_section_is_read_and_reported():
    cells = _cells(7)
    text = report_text("甲局", 2024, cells, "pipe")
    text = text.replace("五、存在的主要问题及改进情况", "五、其他工作\n另有说明。\n六、存在的主要问题及改进情况")
    text = text.replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    r = read_text(text, "x.txt")
    assert "信息公开方面" in r.sections["五"]
    assert "信息处理费" in r.sections["六"]
    heads = [f for f in r.findings if f.rule == "format.section_heading"]
    assert any("六、存在的主要问题" in f.message for f in heads)
    assert r.cells == cells


def test_html_in_gbk_with_merged_cells_and_inline_markup(tmp_path):
    from kit.readers import read_file

    cells = _cells(8)
    text = report_text("甲局", 2024, cells, "pipe")
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            tds = [c.strip() for c in line.strip("|").split("|")]
            label = f"<td colspan='2'><span>{tds[0][:2]}</span><b>{tds[0][2:]}</b></td>"
            rows.append("<tr>" + label + "".join(f"<td>{v or '&nbsp;'}</td>" for v in tds[1:]) + "</tr>")
        else:
            rows.append(f"</table><p>{line}</p><table>")
    page = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>某网站</title></head><body><div class=nav>首页 &gt; 政府信息公开年报</div><table>"
            + "".join(rows) + "</table><div class=footer>网站标识码</div></body></html>")
    p = tmp_path / "page.html"
    p.write_bytes(page.encode("gb18030"))
    r = read_file(p)
    assert r.provenance.reader == "html" and r.cells == cells
