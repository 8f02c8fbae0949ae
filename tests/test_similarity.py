"""kit.similarity: narrative copied between agencies of the same year (fixtures built here and by bench/copies.py)."""
from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

import pytest

from kit.model import Provenance, Report
from kit.similarity import CopiedPair, clean, copied_pairs

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_copies", ROOT / "bench" / "copies.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def report(name: str, sections: dict[str, str], year: int = 2023, key: str | None = None) -> Report:
    return Report(name, year, "gov2021", {}, {}, dict(sections), Provenance("", "", ""), [], "", key or name)


def agencies(n: int, seed: int = 7) -> tuple[list[str], list[dict[str, str]]]:
    """``n`` agencies with distinct narratives (the bench's generator: pools, choices, names, numbers)."""
    rng = random.Random(seed)
    names = bench.agency_names(n, rng)
    return names, [bench.narrative(name, rng) for name in names]


def renamed(text: str, old: str, new: str, seed: int = 1) -> str:
    """``text`` with the agency's name changed and every number replaced by another."""
    rng = random.Random(seed)
    return re.sub(r"\d+", lambda m: str(rng.randint(10, 9999)), text.replace(old, new))


def test_a_planted_copy_is_found_with_its_parts_and_a_real_passage():
    names, texts = agencies(12)
    texts[7]["五"] = renamed(texts[3]["五"], names[3], names[7])  # part 五 only
    reports = [report(n, t, key=f"k{i:02d}") for i, (n, t) in enumerate(zip(names, texts))]
    (pair,) = copied_pairs(reports)
    assert (pair.a, pair.b, pair.a_name, pair.b_name, pair.year) == ("k03", "k07", names[3], names[7], 2023)
    assert pair.sections == ("五",)
    assert pair.similarity > 0.9
    assert 1 <= len(pair.passages) <= 3
    assert [len(p) for p in pair.passages] == sorted((len(p) for p in pair.passages), reverse=True)
    for passage in pair.passages:
        assert len(passage) >= 20 and passage in texts[3]["五"]  # as printed in a's text
        # and really in b's, names and numbers aside
        assert clean(passage.replace(names[3], ""))[0] in clean(texts[7]["五"].replace(names[7], ""))[0]


def test_parts_one_and_five_copied_are_both_named():
    names, texts = agencies(10)
    for part in ("一", "五"):
        texts[2][part] = renamed(texts[6][part], names[6], names[2])
    reports = [report(n, t, key=f"k{i:02d}") for i, (n, t) in enumerate(zip(names, texts))]
    (pair,) = copied_pairs(reports)
    assert (pair.a, pair.b, pair.sections) == ("k02", "k06", ("一", "五"))
    assert any(len(p) > 60 for p in pair.passages)


HEADINGS = ("一、总体情况\n（一）主动公开\n{0}\n（二）依申请公开\n（三）政府信息管理\n（四）政府信息公开平台建设\n"
            "（五）监督保障\n（六）加强组织领导。{1}\n（七）健全工作机制：\n1.明确责任分工和工作流程\n2.细化年度工作任务清单\n"
            "3.规范政务新媒体管理运维\n4.推进基层标准化规范化建设\n5.完善政府信息公开指南和目录\n（八）深化重点领域信息发布：\n"
            "（九）做好政策解读回应工作\n（十）强化监督考核和社会评议\n"
            "第二部分 主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
            "五、存在的主要问题及改进情况\n六、其他需要报告的事项")
STANDARD = ("本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》编制，"
           "统计期限自2023年1月1日起至2023年12月31日止。{0}政府信息公开、政务公开、信息处理费、依申请公开，主动公开"
           "政府信息情况和政府信息管理、政府信息公开平台建设、监督保障的情况。{1}其他需要报告的事项，存在的主要问题及改进情况。")
OWN = [("全年发布预算决算和政府采购信息，重点公开惠民补贴发放", "新收申请均在期限内答复并做好沟通"),
       ("全年发布招生入学政策和学生资助信息，开设家长问答", "对复杂申请组织法律顾问会商审查")]


@pytest.mark.parametrize("skeleton", [HEADINGS, STANDARD], ids=["headings", "phrases"])
def test_two_reports_sharing_only_headings_or_standard_phrases_are_not_a_pair(skeleton):
    one = report("青禾县财政局", {"一": skeleton.format(*OWN[0])})
    two = report("临江县教育局", {"一": skeleton.format(*OWN[1])})
    assert copied_pairs([one, two]) == []
    # the same content under the same headings is a copy: the skeleton hides nothing
    three = report("白云县民政局", {"一": skeleton.format(*OWN[1])})
    assert [(p.a, p.b) for p in copied_pairs([one, two, three])] == [("临江县教育局", "白云县民政局")]


