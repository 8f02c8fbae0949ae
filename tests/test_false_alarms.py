"""Issue 21: the false alarms real reports raised, one fixture each (built here from the demo's text form).

Each failed on the code before the change: parts renamed or renumbered reported missing, a fee
statement in other words not recognised, identity rules alarming on cells the reader could not read,
a cover letter's wording taken into the agency's name, a glued run settled by an unrelated or an
implausible number of the prose. The rows a converter merged are the readers' part of it.
"""
from __future__ import annotations

import random
import re

import pytest

from kit.checks import Context, run_checks
from kit.demo import make_report, numbers, report_text
from kit.model import Finding, Report
from kit.readers.text import read_text

AGENCY = "测试县某局"


def _cells(seed: int = 1) -> dict:
    return numbers(random.Random(seed), 40, {"natural": 2, "commercial": 1})


def _text(seed: int = 1, year: int = 2024) -> str:
    return report_text(AGENCY, year, _cells(seed), "pipe")


def _findings(text: str) -> list[Finding]:
    r = read_text(text, "x.txt")
    return r.findings + run_checks(Context(r))


def _section_warnings(found: list[Finding]) -> list[str]:
    return [f.message for f in found if f.rule == "sections"]


# -- parts renamed, renumbered, added ---------------------------------------------------------------
FIVE = "五、存在的主要问题及改进情况"
SIX = "六、其他需要报告的事项"


@pytest.mark.parametrize("old,new,part", [
    ("一、总体情况", "一、概述", "一"),
    (FIVE, "五、政府信息公开存在的问题及改进措施", "五"),
    (SIX, "六、其他需报告的事项", "六"),
])
def test_a_renamed_part_is_a_heading_note_not_a_missing_part(old, new, part):
    text = _text()
    assert old in text
    found = _findings(text.replace(old, new))
    assert not _section_warnings(found)
    if part == "一":  # a heading in other words: said once, at info
        notes = [f for f in found if f.rule == "format.section_heading"]
        assert len(notes) == 1 and notes[0].severity == "info" and "第一部分" in notes[0].message
        assert "一、概述" in notes[0].message


def test_problems_and_improvements_as_two_parts_then_the_other_matters_as_part_seven():
    text = _text()
    five_body = text[text.index(FIVE) + len(FIVE):text.index(SIX)].strip()
    text = text.replace(FIVE, "五、当前存在的突出问题").replace(
        SIX, "六、下一步改进举措\n将继续完善公开机制。\n\n七、其他需说明事项")
    r = read_text(text, "x.txt")
    found = r.findings + run_checks(Context(r))
    assert not _section_warnings(found)
    assert five_body in r.sections["五"] and "下一步改进举措" in r.sections["五"]  # both parts are part 五
    assert r.sections["六"].startswith("本年度未收取信息处理费")
    notes = {f.message[1]: f.message for f in found if f.rule == "format.section_heading"}  # 第X部分
    assert set(notes) == {"五", "六"} and "七、其他需说明事项" in notes["六"]


def test_an_added_fee_part_pushes_the_rest_down_and_its_fee_statement_still_counts():
    text = _text().replace("本年度未收取信息处理费。", "无。")
    text = text.replace(FIVE, "五、信息处理费收取情况\n本年度我局未产生信息公开处理费。\n\n六、存在的主要问题及改进情况")
    text = text.replace(SIX, "七、其他需要报告的事项")
    found = _findings(text)
    assert not _section_warnings(found)
    assert not [f for f in found if f.rule == "fee"]


def test_a_part_without_its_heading_is_found_by_what_it_says():
    # a converter lost "五、…" and kept the part's own sub-headings (the corpus's Shanghai 2025 markdown)
    text = _text().replace(FIVE, "（一）本年度工作中存在问题的改进情况")
    r = read_text(text, "x.txt")
    found = r.findings + run_checks(Context(r))
    assert not _section_warnings(found)
    assert r.sections["五"].startswith("（一）本年度工作中存在问题的改进情况")
    note = next(f for f in found if f.rule == "format.section_heading")
    assert note.message.startswith("第五部分") and "没有标题" in note.message


