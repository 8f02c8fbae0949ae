"""Every rule with a report that breaks it and one that passes it, in both versions where it applies."""
from __future__ import annotations

import pytest

from kit.checks import REGISTRY, Context, rules, run_checks
from kit.model import Provenance, Report
from kit.schema import get_format

BOTH = ["gov2021", "gov2019"]
ONE = "2021年，本机关做好主动公开、依申请公开、政府信息管理、政府信息公开平台建设和监督保障工作。"


def make(version="gov2021", agency="甲局", year=None, sections=None, raw=None, **cells):
    year = year or (2022 if version == "gov2021" else 2020)
    values = {cid: 0 for cid in get_format(version).cell_ids()}
    for k, v in cells.items():
        values["t" + k.replace("__", ".").lstrip("t")] = v
    secs = {"一": ONE, "五": "存在问题：解读不够。改进：加强解读。", "六": "本年度未收取信息处理费。"}
    secs.update(sections or {})
    r = Report(agency, year, version, values, dict(raw or {}), secs, Provenance("x.txt", "", "text"))
    return r


def c(row, col, v):
    return {f"t3__{row}__{col}": v}


def found(report, rule, previous=None, children=None):
    return [f for f in REGISTRY_RUN(report, previous, children) if f.rule == rule]


def REGISTRY_RUN(report, previous=None, children=None):
    return run_checks(Context(report, previous, children), aggregate=children is not None)


def balanced(version="gov2021", **extra):
    # one new application by a natural person, granted: every identity holds
    cells = {}
    for row in ("new", "granted", "total"):
        cells.update(c(row, "natural", 1))
        cells.update(c(row, "total", 1))
    cells.update(extra)
    return make(version, **cells)


def test_registry_describes_every_rule():
    ids = {r.id for r in rules()}
    assert {"O1", "S1", "S2", "S4", "S5", "wrong_column", "blank", "placeholder", "annotation", "X1", "X2",
            "text_table", "fee", "sections", "copied", "aggregate"} <= ids
    for r in REGISTRY.values():
        assert r.severity in ("error", "warning", "info") and r.title and set(r.versions) <= set(BOTH)


@pytest.mark.parametrize("version", BOTH)
def test_balanced_report_has_no_error(version):
    assert [f for f in REGISTRY_RUN(balanced(version)) if f.severity == "error"] == []


@pytest.mark.parametrize("version", BOTH)
def test_o1(version):
    r = balanced(version, **c("carried_out", "natural", 1), **c("carried_out", "total", 1))
    fs = found(r, "O1")
    assert len(fs) == 2 and fs[0].severity == "error"
    assert "t3.carried_out.natural" in fs[0].cells and fs[0].expected == 2 and fs[0].actual == 1
    assert "自然人" in fs[0].message and "1 + " in fs[0].message


@pytest.mark.parametrize("version", BOTH)
def test_s1(version):
    r = balanced(version, **c("partial", "legal", 2))
    fs = found(r, "S1")
    assert [f.cells[-1] for f in fs] == ["t3.partial.total"]
    assert fs[0].expected == 2 and fs[0].actual == 0
    assert not found(balanced(version), "S1")


@pytest.mark.parametrize("version", BOTH)
def test_s2_counts_the_right_leaves(version):
    leaf = "other" if version == "gov2019" else "other.other"
    r = balanced(version, **c(leaf, "natural", 1), **c(leaf, "total", 1))
    fs = found(r, "S2")
    assert {f.cells[-1] for f in fs} == {"t3.total.natural", "t3.total.total"}
    assert f"t3.{leaf}.natural" in fs[0].cells + fs[1].cells
    assert len(fs[0].cells) == (19 if version == "gov2019" else 21) + 1


@pytest.mark.parametrize("version", BOTH)
def test_s4(version):
    r = make(version, t4__review__upheld=1, t4__suit_direct__pending=2, t4__suit_direct__total=2)
    fs = found(r, "S4")
    assert [f.cells[0] for f in fs] == ["t4.review.upheld"]
    assert "行政复议" in fs[0].message and fs[0].expected == 1 and fs[0].actual == 0