def test_a_paragraph_most_reports_share_is_boilerplate_by_document_frequency():
    names, texts = agencies(8)
    shared = ("为深入贯彻落实上级关于全面推进基层政务公开标准化规范化工作的部署，本单位成立工作领导小组，"
              "制定年度工作方案，明确责任分工，细化工作任务，确保各项公开要求落到实处，取得实效。"
              "坚持把政务公开作为密切联系群众的重要抓手，围绕权力运行全过程强化监督，推动公开工作常态长效。")
    for t in texts:  # the paragraph, then the agency's own last line
        t["五"] = "五、存在的主要问题及改进情况\n" + shared + "\n" + t["五"].split("\n")[-1]
    reports = [report(n, t) for n, t in zip(names, texts)]
    assert copied_pairs(reports) == []
    # counted as content (no share is too many), the paragraph makes every pair of parts 五 a copy
    pairs = copied_pairs(reports, boilerplate_share=1.0, sections=("五",))
    assert len(pairs) == len(reports) * (len(reports) - 1) // 2
    assert all(p.passages[0] == shared for p in pairs)


def test_names_and_numbers_changed_do_not_hide_a_copy():
    names, texts = agencies(6)
    src = "\n".join(f"{names[0]}第{n}项：{names[0]}本年度" + line for n, line in zip("一二三四五六", (
        "对照年度要点召开专题会议12次，研究部署重点领域信息公开。", "编印公开指南3000册并在服务窗口免费发放。",
        "组织开展二〇二三年度第三方评估，整改问题45个。", "在门户网站新增专栏7个，累计访问量达十五万次。",
        "会同司法部门复核依申请答复文书56份，纠正不规范表述。", "完成历史文件数字化归档1,234件，并向社会开放查阅。")))
    dst = renamed(src, names[0], names[5]).replace("二〇二三", "二〇二四").replace("十五万", "三十二万")
    texts[0]["一"], texts[5]["一"] = src, dst
    (pair,) = copied_pairs([report(n, t) for n, t in zip(names, texts)])
    assert {pair.a, pair.b} == {names[0], names[5]} and pair.sections == ("一",)
    assert pair.similarity == 1.0


def test_different_years_are_never_compared():
    names, texts = agencies(6)
    copy = dict(texts[1], 一=renamed(texts[0]["一"], names[0], names[1]))
    earlier = [report(names[0], texts[0], 2022)] + [report(n, t, 2022) for n, t in zip(names[2:], texts[2:])]
    later = [report(names[1], copy, 2023)] + [report(n, t, 2023) for n, t in zip(names[2:], texts[2:])]
    assert copied_pairs(earlier + later) == []
    moved = [report(names[0], texts[0], 2023)] + later
    assert [(p.year, p.a_name, p.b_name) for p in copied_pairs(earlier + moved)] == [(2023, names[0], names[1])]


def test_one_agency_is_never_its_own_copy():
    names, texts = agencies(4)
    same = [report(names[0], texts[0], key="A1"), report(names[0] + "（更正版）", texts[0], key="A1")]
    assert copied_pairs(same + [report(n, t) for n, t in zip(names[1:], texts[1:])]) == []


def test_short_narratives_are_never_reported():
    five = "五、存在的主要问题及改进情况\n栏目更新偶有滞后，将建立提醒。"
    names, _ = agencies(2)
    assert copied_pairs([report(names[0], {"五": five}), report(names[1], {"五": five})]) == []
    longer = five + "同时完善答复文书模板，邀请法律顾问逐件审核，确保答复规范。"
    assert len(copied_pairs([report(names[0], {"五": longer}), report(names[1], {"五": longer})])) == 1


def test_output_is_deterministic_and_sorted():
    reports, _ = bench.synthetic_year(120, 6, seed=3)
    first = copied_pairs(reports)
    again = copied_pairs(list(reversed(reports)))
    assert first == again
    assert [(p.year, p.a, p.b) for p in first] == sorted((p.year, p.a, p.b) for p in first)
    assert all(isinstance(p, CopiedPair) and p.a < p.b for p in first)


def test_a_synthetic_year_of_300_agencies_finds_every_planted_pair_and_no_other():
    reports, planted = bench.synthetic_year(300, 12, seed=1)
    assert len(reports) == 300 and len(planted) == 12
    pairs = copied_pairs(reports)
    assert {(p.a, p.b) for p in pairs} == planted
    for p in pairs:
        assert p.sections and set(p.sections) <= {"一", "五"} and p.passages
        assert p.similarity >= 0.5


@pytest.mark.parametrize("threshold", [0.3, 0.8])
def test_the_threshold_is_honoured(threshold):
    reports, _ = bench.synthetic_year(150, 8, seed=2)
    pairs = copied_pairs(reports, threshold=threshold)
    assert all(p.similarity >= threshold for p in pairs)
    assert {(p.a, p.b) for p in pairs} <= {(p.a, p.b) for p in copied_pairs(reports, threshold=0.2)}