def test_a_part_really_missing_is_still_reported():
    text = _text()
    text = text[:text.index(SIX)]
    assert "缺少第六部分" in "".join(_section_warnings(_findings(text)))


# -- the fee ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("said", ["本年度我局未产生信息公开处理费。", "本机关不收取任何费用。",
                                  "全年收取信息处理费3940元。", "无收取信息处理费情况。"])
def test_the_fee_stated_in_other_words_is_recognised(said):
    found = _findings(_text().replace("本年度未收取信息处理费。", said))
    assert not [f for f in found if f.rule == "fee"]


def test_a_part_six_silent_on_the_fee_still_gets_the_note():
    found = _findings(_text().replace("本年度未收取信息处理费。", "无其他需要报告的事项。"))
    assert [f.severity for f in found if f.rule == "fee"] == ["info"]


# -- identity rules on cells the reader could not read ----------------------------------------------
def _report_with(finding: Finding, **values: int | None) -> Report:
    cells = _cells()
    cells.update(values)
    r = make_report(AGENCY, 2024, cells)
    r.findings.append(finding)
    return r


@pytest.mark.parametrize("rule,severity", [("extract.ambiguous", "warning"), ("extract.text_hint", "info"),
                                           ("extract.unreadable", "error")])
def test_an_identity_touching_an_unread_cell_is_inconclusive_not_an_error(rule, severity):
    total = _cells()["t3.granted.total"]
    r = _report_with(Finding(rule, severity, "…", cells=["t3.granted.total"]), **{"t3.granted.total": total + 5})
    s1 = [f for f in run_checks(Context(r)) if f.rule == "S1"]
    assert len(s1) == 1 and s1[0].severity == "info" and s1[0].inconclusive
    assert "t3.granted.total" in s1[0].cells and "结论不确定" in s1[0].message
    assert "“（一）予以公开”的“总计”未能从原件读出" in s1[0].message  # the unread cell, in words
    assert s1[0].to_dict()["inconclusive"] is True


def test_a_cell_printed_blank_still_counts_as_zero():
    r = _report_with(Finding("format.label", "info", "…"), **{"t3.granted.total": None})
    s1 = [f for f in run_checks(Context(r)) if f.rule == "S1"]
    if _cells()["t3.granted.natural"] or _cells()["t3.granted.commercial"]:
        assert s1 and s1[0].severity == "error" and not getattr(s1[0], "inconclusive", False)


def test_a_row_the_converter_lost_makes_the_column_identities_inconclusive_not_errors():
    text = _text()
    lost = re.search(r"\| （七）总计 [^\n]*\n", text)
    assert lost
    found = _findings(text.replace(lost.group(0), ""))
    assert any(f.rule == "extract.missing_row" and "t3.total.total" in f.cells for f in found)
    identity = [f for f in found if f.rule in ("S1", "S2", "O1")]
    assert identity and all(f.severity == "info" and f.inconclusive for f in identity)
    assert {f.rule for f in identity} == {"S2", "O1"}  # one note per rule, not one per column


# -- the agency's name from a cover letter ----------------------------------------------------------
@pytest.mark.parametrize("title", [
    f"{AGENCY}关于报送2024年政府信息公开工作年度报告的函",
    f"关于印发{AGENCY}2024年度政府信息公开工作年度报告的通知",
    f"首页>政务公开>{AGENCY}2024年政府信息公开工作年度报告",
])
def test_a_cover_letter_title_gives_the_agency_not_its_wording(title):
    text = _text().replace(f"{AGENCY}2024年政府信息公开工作年度报告", title, 1)
    r = read_text(text, "x.txt")
    assert (r.agency, r.year) == (AGENCY, 2024)


# -- prose hints ------------------------------------------------------------------------------------
def _glued(issued: int, repealed: int, in_force: int, run: str, prose: str, previous: Report | None = None) -> Report:
    cells = _cells()
    cells.update({"t2.normative.issued": issued, "t2.normative.repealed": repealed, "t2.normative.in_force": in_force})
    text = report_text(AGENCY, 2024, cells, "pipe")
    text = text.replace(f"| 行政规范性文件 | {issued} | {repealed} | {in_force} |", f"行政规范性文件{run}")
    text = text.replace("（一）主动公开。", f"（一）主动公开。{prose}", 1)
    given = {"previous": lambda a, y: previous} if previous is not None else {}
    return read_text(text, "x.txt", **given)


