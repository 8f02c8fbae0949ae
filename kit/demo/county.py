"""A fictional county's reports, written by the kit itself (deterministic from a seed).

青禾县: the county government (declared in the registry as the sum of its departments) and 30
departments, each with reports for 2019–2025 (gov2019 for 2019–2020, gov2021 after), in the forms
real reports come in (text with ``|`` cells, glued text, HTML page, DOCX, XLSX template). Numbers are
realistic (most departments receive few applications, a few receive hundreds; carry-overs and
documents in force chain from year to year); narrative comes from templates. About ten deliberate
errors are seeded and listed in ``errors.json`` beside the reports. Every name and number is invented.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Provenance, Report
from ..registry import Agency, Region, Registry
from ..schema import get_format, version_for_year

COUNTY = "青禾县"
CITY = "禾川市"
REGION = "青禾县"
GOV = f"{COUNTY}人民政府"
# department, typical yearly applications
DEPARTMENTS = [
    ("自然资源局", 160), ("住房和城乡建设局", 110), ("公安局", 60), ("人力资源和社会保障局", 40),
    ("市场监督管理局", 30), ("交通运输局", 18), ("生态环境局", 16), ("农业农村局", 14), ("教育局", 12),
    ("卫生健康委员会", 10), ("财政局", 9), ("民政局", 8), ("水利局", 7), ("应急管理局", 6), ("发展和改革局", 6),
    ("司法局", 5), ("商务局", 4), ("文化广电和旅游局", 4), ("审计局", 3), ("统计局", 3), ("退役军人事务局", 3),
    ("林业局", 3), ("医疗保障局", 3), ("城市管理局", 5), ("行政审批局", 4), ("科学技术局", 2), ("工业和信息化局", 2),
    ("体育局", 1), ("档案局", 1), ("人民政府办公室", 5),
]
YEARS = tuple(range(2019, 2026))
APPLICANT_WEIGHTS = (85, 10, 1, 1, 3, 1)  # 自然人 ... 其他: most applications come from individuals
RECIPE = "qinghe-county-5 seed=2024"  # bump when the generator changes: `make demo` rewrites the data
FORMS = ("pipe", "glued", "html", "docx", "xlsx")
OUTCOMES = {"granted": 40, "partial": 12, "deny.third_party": 2, "deny.internal": 3, "deny.process": 2,
            "deny.inquiry": 3, "unable.not_held": 22, "unable.need_create": 3, "unable.unclear": 2,
            "reject.petition": 3, "reject.duplicate": 2, "other.no_supplement": 2, "other.other": 2}


def dept(name: str) -> str:
    return f"{COUNTY}{name}"


# Names as some years' reports print them, as real reports do; the registry resolves each to its
# agency (kit.identity), so every agency's history still has all its years.
PRINTED = {
    (dept("工业和信息化局"), 2020): "县工信局",                      # a short form, the county only as its level
    (dept("人力资源和社会保障局"), 2022): dept("人社局"),            # a short form
    (dept("住房和城乡建设局"), 2021): "住房和城乡建设局",            # without the county (溪口县 has none)
    (GOV, 2023): f"{CITY}{GOV}",                                    # with the city
    (dept("文化广电和旅游局"), 2019): dept("文化和旅游局"),          # the name before a reform: an alias
    (dept("文化广电和旅游局"), 2020): dept("文化和旅游局"),
    (dept("卫生健康委员会"), 2019): dept("卫生和计划生育委员会"),     # an alias
}
ALIASES = {dept("文化广电和旅游局"): (dept("文化和旅游局"),), dept("卫生健康委员会"): (dept("卫生和计划生育委员会"),)}


# A second, smaller county of the same city (in the full demo only): its departments, their scale
SECOND = "溪口县"
SECOND_GOV = f"{SECOND}人民政府"
SECOND_DEPARTMENTS = [("自然资源局", 60), ("公安局", 30), ("财政局", 8), ("教育局", 10), ("民政局", 6), ("水利局", 5),
                      ("统计局", 2), ("档案局", 1)]

# Region-level facts the region reports must show (errors.json lists them): reports published after
# the deadline, a report never published, two agencies whose narratives copy each other.
LATE = {(dept("统计局"), 2024): "2025-02-14", (f"{SECOND}水利局", 2022): "2023-03-06"}
MISSING = {(f"{SECOND}档案局", 2022)}
COPIED_PEER = {(f"{SECOND}财政局", 2023): dept("财政局")}  # copier -> the agency copied from, same year


def published_on(agency: str, year: int) -> str:
    """The date a report is signed and published: a January day of the next year, or late as seeded."""
    if (agency, year) in LATE:
        return LATE[(agency, year)]
    return f"{year + 1}-01-{random.Random(f'{agency}|date|{year}').randint(8, 28):02d}"


def registry() -> Registry:
    """The demo's registry: the city, its two counties (regions), each county's government (a
    consolidated report of its departments) and departments."""
    regions = [Region("R331000", CITY), Region("R331100", COUNTY, CITY), Region("R331200", SECOND, CITY)]
    agencies = [Agency("331100", GOV, "县级政府", COUNTY, "", True)]
    for i, (name, _) in enumerate(DEPARTMENTS, start=1):
        agencies.append(Agency(f"3311{i:02d}", dept(name), "县直部门", REGION, "331100",
                               aliases=ALIASES.get(dept(name), ())))
    agencies.append(Agency("331200", SECOND_GOV, "县级政府", SECOND, "", True))
    for i, (name, _) in enumerate(SECOND_DEPARTMENTS, start=1):
        agencies.append(Agency(f"3312{i:02d}", f"{SECOND}{name}", "县直部门", SECOND, "331200"))
    return Registry(agencies, regions=regions)


def _split(rng: random.Random, n: int, weights: dict[str, int]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def numbers(rng: random.Random, scale: int, carried_in: dict[str, int], in_force: int | None = None,
            version: str = "gov2021") -> dict[str, float | int]:
    """One year's cells satisfying S1, S2, O1 (and X2 when last year's in-force count is given)."""
    fmt = get_format(version)
    applicants = [c.id for c in fmt.table("t3").parts]
    cells: dict[str, float | int] = {cid: 0 for cid in fmt.cell_ids()}
    total_new = max(0, int(rng.gauss(scale, scale * 0.25)))
    new = _split(rng, total_new, dict(zip(applicants, APPLICANT_WEIGHTS)))
    for col in applicants:
        avail = new[col] + carried_in.get(col, 0)
        out = sum(1 for _ in range(avail) if rng.random() < 0.06)
        handled = avail - out
        for leaf, v in _split(rng, handled, OUTCOMES).items():
            if version == "gov2019" and leaf.startswith("other."):
                leaf = "other"
            cells[f"t3.{leaf}.{col}"] += v
        cells[f"t3.new.{col}"] = new[col]
        cells[f"t3.carried_in.{col}"] = carried_in.get(col, 0)
        cells[f"t3.total.{col}"] = handled
        cells[f"t3.carried_out.{col}"] = out
    issued, repealed = rng.randint(0, 6), rng.randint(0, 2)
    base = in_force if in_force is not None else rng.randint(10, 40)
    repealed = min(repealed, base)
    if version == "gov2021":
        cells.update({"t2.normative.issued": issued, "t2.normative.repealed": repealed,
                      "t2.normative.in_force": base + issued - repealed,
                      "t2.license.decisions": rng.randint(0, 3000), "t2.penalty.decisions": rng.randint(0, 400),
                      "t2.coercion.decisions": rng.randint(0, 30),
                      "t2.fees.amount": round(rng.uniform(0, 900), 2) if rng.random() < 0.6 else 0})
    else:
        cells.update({"t2.normative.made": issued, "t2.normative.published": issued,
                      "t2.normative.public_total": base + issued,
                      "t2.license.prev_items": rng.randint(0, 60), "t2.license.change": rng.randint(-3, 3),
                      "t2.license.decisions": rng.randint(0, 3000), "t2.penalty.prev_items": rng.randint(0, 80),
                      "t2.penalty.decisions": rng.randint(0, 400), "t2.coercion.prev_items": rng.randint(0, 10),
                      "t2.coercion.decisions": rng.randint(0, 30), "t2.fees.prev_items": rng.randint(0, 6),
                      "t2.procurement.items": rng.randint(0, 20),
                      "t2.procurement.amount": round(rng.uniform(0, 500000), 2)})
        for r in ("license", "penalty", "coercion", "fees", "other_service"):
            cells[f"t2.{r}.prev_items"] = max(cells[f"t2.{r}.prev_items"], -cells[f"t2.{r}.change"])
    for g in fmt.table("t4").rows:
        for c in fmt.table("t4").parts:
            cells[g.cell_id("t4", c)] = rng.choice([0, 0, 0, 0, 1, 2]) if scale >= 10 else 0
    # every row's 总计 is the sum of its parts (S1, S4): the identities fill them in
    for identity in fmt.identities("S1") + fmt.identities("S4"):
        (total,) = identity.right
        cells[total] = sum(cells[c] for c in identity.left)
    return cells


# Narrative: each agency writes its own (its field of work, its own choice of phrasing each year, never
# last year's choice), so that once names and numbers are removed two agencies do not read alike and
# one agency does not repeat itself; a seeded copy reuses another year's or another agency's choices.
FIELDS = {
    "人民政府": "重大决策、财政预决算和民生实事", "自然资源局": "国土空间规划、不动产登记和耕地保护",
    "住房和城乡建设局": "保障性住房、建筑市场监管和老旧小区改造", "公安局": "户籍办理、交通管理和治安防控",
    "人力资源和社会保障局": "就业创业、社会保险和劳动关系", "市场监督管理局": "市场主体登记、食品安全和质量监管",
    "交通运输局": "公路建设、客运服务和交通执法", "生态环境局": "环境质量、排污许可和环评审批",
    "农业农村局": "惠农补贴、农产品质量和乡村建设", "教育局": "招生入学、教育收费和学校安全",
    "卫生健康委员会": "医疗服务、疾病防控和健康促进", "财政局": "预算决算、政府采购和惠民资金",
    "民政局": "社会救助、养老服务和婚姻登记", "水利局": "防汛抗旱、水资源管理和河湖长制",
    "应急管理局": "安全生产、应急救援和防灾减灾", "发展和改革局": "重大项目、价格管理和节能审查",
    "司法局": "法治政府建设、公共法律服务和人民调解", "商务局": "招商引资、外贸服务和市场供应",
    "文化广电和旅游局": "公共文化服务、文旅市场和文物保护", "审计局": "审计结果公告和审计整改",
    "统计局": "统计数据发布和统计执法", "退役军人事务局": "优抚安置、褒扬纪念和退役军人服务",
    "林业局": "森林资源保护、林木采伐许可和森林防火", "医疗保障局": "医保待遇、药品集采和基金监管",
    "城市管理局": "市容环境、城市照明和违法建设治理", "行政审批局": "政务服务事项、审批流程和一网通办",
    "科学技术局": "科技项目、创新平台和科技成果转化", "工业和信息化局": "工业经济运行、企业服务和数字化转型",
    "体育局": "全民健身、体育赛事和场馆开放", "档案局": "档案开放、档案利用和档案安全",
    "人民政府办公室": "政府文件、政务督查和政务公开统筹",
}
SLOTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "主动公开": (("坚持以公开为常态、不公开为例外", "围绕群众关切", "按照年度政务公开工作要点", "对照主动公开基本目录",
              "聚焦核心职能", "以标准化规范化建设为抓手"),
             ("通过门户网站主动公开政府信息{n1}条", "全年在政府网站和政务新媒体发布各类信息{n1}条",
              "及时公开各类业务信息{n1}条", "主动公开文件、通知、公示等信息{n1}条"),
             ("同步发布政策解读{n2}篇", "制作图解、短视频等解读产品{n2}个", "召开新闻发布会{n3}场",
              "开展政策进社区、进企业宣讲{n3}场", "回应社会关切{n2}次")),
    "依申请公开": (("规范登记、审核、答复流程", "加强与申请人沟通", "严格按照法定时限答复", "建立申请办理台账",
               "实行申请答复会商制度"),
              ("全年新收政府信息公开申请{new}件，办结{done}件，结转下年度{out}件",
               "本年度共受理政府信息公开申请{new}件，依法办结{done}件，{out}件结转下年度办理",
               "新收申请{new}件，办结{done}件，另有{out}件转入下年度"),),
    "政府信息管理": (("落实公开属性源头认定", "严格执行信息发布三审三校", "建立文件公开属性台账", "开展规范性文件清理",
                "健全保密审查机制"),
               ("对拟公开信息逐件开展保密审查", "清理过期失效信息{n3}条", "动态更新政府信息公开指南和目录",
                "对拟发布文件实行分级审核", "按季度梳理已公开信息")),
    "平台建设": (("优化门户网站政府信息公开专栏", "推进政务新媒体规范化管理", "完善政务公开专区功能",
              "加强网站集约化平台建设"),
             ("新增重点领域专题栏目", "整合关停低效政务新媒体账号{n4}个", "在服务大厅设置政务公开查阅点",
              "实现公开信息一站式检索")),
    "监督保障": (("将政务公开纳入年度绩效考核", "明确分管领导和专职人员", "开展政务公开季度检查", "落实考核评议和责任追究"),
             ("组织业务培训{n4}次", "通报问题并督促整改", "邀请社会监督员评议{n4}次", "开展专项督查{n4}轮")),
    "问题": (("政策解读形式较单一", "依申请答复文书规范性有待提升", "部分栏目更新不够及时", "基层标准化推进不够均衡",
            "公开内容的深度不够", "政务新媒体互动回应不足", "数据开放程度不高", "专职人员力量薄弱"),
           ("原因在于对公开需求研判不足", "主要是工作机制还不健全", "根源在于业务科室参与不够",
            "与人员调整频繁有关", "部分信息公开属性认定偏保守", "信息化支撑手段不足", "经费保障不够充分",
            "考核激励作用发挥不够"),
           ("下一步将丰富解读形式，推出图解和短视频", "明年将统一答复模板并逐件复核", "今后将加强业务培训和交流",
            "将建立栏目更新提醒机制", "将设立留言回复时限", "拟编制数据开放清单", "计划充实专职工作力量",
            "将开展一次全面自查")),
    "改进": (("针对上年指出的问题", "对照上级检查反馈", "结合群众留言反映", "根据第三方评估意见", "围绕年初确定的整改清单",
            "按照年度考核要求", "依据专项督查通报"),
           ("已完成栏目梳理和内容补充", "已修订内部工作规程", "已对答复文书逐件复查", "已开展两轮专项培训",
            "已清理过期失效信息", "已建立部门间会商机制", "已更新政府信息公开指南", "已完善依申请登记台账"),
           ("整改情况已在门户网站公开", "相关做法将在全系统推广", "后续将持续跟踪问效", "明年一季度将组织回头看",
            "整改台账已报县政务公开办备案", "整改成效将纳入年度考核", "将适时开展群众满意度评议")),
}
INTROS = ("{year}年，{agency}围绕{field}等重点工作，推进政务公开。", "{year}年，{agency}认真贯彻《条例》，结合{field}职责抓好公开。",
          "{year}年，{agency}以{field}为重点，持续深化政务公开。", "{year}年，{agency}将公开融入{field}各环节。",
          "{year}年，{agency}聚焦{field}，提升公开质效。")
HEADS = {"主动公开": "（一）主动公开。", "依申请公开": "（二）依申请公开。", "政府信息管理": "（三）政府信息管理。",
         "平台建设": "（四）政府信息公开平台建设。", "监督保障": "（五）监督保障。"}


def _field(agency: str) -> str:
    for name, f in FIELDS.items():
        if agency.endswith(name):
            return f
    return "本单位主要职能"


@lru_cache(maxsize=4096)
def _choices(agency: str, year: int) -> dict[str, tuple[int, ...]]:
    """The agency's phrasing of one year: one option per slot, none the same as the previous year's."""
    slots = {**SLOTS, "intro": (INTROS,)}
    rng = random.Random(f"{agency}|{year}")  # its own generator: the numbers' sequence is untouched
    now = {t: [rng.randrange(len(opts)) for opts in options] for t, options in slots.items()}
    if year <= min(YEARS) - 1:
        return {t: tuple(cs) for t, cs in now.items()}
    before = _choices(agency, year - 1)
    return {t: tuple((c + 1) % len(slots[t][i]) if c == before[t][i] else c for i, c in enumerate(cs))
            for t, cs in now.items()}


def narrative(agency: str, year: int, cells: dict[str, Any], *, copy_of: int | None = None,
              handled_said: int | None = None, copy_from: str | None = None) -> dict[str, str]:
    """Sections 一, 五 and 六 in the agency's own words; ``copy_of`` reuses another year's wording,
    ``copy_from`` another agency's (seeded copies)."""
    source = copy_from or agency
    picks = _choices(source, copy_of or year)
    nums = {"n1": int(cells["t3.new.total"]) * 7 + 120, "n2": year % 9 + 3, "n3": year % 5 + 2, "n4": year % 4 + 1,
            "new": cells["t3.new.total"], "done": handled_said if handled_said is not None else cells["t3.total.total"],
            "out": cells["t3.carried_out.total"], "field": _field(source)}

    def sentence(topic: str) -> str:
        return "，".join(SLOTS[topic][i][c] for i, c in enumerate(picks[topic])).format(**nums) + "。"

    one = [INTROS[picks["intro"][0]].format(year=year, agency=agency, field=nums["field"])]
    one += [HEADS[t] + sentence(t) for t in HEADS]
    five = f"在{nums['field']}信息公开方面，" + sentence("问题") + sentence("改进")
    return {"一": "\n".join(one), "五": five, "六": "本年度未收取信息处理费。"}


