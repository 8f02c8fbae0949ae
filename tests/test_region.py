"""The region-year: regions in the registry, the roll-up, scores by a scheme that is data, the region
notebook with its notice (DOCX) and problem list (XLSX), on the demo's city and counties."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import demo_project

from kit.cli import main
from kit.errors import InputError, ParameterError
from kit.model import Finding, Provenance, Report
from kit.region.data import Member, RegionYear, rollup
from kit.region.scoring import load_scheme, score
from kit.registry import Agency, Registry


def test_regions_are_declared_in_the_registry(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text("id,name,kind,region,level,parent,aggregate\nR1,甲市,region,,,,\nR2,乙县,region,甲市,,,\n"
                   "G,乙县人民政府,,乙县,县级政府,,yes\nD,乙县财政局,,乙县,县直部门,G,\nC,甲市财政局,,甲市,市直部门,,\n",
                   encoding="utf-8")
    r = Registry.load(reg)
    assert r.chain("乙县") == ["乙县", "甲市"] and [x.name for x in r.subregions("甲市")] == ["乙县"]
    assert [a.id for a in r.members("甲市")] == ["G", "D", "C"] and [a.id for a in r.members("乙县")] == ["G", "D"]
    assert [a.id for a in r.children("G")] == ["D"]
    text = reg.read_text(encoding="utf-8")
    reg.write_text(text.replace("D,乙县财政局,,乙县", "D,乙县财政局,,丙县"), encoding="utf-8")
    with pytest.raises(InputError, match="line 5: region '丙县' is not declared"):
        Registry.load(reg)
    reg.write_text(text.replace("R1,甲市,region,,", "R1,甲市,region,乙县,"), encoding="utf-8")
    with pytest.raises(InputError, match="form a cycle"):
        Registry.load(reg)


def _member(aid: str, *, present: bool = True, published: str | None = "2025-01-20",
            findings: tuple[tuple[str, str], ...] = ()) -> Member:
    report = None
    if present:
        report = Report(aid, 2024, "gov2021", {}, {}, {}, Provenance("", "", "text"), [], "", aid, published, "落款")
    return Member(Agency(aid, f"单位{aid}"), report, [Finding(rule, sev, f"{rule} 问题", ["t3.new.total"] if rule != "sections"
                                                                else [], about="五") for rule, sev in findings])


def _region() -> RegionYear:
    # A: late, two table errors; B: missing; C: clean; D: part 五 missing and copied from another agency
    return RegionYear("甲县", 2024, [
        _member("A", published="2025-02-10", findings=(("S1", "error"), ("O1", "error"), ("blank", "warning"))),
        _member("B", present=False),
        _member("C"),
        _member("D", findings=(("sections", "warning"), ("copied_peer", "warning"))),
    ], dt.date(2025, 1, 31))


def test_a_hand_worked_score_matches_to_the_point():
    scores = {s.agency_id: s for s in score(_region(), load_scheme())}
    # default: 10 points; late −5; table errors −1 each (at most 3); missing −10; missing parts −5; copied −5
    assert {k: s.score for k, s in scores.items()} == {"A": 3, "B": 0, "C": 10, "D": 0}
    assert [(d.label, d.points) for d in scores["A"].deductions] == [("逾期发布", 5), ("表格数据错误", 2)]
    assert scores["A"].deductions[1].why == ("A/2024/S1/t3.new.total：S1 问题", "A/2024/O1/t3.new.total：O1 问题")
    assert [(s.agency_id, s.rank, s.tied) for s in score(_region(), load_scheme())] == [
        ("C", 1, False), ("A", 2, False), ("B", 3, True), ("D", 3, True)]


def test_a_second_scheme_changes_the_ranking_without_code(tmp_path):
    other = tmp_path / "lenient.yaml"
    other.write_text("name: 宽松方案\npoints: 100\nminimum: 0\ndeductions:\n"
                     "  - {label: 未发布, fact: missing, points: 30}\n  - {label: 逾期, fact: late, points: 2}\n"
                     "  - {label: 表格错误, rules: [S1, O1, S2, S4], per: finding, points: 20, max: 40}\n"
                     "  - {label: 雷同, rules: [copied, copied_peer], points: 1}\n", encoding="utf-8")
    ranked = [(s.agency_id, s.score, s.rank) for s in score(_region(), load_scheme(other))]
    assert ranked == [("C", 100, 1), ("D", 99, 2), ("B", 70, 3), ("A", 58, 4)]
    other.write_text("name: x\npoints: 10\ndeductions:\n  - {label: y, fact: sunshine, points: 1}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="deductions/0"):
        load_scheme(other)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return demo_project(tmp_path_factory.mktemp("city"))


@pytest.mark.slow
def test_the_roll_up_is_the_sum_of_the_stored_agencies_cell_by_cell(city):
    from kit.region.data import load_region
    from kit.store import Store

    reg = Registry.load(city / "data" / "registry.csv")
    ry = load_region("青禾县", 2024, city / "s.sqlite", reg)
    total, counts = rollup(ry)
    assert len(ry.parts) == 30 and all(not m.agency.aggregate for m in ry.parts)
    with Store(city / "s.sqlite") as s:
        kids = [s.get(a.id, 2024) for a in reg.members("青禾县") if not a.aggregate]
    for cid, v in total.cells.items():
        numbers = [k.cells[cid] for k in kids if k.cells.get(cid) is not None]
        assert v == (round(sum(numbers), 2) if numbers else None), cid
        assert counts[cid] == len(numbers)


@pytest.mark.slow
def test_every_seeded_region_fact_shows_and_nothing_else(city):
    from kit.region.view import build, problem_rows

    facts = json.loads((city / "data" / "errors.json").read_text(encoding="utf-8"))["region_facts"]
    reg = Registry.load(city / "data" / "registry.csv")
    from kit.demo import YEARS

    for year in YEARS:
        for region in ("青禾县", "溪口县", "禾川市"):
            view = build(region, year, city / "s.sqlite", reg)
            ry = view.ry
            names = {m.agency.name for m in ry.members}
            want = [f for f in facts if f["year"] == year and f["agency"] in names]
            late = {m.agency.name for m in ry.members if m.late(ry.deadline)}
            assert late == {f["agency"] for f in want if f["fact"] == "late"}, (region, year)
            assert {m.agency.name for m in ry.members if not m.present} == {
                f["agency"] for f in want if f["fact"] == "missing"}, (region, year)
            assert {frozenset((p.a_name, p.b_name)) for p in view.copies} == {
                frozenset((f["agency"], f["other"])) for f in want
                if f["fact"] == "copied_peer" and f["other"] in names}, (region, year)
            assert {(d["agency"], d["cell"]) for d in view.differences} == {
                (f["agency"], c) for f in want if f["fact"] == "consolidated" for c in f["cells"]}, (region, year)
            assert all(m.old_format(year) is False for m in ry.present)
            keys = [r.key for r in problem_rows(view)]
            assert len(keys) == len(set(keys))  # stable keys, unique in the problem list


@pytest.mark.slow
def test_region_render_writes_html_pdf_notice_and_problem_list(city, capsys):
    import docx

    from kit.region.problems import read_problems

    cfg = ["--config", str(city / "xxgk.toml")]
    assert main([*cfg, "render", "--region", "溪口县", "--year", "2022", "--to", "html,pdf,docx"]) == 0
    folder = city / "out" / "regions" / "2022" / "溪口县"
    html = (folder / "region.html").read_text(encoding="utf-8")
    for seen in ("溪口县2022年度政府信息公开工作年度报告检查情况", "一、报送情况", "二、汇总", "三、核查结果", "四、雷同",
                 "五、评分与排名", "六、趋势", "应发布 9 家，已发布 8 家", "溪口县档案局", "未发布", "逾期",
                 'href="../../../2022/溪口县财政局/report.html"'):
        assert seen in html, seen
    assert "vnd.xxgk.region" not in html and (folder / "region.pdf").read_bytes()[:4] == b"%PDF"
    doc = docx.Document(str(folder / "通报.docx"))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "单位", "得分", "扣分情况"] and len(table.rows) == 10
    scored = {r.cells[1].text: r.cells[2].text for r in table.rows[1:]}
    assert scored["溪口县档案局"] == "0" and scored["溪口县水利局"] == "5"  # missing −10; late −5
    text = "\n".join(p.text for p in doc.paragraphs)
    problems = text[text.index("二、存在的问题"):text.index("三、整改要求")]
    assert "溪口县档案局" in problems and "2022年度报告未发布" in problems
    assert "溪口县水利局" in problems and "2023-03-06发布，晚于截止日2023-01-31" in problems
    rows = read_problems(folder / "问题清单.xlsx")
    assert {"溪口县档案局"} <= {r["单位"] for r in rows}
    assert all(r["整改状态"] == "" for r in rows) and len({r["问题编号"] for r in rows}) == len(rows)
    facts = [(r["单位"], r["规则"], r["问题编号"]) for r in rows if r["规则"] in ("missing", "late")]
    assert facts == [("溪口县水利局", "late", "331206/2022/late"), ("溪口县档案局", "missing", "331208/2022/missing")]
    # a region params file is told apart from an agency one
    params = city / "params-region.yaml"
    params.write_text("region: 禾川市\nyear: 2023\nsections: [coverage, copying]\n", encoding="utf-8")
    assert main([*cfg, "render", str(params), "--to", "html"]) == 0
    html = (city / "out" / "regions" / "2023" / "禾川市" / "region.html").read_text(encoding="utf-8")
    assert "溪口县财政局" in html and "青禾县财政局" in html and "四、雷同" in html and "二、汇总" not in html
    assert not (city / "out" / "regions" / "2023" / "禾川市" / "通报.docx").exists()
    assert (city / "out" / "regions" / "2023" / "禾川市" / "问题清单.xlsx").exists()