def test_a_number_of_another_clause_settles_nothing():
    # "规范性文件、财政预算、决算类4条": the 4 is the budget documents', not the row's
    r = _glued(41, 0, 5, "4105", "公开规章、规范性文件、财政预算、决算类4条。")
    assert r.cells["t2.normative.issued"] is None
    assert not [f for f in r.findings if f.rule == "extract.text_hint"]
    assert [f for f in r.findings if f.rule == "extract.ambiguous" and "t2.normative.issued" in f.cells]


def test_a_hint_never_settles_an_implausible_split():
    # "共有规范性文件2件" would pick 2|443|2 (both 2s said): more repealed than was ever in force
    r = _glued(24, 4, 32, "24432", "共有规范性文件2件。")
    assert r.cells["t2.normative.repealed"] != 443
    assert not [f for f in r.findings if f.rule == "extract.text_hint"]


def test_a_hint_of_the_rows_subject_in_its_clause_still_settles_the_run():
    r = _glued(62, 33, 440, "6233440", "本年度制发行政规范性文件62件，现行有效规范性文件440件。")
    assert (r.cells["t2.normative.issued"], r.cells["t2.normative.repealed"], r.cells["t2.normative.in_force"]) == (62, 33, 440)
    assert [f for f in r.findings if f.rule == "extract.text_hint"]


def test_last_years_in_force_figure_bounds_a_hinted_split():
    # "制发规范性文件14件" leaves 14|2|18 and 14|21|8 ("14218"); with 6 in force last year, 21 cannot
    # have been repealed; without the store both stay possible
    alone = _glued(14, 2, 18, "14218", "制发规范性文件14件。")
    assert alone.cells["t2.normative.repealed"] is None
    last = make_report(AGENCY, 2023, {**_cells(), "t2.normative.in_force": 6})
    known = _glued(14, 2, 18, "14218", "制发规范性文件14件。", previous=last)
    assert (known.cells["t2.normative.repealed"], known.cells["t2.normative.in_force"]) == (2, 18)


# -- rows whose labels fell out of a converted table ------------------------------------------------
def _merge(text: str, keep: str, drop: list[str]) -> str:
    """The rows ``drop`` printed without their labels, their numbers on the line of row ``keep``."""
    lines = text.split("\n")
    at = next(i for i, x in enumerate(lines) if keep in x)
    for label in drop:
        j = next(i for i, x in enumerate(lines) if label in x)
        values = lines[j].split("|")[2:-1]
        lines[at] = lines[at].rstrip() + "".join(f" {v.strip()} |" for v in values)
        del lines[j]
    return "\n".join(lines)


def test_numbers_of_rows_whose_labels_fell_out_go_to_those_rows_when_only_that_fits():
    cells = _cells()
    assert cells["t3.other.no_supplement.total"]  # a row of numbers, not only zeros, is recovered
    text = _merge(report_text(AGENCY, 2024, cells, "pipe"), "4.无正当理由大量反复申请",
                  ["5.要求行政机关确认或重新出具已获取信息", "1.申请人无正当理由逾期不补正"])
    r = read_text(text, "x.txt")
    assert {k: r.cells[k] for k in cells if k.startswith("t3.")} == {k: v for k, v in cells.items() if k.startswith("t3.")}
    assert not [f for f in r.findings if f.rule.startswith("extract.")]
    note = next(f for f in r.findings if f.rule == "format.merged_rows")
    assert "t3.other.no_supplement.total" in note.cells