def make_report(agency: str, year: int, cells: dict[str, Any], sections: dict[str, str] | None = None,
                raw: dict[str, str] | None = None) -> Report:
    version = version_for_year(year)
    return Report(agency, year, version, dict(cells), dict(raw or {}),
                  dict(sections or narrative(agency, year, cells)), Provenance("", "", ""))


def report_text(agency: str, year: int, cells: dict[str, Any], form: str, sections: dict[str, str] | None = None,
                raw: dict[str, str] | None = None) -> str:
    """The report as a text dump (``pipe`` or ``glued``)."""
    from .forms import text

    return text(make_report(agency, year, cells, sections, raw), form)


# Deliberate, realistic errors; each is listed in errors.json with the rules that must find it.
SEEDED: list[dict[str, Any]] = [
    {"agency": dept("财政局"), "year": 2024, "rules": ["O1"], "what": "结转下年度的自然人申请多填了1件，表三收支不平衡"},
    {"agency": dept("教育局"), "year": 2023, "rules": ["S2", "wrong_column"],
     "what": "一件自然人申请的“予以公开”结果填进了商业企业列"},
    {"agency": dept("自然资源局"), "year": 2024, "rules": ["X1"], "what": "本年“上年结转”与上年报告“结转下年度”不一致（多2件）"},
    {"agency": dept("公安局"), "year": 2022, "rules": ["S4"], "what": "表四行政复议总计多填了1件"},
    {"agency": dept("人民政府办公室"), "year": 2024, "rules": ["fee"],
     "what": "表三有1件“逾期未按收费通知缴费”，第六部分却称未发出收费通知"},
    {"agency": dept("住房和城乡建设局"), "year": 2025, "rules": ["text_table"], "what": "正文所写办结件数比表三（七）总计多3件"},
    {"agency": dept("民政局"), "year": 2023, "rules": ["placeholder"], "what": "表二规章“本年废止件数”印作“/”"},
    {"agency": dept("水利局"), "year": 2021, "rules": ["blank"], "what": "表二行政强制决定数量空白"},
    {"agency": dept("人力资源和社会保障局"), "year": 2022, "rules": ["S1", "S2"],
     "what": "“5.属于三类内部事务信息”一行总计栏多填1件"},
    {"agency": dept("审计局"), "year": 2025, "rules": ["copied"], "what": "第一、五部分照抄上年报告"},
    {"agency": dept("民政局"), "year": 2020, "rules": ["identity.fuzzy"], "printed": f"{COUNTY}民正局",
     "what": "机关名称印错一个字（民政局印作民正局）"},
    {"agency": GOV, "year": 2025, "rules": ["aggregate", "S1", "S2"],
     "what": "全县汇总报告的“予以公开”自然人数比各部门之和多5件（该行与该列因此也不平衡）", "needs_registry": True},
]
# The county's report adds up what its departments printed, so it repeats their table errors.
_REPEATED = {"O1", "S1", "S2", "S4", "wrong_column", "X1"}