def test_s5_values():
    assert found(make("gov2021", t3__new__natural=-1, t3__new__total=-1), "S5")
    assert found(make("gov2021", t2__penalty__decisions=2.5), "S5")
    assert not found(make("gov2021", t2__fees__amount=12.34), "S5")
    assert found(make("gov2021", t2__fees__amount=-1.0), "S5")
    assert not found(make("gov2019", t2__license__change=-3), "S5")  # 本年增/减 may be negative
    assert found(make("gov2019", t2__license__prev_items=-3), "S5")


@pytest.mark.parametrize("version", BOTH)
def test_wrong_column(version):
    r = balanced(version, **c("granted", "natural", 0), **c("granted", "commercial", 1))
    fs = found(r, "wrong_column")
    assert len(fs) == 1 and fs[0].severity == "warning"
    assert "自然人" in fs[0].message and "商业企业" in fs[0].message
    # a plain imbalance in one column is not a wrong column
    assert not found(balanced(version, **c("granted", "natural", 2), **c("granted", "total", 2)), "wrong_column")


def test_blank_placeholder_annotation():
    r = balanced()
    r.cells["t2.rules.issued"] = None
    r.cells["t2.rules.repealed"] = None
    r.raw["t2.rules.repealed"] = "/"
    r.cells["t2.normative.issued"] = 22
    r.raw["t2.normative.issued"] = "22（其中修订16件）"
    assert found(r, "blank")[0].cells == ["t2.rules.issued"]
    assert found(r, "placeholder")[0].cells == ["t2.rules.repealed"]
    ann = found(r, "annotation")
    assert ann[0].cells == ["t2.normative.issued"] and ann[0].severity == "info"
    assert not found(balanced(), "blank") and not found(balanced(), "placeholder")


def test_blank_not_reported_for_cells_the_reader_flagged():
    from kit.model import Finding

    r = balanced()
    r.cells["t2.rules.issued"] = None
    r.findings.append(Finding("extract.ambiguous", "warning", "x", ["t2.rules.issued"]))
    assert not found(r, "blank")


@pytest.mark.parametrize("version", BOTH)
def test_x1(version):
    y = 2022 if version == "gov2021" else 2020
    before = make(version, year=y - 1, **c("carried_out", "natural", 2), **c("carried_out", "total", 2),
                  **c("new", "natural", 2), **c("new", "total", 2))
    ok = make(version, year=y, **c("carried_in", "natural", 2), **c("carried_in", "total", 2))
    bad = make(version, year=y, **c("carried_in", "natural", 1), **c("carried_in", "total", 1))
    assert not found(ok, "X1", before)
    fs = found(bad, "X1", before)
    assert [f.cells for f in fs] == [["t3.carried_in.natural"], ["t3.carried_in.total"]]
    assert fs[0].expected == 2 and fs[0].actual == 1 and fs[0].severity == "error"


def test_x1_never_across_versions_or_entities():
    before = make("gov2019", year=2020, **c("carried_out", "natural", 5), **c("carried_out", "total", 5))
    after = make("gov2021", year=2021)
    assert not found(after, "X1", before)
    other = make("gov2021", agency="乙局", year=2021, **c("carried_out", "natural", 5))
    assert not found(make("gov2021", year=2022), "X1", other)


def test_x2_warns_and_names_annotations():
    before = make("gov2021", year=2021, t2__normative__in_force=40)
    ok = make("gov2021", year=2022, t2__normative__issued=5, t2__normative__repealed=3, t2__normative__in_force=42)
    assert not found(ok, "X2", before)
    bad = make("gov2021", year=2022, t2__normative__issued=22, t2__normative__repealed=55,
               t2__normative__in_force=30, raw={"t2.normative.repealed": "55（含自然失效29件）"})
    fs = found(bad, "X2", before)
    assert fs[0].severity == "warning" and fs[0].expected == 7 and fs[0].actual == 30
    assert "自然失效" in fs[0].message
    assert not found(make("gov2019", year=2020), "X2", make("gov2019", year=2019))