def test_numbers_that_could_belong_to_more_than_one_set_of_lost_rows_stay_flagged():
    # three rows lost after row 4 but numbers for two: which two is not certain
    text = _merge(_text(), "4.无正当理由大量反复申请",
                  ["5.要求行政机关确认或重新出具已获取信息", "1.申请人无正当理由逾期不补正"])
    text = re.sub(r"\| （六）其他处理2\.申请人逾期未按收费通知[^\n]*\n", "", text)
    r = read_text(text, "x.txt")
    assert not [f for f in r.findings if f.rule == "format.merged_rows"]
    assert [f for f in r.findings if f.rule == "extract.unreadable" and "t3.reject.excessive.total" in f.cells]


def test_the_ingest_step_hands_last_years_report_to_the_reader(tmp_path):
    from kit.ingest import ingest
    from kit.store import Store

    cells = {**_cells(), "t2.normative.issued": 14, "t2.normative.repealed": 2, "t2.normative.in_force": 18}
    this = report_text(AGENCY, 2024, cells, "pipe").replace("| 行政规范性文件 | 14 | 2 | 18 |", "行政规范性文件14218")
    this = this.replace("（一）主动公开。", "（一）主动公开。制发规范性文件14件。", 1)
    (tmp_path / "2024.txt").write_text(this, encoding="utf-8")
    (tmp_path / "2023.txt").write_text(report_text(AGENCY, 2023, {**_cells(3), "t2.normative.in_force": 6}, "pipe"),
                                       encoding="utf-8")
    with Store(tmp_path / "alone.sqlite") as s:
        list(ingest([tmp_path / "2024.txt"], s))
        assert s.get(AGENCY, 2024).cells["t2.normative.repealed"] is None  # 14|2|18 or 14|21|8
    with Store(tmp_path / "both.sqlite") as s:
        assert all(r.error is None for r in ingest([tmp_path / "2023.txt", tmp_path / "2024.txt"], s))
        got = s.get(AGENCY, 2024)
        assert (got.cells["t2.normative.repealed"], got.cells["t2.normative.in_force"]) == (2, 18)
        assert any(f.rule == "extract.text_hint" for f in got.findings)


# -- ambiguity settled by last year's report (issue 17) ---------------------------------------------
def test_last_years_in_force_figure_settles_a_glued_run_by_x2():
    # "14218" with no prose: 14|2|18 is the one reading with 6 + 14 − 2 = 18
    alone = _glued(14, 2, 18, "14218", "")
    assert alone.cells["t2.normative.issued"] is None
    last = make_report(AGENCY, 2023, {**_cells(), "t2.normative.in_force": 6})
    r = _glued(14, 2, 18, "14218", "", previous=last)
    assert (r.cells["t2.normative.issued"], r.cells["t2.normative.repealed"], r.cells["t2.normative.in_force"]) == (14, 2, 18)
    hint = next(f for f in r.findings if f.rule == "extract.cross_year_hint")
    assert "现行有效件数 6" in hint.message and set(hint.cells) == {"t2.normative.issued", "t2.normative.repealed",
                                                                "t2.normative.in_force"}
    # a last year that fits no reading settles nothing: the run stays flagged
    odd = _glued(14, 2, 18, "14218", "", previous=make_report(AGENCY, 2023, {**_cells(), "t2.normative.in_force": 500}))
    assert odd.cells["t2.normative.issued"] is None and not [f for f in odd.findings if f.rule == "extract.cross_year_hint"]


def test_last_years_carried_out_settles_this_years_carried_in():
    from kit.readers.tables import _by_last_year

    ids = [f"t3.carried_in.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]
    a = tuple((v, str(v)) for v in (12, 0, 0, 0, 0, 0, 12))
    b = tuple((v, str(v)) for v in (1, 2, 0, 0, 0, 0, 3))  # both add up (S1): only last year can tell
    last = {c.replace("carried_in", "carried_out"): v for c, v in zip(ids, (1, 2, 0, 0, 0, 0, 3))}
    found: list[Finding] = []
    assert _by_last_year([a, b], "二、上年结转", ids, last, found) == [b]
    assert found[0].rule == "extract.cross_year_hint" and "结转下年度" in found[0].message
    found.clear()
    assert _by_last_year([a, b], "二、上年结转", ids, {**last, "t3.carried_out.total": 9}, found) == [a, b]
    assert not found