def expected_findings(agencies: set[str] | None = None, years: tuple[int, ...] = YEARS) -> list[dict[str, Any]]:
    """Every (agency, year, rule) the checks must report on the demo: the seeded errors and their echoes."""
    seeded = [e for e in SEEDED if e["year"] in years and (agencies is None or e["agency"] in agencies)]
    out = [{"agency": e["agency"], "year": e["year"], "rule": r, "seeded": e["what"]} for e in seeded for r in e["rules"]]
    out += [{"agency": a, "year": y, "rule": "copied_peer", "seeded": f"与{b}同年报告雷同"}
            for (copier, y), other in COPIED_PEER.items() if y in years
            and (agencies is None or {copier, other} <= agencies) for a, b in ((copier, other), (other, copier))]
    for e in seeded:
        if e["agency"] != GOV and set(e["rules"]) <= _REPEATED:
            out += [{"agency": GOV, "year": e["year"], "rule": r, "seeded": f"汇总自{e['agency']}：{e['what']}"}
                    for r in e["rules"]]
    return out


def region_facts(agencies: set[str], years: tuple[int, ...] = YEARS) -> list[dict[str, Any]]:
    """What the region reports must show beyond the agencies' own findings."""
    out: list[dict[str, Any]] = []
    out += [{"fact": "late", "agency": a, "year": y, "published": d, "what": f"{y}年度报告{d}才发布，晚于1月31日"}
            for (a, y), d in LATE.items() if a in agencies and y in years]
    out += [{"fact": "missing", "agency": a, "year": y, "what": f"{y}年度报告未发布"}
            for a, y in MISSING if a in agencies and y in years]
    out += [{"fact": "copied_peer", "agency": a, "year": y, "other": b, "what": f"第一、五部分照抄{b}同年报告"}
            for (a, y), b in COPIED_PEER.items() if a in agencies and b in agencies and y in years]
    out += [{"fact": "consolidated", "agency": e["agency"], "year": e["year"], "cells": ["t3.granted.natural"],
             "what": e["what"]} for e in SEEDED if "aggregate" in e["rules"] and e["agency"] in agencies
            and e["year"] in years]
    return out