@pytest.mark.parametrize("version", BOTH)
def test_text_versus_table_tries_every_reading(version):
    cells = {**c("new", "natural", 3), **c("new", "total", 3), **c("carried_in", "natural", 2),
             **c("carried_in", "total", 2), **c("granted", "natural", 5), **c("granted", "total", 5),
             **c("total", "natural", 5), **c("total", "total", 5)}
    for said in ("全年共受理政府信息公开申请5件", "全年共受理政府信息公开申请3件", "共收到政府信息公开申请3件，办结5件"):
        r = make(version, sections={"一": ONE + said + "。"}, **cells)
        assert not found(r, "text_table"), said
    r = make(version, sections={"一": ONE + "全年共受理政府信息公开申请7件，办结6件。"}, **cells)
    fs = found(r, "text_table")
    assert len(fs) == 2 and "7" in fs[0].message and fs[0].severity == "warning"
    r = make(version, sections={"三": "依申请公开方面，予以公开的申请占20%。"}, **cells)
    assert "100.0%" in found(r, "text_table")[0].message
    r = make(version, t4__review__upheld=2, t4__review__total=2,
             sections={"一": ONE + "发生政府信息公开行政复议案件3件。"})
    assert found(r, "text_table")[0].cells == ["t4.review.total"]


def test_fee_rule_uses_unpaid_row_not_admin_fees():
    unpaid = {**c("new", "natural", 1), **c("new", "total", 1), **c("other.unpaid", "natural", 1),
              **c("other.unpaid", "total", 1), **c("total", "natural", 1), **c("total", "total", 1)}
    r = make("gov2021", sections={"六": "本年度未发出收费通知，未收取信息处理费。"}, **unpaid)
    fs = found(r, "fee")
    assert fs and fs[0].cells == ["t3.other.unpaid.total"] and fs[0].severity == "warning"
    # 行政事业性收费 is the agency's own charges: never compared with part 六
    r = make("gov2021", t2__fees__amount=500.0, sections={"六": "本年度未发出收费通知，未收取信息处理费。"})
    assert not [f for f in found(r, "fee") if f.severity == "warning"]
    assert found(make("gov2021", sections={"六": "无其他需要报告的事项。"}), "fee")[0].severity == "info"
    assert not found(make("gov2019", sections={"六": "未发出收费通知。"}), "fee")


def test_section_rules():
    assert not found(balanced(), "sections")
    fs = found(make("gov2021", sections={"五": "无"}), "sections")
    assert any("只写了“无”" in f.message for f in fs)
    fs = found(make("gov2021", sections={"六": ""}), "sections")
    assert any("第六部分" in f.message for f in fs)
    fs = found(make("gov2021", sections={"一": "本年度工作有序推进，主动公开各类信息。"}), "sections")
    assert any("依申请公开" in f.message and "监督保障" in f.message for f in fs)


@pytest.mark.parametrize("version", BOTH)
def test_copied_narrative(version):
    five = "本年度我局在政策解读方面形式较为单一，图解视频偏少；依申请公开答复文书有待规范；网站栏目更新不够及时，需要加强巡查和培训。"
    before = make(version, year=2021, sections={"五": five})
    same = make(version, year=2022, sections={"五": five.replace("本年度", "2022年")})
    fs = [f for f in found(same, "copied", before) if "第五部分" in f.message]
    assert fs and fs[0].actual > 0.9 and "%" in fs[0].message
    fresh = make(version, year=2022, sections={"五": "针对上年问题，已统一答复文书模板；今年新发现基层目录更新滞后，将建立月度提醒并开展专项培训。"})
    assert not [f for f in found(fresh, "copied", before) if "第五部分" in f.message]


def test_aggregate_is_opt_in_and_inconclusive_without_every_child():
    kid1 = balanced(agency="甲镇")
    kid2 = balanced(agency="乙镇")
    parent = make("gov2021", agency="某县", **{k: 2 for k in ("t3__new__natural", "t3__new__total", "t3__granted__natural",
                                                             "t3__granted__total", "t3__total__natural", "t3__total__total")})
    assert not found(parent, "aggregate")  # opt-in: not run without children
    assert not [f for f in found(parent, "aggregate", children={"甲镇": kid1, "乙镇": kid2}) if f.severity == "error"]
    parent.cells["t3.granted.natural"] = 3
    fs = [f for f in found(parent, "aggregate", children={"甲镇": kid1, "乙镇": kid2}) if f.severity == "error"]
    assert fs and fs[0].cells == ["t3.granted.natural"] and fs[0].expected == [2]
    fs = found(parent, "aggregate", children={"甲镇": kid1, "乙镇": None})
    assert len(fs) == 1 and fs[0].severity == "info" and "乙镇" in fs[0].message


# --- the real corpus and the demo ------------------------------------------------------------
# the corpus's findings against a reviewer's reading of every report: tests/test_precision.py
