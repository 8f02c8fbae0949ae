"""当年与上年对比: exactly the sentences and cells that changed, and nothing else."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

from kit.model import Provenance, Report
from kit.report.compare import NO_PREVIOUS, compare, comparison_html, sentences, similarity
from kit.schema import get_format

ONE = "2023年，本机关认真贯彻《条例》。\n（一）主动公开。全年发布信息100条。\n（二）依申请公开。新收申请10件。"
FIVE = "存在问题：解读不够。改进：加强解读。"
SIX = "本年度未收取信息处理费。"


def make(year: int, version: str = "gov2021", sections: dict[str, str] | None = None, **cells: float | None) -> Report:
    values: dict[str, float | int | None] = {cid: 0 for cid in get_format(version).cell_ids()}
    values.update({k.replace("__", "."): v for k, v in cells.items()})
    secs = {"一": ONE, "三": "本年度依申请公开工作情况见下表。", "五": FIVE, "六": SIX}
    secs.update(sections or {})
    return Report("甲局", year, version, values, {}, secs, Provenance("a.txt", "sha", "text"))


def pair() -> tuple[Report, Report]:
    before = make(2023, t2__penalty__decisions=30, t3__new__natural=10, t2__fees__amount=None)
    now = make(2024, sections={"一": ONE.replace("100条", "120条"), "五": FIVE + "下一步将开展培训。"},
               t2__penalty__decisions=18, t3__new__natural=12, t2__fees__amount=5)
    return now, before


def marked(doc: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", doc)


def cell_rows(doc: str) -> list[list[str]]:
    table = re.search(r'<table class="compare-cells">.*?<tbody>(.*?)</tbody>', doc)
    assert table, "no table of changed cells"
    return [re.findall(r"<td[^>]*>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table.group(1))]


def test_sentences_split_on_chinese_stops_and_line_breaks() -> None:
    assert sentences("甲。乙！丙？丁；戊\n己。“庚。”辛") == ["甲。", "乙！", "丙？", "丁；", "戊", "己。", "“庚。”", "辛"]
    assert sentences("  \n\n") == []
    # whitespace is normalised: none beside Chinese, one space between Latin words
    assert sentences("本年 度　发布 信息。see  the web site。") == ["本年度发布信息。", "see the web site。"]


def test_exactly_the_changed_sentences_are_marked() -> None:
    now, before = pair()
    c = compare(now, before)
    assert c.section("一").removed == ("全年发布信息100条。",)
    assert c.section("一").added == ("全年发布信息120条。",)
    assert c.section("一").hunks[0].context == "（一）主动公开。"
    assert c.section("五").removed == ()
    assert c.section("五").added == ("下一步将开展培训。",)
    for key in ("二", "三", "四", "六"):
        s = c.section(key)
        assert s.similarity == 1.0 and not s.changed, key
    assert 0.9 < c.section("一").similarity < 1.0
    assert 0.5 < c.section("五").similarity < 1.0
    doc = comparison_html(now, before)
    assert marked(doc, "del") == ["全年发布信息100条。"]
    assert marked(doc, "ins") == ["全年发布信息120条。", "下一步将开展培训。"]
    assert doc.count("未改动") == 4  # 二 三 四 六
    assert "相似度 100%" in doc and f"相似度 {round(c.section('一').similarity * 100)}%" in doc


def test_exactly_the_changed_cells_are_listed() -> None:
    now, before = pair()
    c = compare(now, before)
    got = {x.cell_id: (x.old, x.new, x.change) for x in c.cells}
    assert got == {"t2.penalty.decisions": (30, 18, -12), "t2.fees.amount": (None, 5, None),
                   "t3.new.natural": (10, 12, 2)}
    assert [x.cell_id for x in c.cells] == ["t2.penalty.decisions", "t2.fees.amount", "t3.new.natural"]  # table order
    fees = c.cells[1]
    assert (fees.table, fees.row_label, fees.column_label) == ("表二", "行政事业性收费", "本年收费金额（单位：万元）")
    assert c.cells[2].row_label == "一、本年新收政府信息公开申请数量" and c.cells[2].column_label == "自然人"
    assert c.largest is not None and c.largest.cell_id == "t2.penalty.decisions"
    rows = cell_rows(comparison_html(now, before))
    assert rows == [["表二", "行政处罚", "本年处理决定数量", "30", "18", "-12"],
                    ["表二", "行政事业性收费", "本年收费金额（单位：万元）", "（空）", "5", "上年为空"],
                    ["表三", "一、本年新收政府信息公开申请数量", "自然人", "10", "12", "+2"]]


def test_the_summary_names_the_section_and_the_cell_that_changed_most() -> None:
    now, before = pair()
    c = compare(now, before)
    assert 1 <= len(c.summary) <= 3 and all(s.endswith("。") for s in c.summary)
    text = "".join(c.summary)
    assert "与2023年报告相比" in text
    most = min((c.section("一"), c.section("五")), key=lambda s: s.similarity)
    assert f"改动最大的是“{most.heading}”" in text
    assert "表格中有3个数据与上年不同" in text
    assert "表二“行政处罚”的“本年处理决定数量”，由30减至18（-12）" in text


def test_group_labels_name_the_row_and_column_fully() -> None:
    now = make(2024, t3__deny__state_secret__commercial=2, t4__suit_direct__corrected=1)
    c = compare(now, make(2023))
    labels = {x.cell_id: (x.table, x.row_label, x.column_label) for x in c.cells}
    assert labels == {"t3.deny.state_secret.commercial": ("表三", "（三）不予公开·1.属于国家秘密", "法人或其他组织·商业企业"),
                      "t4.suit_direct.corrected": ("表四", "行政诉讼·未经复议直接起诉", "结果纠正")}


def test_identical_reports_have_no_marks_and_no_cells() -> None:
    a, b = make(2024, t3__new__natural=4), make(2023, t3__new__natural=4.0)
    c = compare(a, b)
    assert c.cells == () and all(s.similarity == 1.0 and not s.changed for s in c.sections)
    assert c.summary == ("与2023年报告相比，六个部分的文字均未改动。", "表格数据与上年完全相同。")
    doc = comparison_html(a, b)
    assert "<del>" not in doc and "<ins>" not in doc and "compare-cells" not in doc and "compare-legend" not in doc
    assert re.findall(r'<p class="compare-same">(.*?)</p>', doc) == [  # 一 .. 六, the tables
        "未改动", "未改动（两年均无文字）", "未改动", "未改动（两年均无文字）", "未改动", "未改动", "表格数据未改动。"]


def test_whitespace_and_line_breaks_are_not_changes() -> None:
    spaced = ONE.replace("\n", "\n\n  ").replace("本机关", "本 机关")
    c = compare(make(2024, sections={"一": spaced}), make(2023))
    assert c.section("一").similarity == 1.0 and not c.section("一").changed
    assert similarity("甲乙丙丁", "甲乙丙戊") == pytest.approx(0.75)


def test_a_section_empty_on_one_side() -> None:
    now = make(2024, sections={"四": "本年度发生行政复议1件。已依法答复。", "六": ""})
    before = make(2023)
    c = compare(now, before)
    four, six = c.section("四"), c.section("六")
    assert four.similarity == 0.0 and four.empty_before and not four.empty_now
    assert four.added == ("本年度发生行政复议1件。", "已依法答复。") and four.removed == ()
    assert six.similarity == 0.0 and six.empty_now and six.removed == (SIX,) and six.added == ()
    doc = comparison_html(now, before)
    assert "上年本部分无文字" in doc and "本年本部分无文字" in doc
    assert marked(doc, "del") == [SIX]


def test_number_to_blank_is_not_a_change_of_zero() -> None:
    c = compare(make(2024, t3__new__natural=None), make(2023, t3__new__natural=7))
    (x,) = c.cells
    assert (x.old, x.new, x.change, x.change_text) == (7, None, None, "本年为空")
    assert c.largest is None
    assert "均为一年有数、一年为空" in "".join(c.summary)
    zero = compare(make(2024, t3__new__natural=None), make(2023, t3__new__natural=0))
    assert [(y.old, y.new) for y in zero.cells] == [(0, None)]


def test_different_format_versions_compare_text_but_no_cells() -> None:
    now = make(2021, sections={"五": FIVE + "下一步将开展培训。"}, t3__new__natural=12)
    before = make(2020, "gov2019", t3__new__natural=10)
    c = compare(now, before)
    assert not c.cells_compared and c.cells == ()
    assert "gov2019" in c.note and "gov2021" in c.note and "不作逐项对比" in c.note
    assert c.section("五").added == ("下一步将开展培训。",)
    assert c.summary[-1] == c.note
    doc = comparison_html(now, before)
    assert "compare-cells" not in doc and "不作逐项对比" in doc
    assert marked(doc, "ins") == ["下一步将开展培训。"]


def test_without_a_previous_report_one_sentence() -> None:
    doc = comparison_html(make(2024), None)
    assert doc.startswith('<section class="kit-section compare" id="compare"><h2>当年与上年对比</h2>')
    text = re.sub(r"<[^>]+>", "", doc.split("</h2>", 1)[1])
    assert text == NO_PREVIOUS and text.count("。") == 1
    assert "<del>" not in doc and "<table" not in doc


def test_text_from_a_report_is_escaped() -> None:
    evil = ONE.replace("全年发布信息100条。", "全年发布<script>alert('x')</script>信息&100条。")
    doc = comparison_html(make(2024, sections={"一": evil}), make(2023))
    assert "<script>" not in doc
    assert marked(doc, "ins") == ["全年发布&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;信息&amp;100条。"]


def test_two_demo_years(tmp_path) -> None:
    from kit.demo import write_demo
    from kit.readers import read_file

    paths = write_demo(tmp_path / "d", departments=1, years=(2023, 2024))
    by_agency: dict[str, dict[int, Report]] = defaultdict(dict)
    for p in paths:
        r = read_file(p)
        by_agency[p.stem.split("-")[1]][r.year or 0] = r
    assert len(by_agency) == 2
    for years in by_agency.values():
        now, before = years[2024], years[2023]
        c = compare(now, before)
        assert c.cells_compared and len(c.cells) > 0
        for x in c.cells:
            assert x.old != x.new
            if x.change is not None:
                assert x.old is not None and x.new is not None
                assert x.change == pytest.approx(x.new - x.old)
        listed = {x.cell_id for x in c.cells}
        assert all(now.cells[cid] == before.cells[cid] for cid in get_format(now.format).cell_ids() if cid not in listed)
        assert all(0.0 <= s.similarity <= 1.0 for s in c.sections)
        assert c.section("一").changed  # the demo writes each year's summary anew
        assert 1 <= len(c.summary) <= 3
        doc = comparison_html(now, before)
        assert len(cell_rows(doc)) == len(c.cells)
        assert len(marked(doc, "del")) == sum(len(s.removed) for s in c.sections)
        assert len(marked(doc, "ins")) == sum(len(s.added) for s in c.sections)
        top = c.largest
        assert top is not None and abs(top.change or 0) == max(abs(x.change or 0) for x in c.cells)
        assert f"{top.table}“{top.row_label}”的“{top.column_label}”" in "".join(c.summary)