def _seed(agency: str, year: int, cells: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """Apply the seeded errors of one report: (section overrides, printed-text overrides, narrative options)."""
    raw: dict[str, str] = {}
    opts: dict[str, Any] = {}
    secs: dict[str, str] = {}
    for e in SEEDED:
        if (e["agency"], e["year"]) != (agency, year):
            continue
        rules = e["rules"]
        if rules == ["O1"]:
            cells["t3.carried_out.natural"] += 1
            cells["t3.carried_out.total"] += 1
        elif rules == ["S2", "wrong_column"]:
            if cells["t3.granted.natural"] < 1:  # make room: one more granted application, still balanced
                for cid in ("t3.granted.natural", "t3.granted.total", "t3.total.natural", "t3.total.total",
                            "t3.new.natural", "t3.new.total"):
                    cells[cid] += 1
            cells["t3.granted.natural"] -= 1
            cells["t3.granted.commercial"] += 1
        elif rules == ["S4"]:
            cells["t4.review.total"] += 1
        elif rules == ["fee"]:
            src = next(k for k in ("granted", "partial", "unable.not_held", "total") if cells[f"t3.{k}.natural"] > 0)
            if src == "total":  # nothing handled to move: one more application, unpaid
                for cid in ("t3.new.natural", "t3.new.total", "t3.total.natural", "t3.total.total"):
                    cells[cid] += 1
            else:
                for c in ("natural", "total"):
                    cells[f"t3.{src}.{c}"] -= 1
            for c in ("natural", "total"):
                cells[f"t3.other.unpaid.{c}"] += 1
            secs["六"] = "本年度未发出收费通知，未收取信息处理费。"
        elif rules == ["text_table"]:
            opts["handled_said"] = int(cells["t3.total.total"]) + 3
        elif rules == ["placeholder"]:
            raw["t2.rules.repealed"] = "/"
            cells["t2.rules.repealed"] = None
        elif rules == ["blank"]:
            raw["t2.coercion.decisions"] = ""
            cells["t2.coercion.decisions"] = None
        elif rules == ["S1", "S2"]:
            cells["t3.deny.internal.total"] += 1
        elif rules == ["copied"]:
            opts["copy_of"] = year - 1
        elif "aggregate" in rules:
            cells["t3.granted.natural"] += 5
    return secs, raw, opts


def _write(report: Report, form: str, folder: Path, stem: str) -> Path:
    from .forms import html_page, text, write_docx

    if form in ("pipe", "glued"):
        p = folder / f"{stem}.txt"
        p.write_text(text(report, form), encoding="utf-8")
    elif form == "html":
        p = folder / f"{stem}.html"
        p.write_text(html_page(report), encoding="utf-8")
    elif form == "docx":
        p = write_docx(report, folder / f"{stem}.docx", subtotals=(report.year or 0) % 2 == 1)
    else:
        from ..report.excel import write_template

        p = write_template(folder / f"{stem}.xlsx", report=report)
    return p


@dataclass(frozen=True)
class Published:
    """One demo report as the demo means to publish it: the report itself (its agency as printed),
    its form, its file stem, and the agency's canonical name."""

    report: Report
    form: str
    stem: str
    agency: str = ""


def printed(agency: str, year: int) -> str:
    """The agency's name as its report of ``year`` prints it."""
    slip = next((e["printed"] for e in SEEDED if "printed" in e and (e["agency"], e["year"]) == (agency, year)), None)
    return slip or PRINTED.get((agency, year), agency)


def _published(agency: str, year: int, cells: dict[str, Any], sections: dict[str, str], raw: dict[str, str],
               form: str, stem: str) -> Published:
    name = printed(agency, year)
    date = published_on(agency, year)
    y, m, d = (int(x) for x in date.split("-"))
    signed = {**sections, "六": f"{sections.get('六', '')}\n{name}\n{y}年{m}月{d}日"}
    report = make_report(name, year, cells, signed, raw)
    report.published, report.published_from = date, "落款"
    return Published(report, form, stem, agency)


def county(seed: int = 2024, *, departments: int | None = None, years: tuple[int, ...] = YEARS) -> list[Published]:
    """Every report of the demo: the first ``departments`` departments of 青禾县, then its government
    adding them up; in the full demo (``departments`` None) also 溪口县, the second county of the city."""
    rng = random.Random(seed)
    out = _county(rng, COUNTY, GOV, DEPARTMENTS[:departments], years, 0, "")
    if departments is None:
        out += _county(rng, SECOND, SECOND_GOV, SECOND_DEPARTMENTS, years, len(DEPARTMENTS), "x")
    return out


def _county(rng: random.Random, county_name: str, gov: str, departments: list[tuple[str, int]],
            years: tuple[int, ...], offset: int, stem: str) -> list[Published]:
    out: list[Published] = []
    seeded_at = {(e["agency"], e["year"]) for e in SEEDED}
    totals: dict[int, dict[str, Any]] = {year: {} for year in years}
    cells_of: dict[tuple[str, int], dict[str, Any]] = {}
    for i, (name, scale) in enumerate(departments, start=1):
        agency = f"{county_name}{name}"
        carried: dict[str, int] = {"natural": rng.randint(0, max(1, scale // 20))}
        in_force: int | None = None
        for year in years:
            if any(e["rules"] == ["X1"] and (e["agency"], e["year"]) == (agency, year) for e in SEEDED):
                carried = {**carried, "natural": carried.get("natural", 0) + 2}
            version = version_for_year(year)
            cells = numbers(rng, scale, carried, in_force if version == "gov2021" and year > 2021 else None, version)
            secs, raw, opts = _seed(agency, year, cells)
            # next year starts from what this year printed (errors included), as real reports do
            carried = {c.id: int(cells[f"t3.carried_out.{c.id}"]) for c in get_format(version).table("t3").parts}
            if version == "gov2021":
                in_force = int(cells["t2.normative.in_force"])
            if (agency, year) in MISSING:
                continue  # never published: the county's report adds up what its departments published
            cells_of[(agency, year)] = cells
            copy_from = COPIED_PEER.get((agency, year))
            sections = {**narrative(agency, year, cells, copy_from=copy_from, **opts), **secs}
            for cid, v in cells.items():
                if cid.startswith(("t3.", "t4.")):
                    totals[year][cid] = totals[year].get(cid, 0) + (v or 0)
            form = FORMS[(i + offset + year) % len(FORMS)]
            if (agency, year) in seeded_at and form == "glued":
                # the seeded errors are there for the checks: published with separators, so that
                # what the checks must find does not depend on how a broken identity splits a run
                form = "pipe"
            out.append(_published(agency, year, cells, sections, raw, form, f"{year}-{stem}{i:02d}"))
    in_force = None
    for year in years:
        version = version_for_year(year)
        cells = numbers(rng, 0, {}, in_force if version == "gov2021" and year > 2021 else None, version)
        if version == "gov2021":
            in_force = int(cells["t2.normative.in_force"])
        cells.update(totals[year])
        secs, raw, opts = _seed(gov, year, cells)
        out.append(_published(gov, year, cells, {**narrative(gov, year, cells, **opts), **secs}, raw, "html",
                              f"{year}-{stem}00"))
    return out


def write_demo(folder: str | Path, seed: int = 2024, *, departments: int | None = None,
               years: tuple[int, ...] = YEARS) -> list[Path]:
    """Write the demo county into ``folder`` (reports, ``registry.csv``, ``errors.json``); returns the reports.

    ``departments`` and ``years`` give a smaller county for tests (the first N departments).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = [_write(p.report, p.form, out, p.stem) for p in county(seed, departments=departments, years=years)]
    registry().save(out / "registry.csv")
    written = {GOV, *(dept(n) for n, _ in DEPARTMENTS[:departments])}
    if departments is None:
        written |= {SECOND_GOV, *(f"{SECOND}{n}" for n, _ in SECOND_DEPARTMENTS)}
    (out / "errors.json").write_text(json.dumps({"seeded": SEEDED, "expected_findings": expected_findings(written, years),
                                                 "region_facts": region_facts(written, years)},
                                                ensure_ascii=False, indent=1), encoding="utf-8")
    return paths
