"""A fictional county's reports, written by the kit itself (deterministic from a seed).

Every name and number here is invented. The reports come out in the plain-text forms real pages
are saved in: ``|``-separated rows, and glued digit runs.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from .schema import get_format

COUNTY = "青禾县"
AGENCIES = [  # (name, typical yearly applications, text form)
    (f"{COUNTY}人民政府办公室", 60, "pipe"),
    (f"{COUNTY}自然资源局", 140, "glued"),
    (f"{COUNTY}财政局", 12, "glued"),
    (f"{COUNTY}教育局", 25, "pipe"),
]
YEARS = (2023, 2024)
COLUMNS = ["natural", "commercial", "research", "social", "legal", "other_org"]
# how applications end, by 表三 leaf row (weights)
OUTCOMES = {"granted": 40, "partial": 12, "deny.third_party": 2, "deny.internal": 3, "deny.process": 2,
            "deny.inquiry": 3, "unable.not_held": 22, "unable.need_create": 3, "unable.unclear": 2,
            "reject.petition": 3, "reject.duplicate": 2, "other.no_supplement": 2, "other.other": 2}


def _split(rng: random.Random, n: int, weights: dict[str, int]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def numbers(rng: random.Random, scale: int, carried_in: dict[str, int],
            in_force: int | None = None) -> dict[str, float | int]:
    """One year's cells for gov2021, satisfying S1, S2, O1 (and X2 when last year's in-force count is given)."""
    fmt = get_format("gov2021")
    cells: dict[str, float | int] = {cid: 0 for cid in fmt.cell_ids()}
    total_new = max(0, int(rng.gauss(scale, scale * 0.25)))
    new = _split(rng, total_new, {"natural": 85, "commercial": 10, "research": 1, "social": 1, "legal": 3,
                                  "other_org": 1})
    for col in COLUMNS:
        avail = new[col] + carried_in.get(col, 0)
        out = sum(1 for _ in range(avail) if rng.random() < 0.06)
        handled = avail - out
        for leaf, v in _split(rng, handled, OUTCOMES).items():
            cells[f"t3.{leaf}.{col}"] = v
        cells[f"t3.new.{col}"] = new[col]
        cells[f"t3.carried_in.{col}"] = carried_in.get(col, 0)
        cells[f"t3.total.{col}"] = handled
        cells[f"t3.carried_out.{col}"] = out
    for row in fmt.table("t3").rows:
        cells[f"t3.{row.id}.total"] = sum(cells[f"t3.{row.id}.{c}"] for c in COLUMNS)  # type: ignore[misc]
    issued, repealed = rng.randint(0, 6), rng.randint(0, 2)
    base = in_force if in_force is not None else rng.randint(10, 40)
    cells.update({"t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
                  "t2.normative.issued": issued, "t2.normative.repealed": min(repealed, base),
                  "t2.normative.in_force": base + issued - min(repealed, base),
                  "t2.license.decisions": rng.randint(0, 3000), "t2.penalty.decisions": rng.randint(0, 400),
                  "t2.coercion.decisions": rng.randint(0, 30),
                  "t2.fees.amount": round(rng.uniform(0, 900), 2) if rng.random() < 0.6 else 0})
    for g in ("review", "suit_direct", "suit_after_review"):
        parts = [rng.choice([0, 0, 0, 1, 2]) for _ in range(4)]
        for c, v in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[f"t4.{g}.{c}"] = v
        cells[f"t4.{g}.total"] = sum(parts)
    return cells


def _fmt(v: float | int) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


# Narrative pools: one sentence per topic, a different one each year (so no year copies the last).
POOLS = {
    "主动公开": ["（一）主动公开。通过门户网站主动公开政府信息{n1}条，发布政策解读{n2}篇，重点公开财政资金、项目审批和民生保障信息。",
             "（一）主动公开。围绕重点领域信息公开，全年在门户网站发布各类信息{n1}条，配套图解、视频等政策解读{n2}篇。",
             "（一）主动公开。坚持以公开为常态，全年主动公开政府信息{n1}条，召开新闻发布会{n3}场，解读材料{n2}篇。",
             "（一）主动公开。聚焦群众关切，动态更新主动公开目录，全年公开信息{n1}条，政策问答与解读{n2}篇。"],
    "依申请公开": ["（二）依申请公开。全年新收政府信息公开申请{new}件，办结{done}件，结转下年度{out}件，均在法定期限内答复。",
              "（二）依申请公开。规范登记、审核、答复流程，全年新收政府信息公开申请{new}件，办结{done}件，结转下年度{out}件。",
              "（二）依申请公开。加强与申请人沟通，本年度新收政府信息公开申请{new}件，办结{done}件，结转下年度{out}件。"],
    "政府信息管理": ["（三）政府信息管理。落实公开属性源头认定和保密审查，动态更新政府信息公开指南。",
               "（三）政府信息管理。严格执行信息发布三审三校制度，清理过期失效信息{n3}条。",
               "（三）政府信息管理。建立文件公开属性台账，对拟公开文件逐件开展保密审查和合法性审查。"],
    "平台建设": ["（四）政府信息公开平台建设。优化门户网站栏目设置，加强政务新媒体管理。",
             "（四）政府信息公开平台建设。完成网站集约化改版，整合关停低效政务新媒体账号{n4}个。",
             "（四）政府信息公开平台建设。在政务服务大厅设立政务公开专区，方便群众现场查阅。"],
    "监督保障": ["（五）监督保障。将政务公开纳入年度绩效考核，组织业务培训{n4}次。",
             "（五）监督保障。开展政务公开季度检查，通报问题并督促整改，全年举办专题培训{n4}场。",
             "（五）监督保障。明确分管领导和专职人员，落实考核评议和责任追究制度。"],
    "问题": ["本年度工作仍存在政策解读形式较单一、依申请公开答复规范性有待提升等问题。下一步将丰富解读形式，加强答复文书审核。",
           "对照上级要求，基层政务公开标准化建设推进不够均衡，信息更新有时不够及时。明年将完善标准目录并建立更新提醒机制。",
           "主要问题是公开内容的深度不够，部分栏目更新滞后，工作人员业务能力有待提高。针对上年问题，已完成栏目梳理，下一步将加强培训。",
           "去年指出的答复文书不规范问题已通过统一文书模板整改；当前不足在于政策解读互动性不强，今后将增加在线访谈和图解。"],
}


def _pick(pool: str, year: int, k: int = 0) -> str:
    items = POOLS[pool]
    return items[(year + k) % len(items)]


def narrative(agency: str, year: int, cells: dict[str, float | int], *, copy_of: int | None = None,
              handled_said: int | None = None) -> dict[str, str]:
    """Sections 一, 五 and 六 from the pools; ``copy_of`` reuses another year's wording (a seeded copy)."""
    y = copy_of or year
    nums = {"n1": int(cells["t3.new.total"]) * 7 + 120, "n2": year % 9 + 3, "n3": year % 5 + 2, "n4": year % 4 + 1,
            "new": cells["t3.new.total"], "done": handled_said if handled_said is not None else cells["t3.total.total"],
            "out": cells["t3.carried_out.total"]}
    one = [f"{year}年，{agency}围绕主动公开、依申请公开、政府信息管理、平台建设和监督保障推进政务公开工作。"]
    for k, topic in enumerate(("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")):
        one.append(_pick(topic, y, k).format(**nums))
    return {"一": "\n".join(one), "五": _pick("问题", y), "六": "本年度未收取信息处理费。"}


def report_text(agency: str, year: int, cells: dict[str, float | int], form: str,
                sections: dict[str, str] | None = None, raw: dict[str, str] | None = None) -> str:
    """The report as a text dump: ``pipe`` (| cells) or ``glued`` (表三 digit runs without separators).

    ``raw`` overrides the printed text of single cells (a seeded blank or placeholder).
    """
    fmt = get_format("gov2021")
    t3 = fmt.table("t3")
    sections = sections or narrative(agency, year, cells)
    raw = raw or {}

    def show(cid: str) -> str:
        return raw[cid] if cid in raw else _fmt(cells[cid])

    lines = [f"{agency}{year}年政府信息公开工作年度报告", "",
             f"本报告依据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至{year}年12月31日。", "",
             "一、总体情况", sections["一"], "", "二、主动公开政府信息情况"]
    sep = " | "
    for r in fmt.table("t2").rows:
        vals = [show(r.cell_id("t2", c)) for c in r.columns]
        lines.append(f"| {r.label} | " + sep.join(vals) + " |" if form == "pipe" else f"{r.label} " + " ".join(vals))
    lines += ["", "三、收到和处理政府信息公开申请情况", t3.note or ""]
    for r in t3.rows:
        vals = [show(r.cell_id("t3", c)) for c in r.columns]
        label = f"{r.group or ''}{r.label}" if r.group and r.label[0].isdigit() else r.label
        lines.append(f"| {label} | " + sep.join(vals) + " |" if form == "pipe" else label + "".join(vals))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况",
              "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计"]
    vals = [show(cid) for cid in fmt.table("t4").cell_ids()]
    lines.append("| " + sep.join(vals) + " |" if form == "pipe" else " ".join(vals))
    lines += ["", "五、存在的主要问题及改进情况", sections["五"], "", "六、其他需要报告的事项", sections["六"], ""]
    return "\n".join(lines)


# Deliberate, realistic errors in the demo data; each is listed in errors.json beside the reports
# with the findings the checks must produce for it.
SEEDED: list[dict[str, Any]] = [
    {"agency": f"{COUNTY}财政局", "year": 2024, "rules": ["O1"],
     "what": "结转下年度的自然人申请多填了1件，表三收支不平衡"},
    {"agency": f"{COUNTY}教育局", "year": 2023, "rules": ["S2", "wrong_column"],
     "what": "一件自然人申请的“予以公开”结果填进了商业企业列"},
    {"agency": f"{COUNTY}自然资源局", "year": 2024, "rules": ["X1"],
     "what": "本年“上年结转”与上年报告“结转下年度”不一致（多2件）"},
    {"agency": f"{COUNTY}人民政府办公室", "year": 2023, "rules": ["S4"],
     "what": "表四行政复议总计多填了1件"},
    {"agency": f"{COUNTY}人民政府办公室", "year": 2024, "rules": ["fee"],
     "what": "表三有1件“逾期未按收费通知缴费”，第六部分却称未发出收费通知"},
    {"agency": f"{COUNTY}教育局", "year": 2024, "rules": ["text_table"],
     "what": "正文所写办结件数比表三（七）总计多3件"},
    {"agency": f"{COUNTY}财政局", "year": 2023, "rules": ["placeholder"],
     "what": "表二规章“本年废止件数”印作“/”"},
    {"agency": f"{COUNTY}人民政府办公室", "year": 2024, "rules": ["blank"],
     "what": "表二行政强制决定数量空白"},
    {"agency": f"{COUNTY}教育局", "year": 2024, "rules": ["S1", "S2"],
     "what": "“5.属于三类内部事务信息”一行总计栏多填1件"},
    {"agency": f"{COUNTY}财政局", "year": 2024, "rules": ["copied"],
     "what": "第一、五部分照抄上年报告"},
]


def _seed(agency: str, year: int, cells: dict[str, Any]) -> tuple[dict[str, str] | None, dict[str, str], dict]:
    """Apply the seeded errors of one report; returns (sections or None, raw overrides, narrative options)."""
    raw: dict[str, str] = {}
    opts: dict[str, Any] = {}
    six = None
    for e in SEEDED:
        if (e["agency"], e["year"]) != (agency, year):
            continue
        rules = e["rules"]
        if rules == ["O1"]:
            cells["t3.carried_out.natural"] += 1
            cells["t3.carried_out.total"] += 1
        elif rules == ["S2", "wrong_column"]:
            if cells["t3.granted.natural"] < 1:
                cells["t3.granted.natural"] = cells["t3.granted.total"] = 1  # keep the row itself balanced
                cells["t3.total.natural"] += 1
                cells["t3.total.total"] += 1
                cells["t3.new.natural"] += 1
                cells["t3.new.total"] += 1
            cells["t3.granted.natural"] -= 1
            cells["t3.granted.commercial"] += 1
        elif rules == ["S4"]:
            cells["t4.review.total"] += 1
        elif rules == ["fee"]:
            src = next(k for k in ("granted", "partial", "unable.not_held") if cells[f"t3.{k}.natural"] > 0)
            for c in ("natural", "total"):
                cells[f"t3.{src}.{c}"] -= 1
                cells[f"t3.other.unpaid.{c}"] += 1
            six = "本年度未发出收费通知，未收取信息处理费。"
        elif rules == ["text_table"]:
            opts["handled_said"] = int(cells["t3.total.total"]) + 3
        elif rules == ["placeholder"]:
            raw["t2.rules.repealed"] = "/"
        elif rules == ["blank"]:
            raw["t2.coercion.decisions"] = ""
        elif rules == ["S1", "S2"]:
            cells["t3.deny.internal.total"] += 1
        elif rules == ["copied"]:
            opts["copy_of"] = year - 1
    return ({"六": six} if six else None), raw, opts


def write_demo(folder: str | Path, seed: int = 2024) -> list[Path]:
    """Write the demo reports into ``folder`` with ``errors.json`` beside them; returns the reports."""
    rng = random.Random(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i, (agency, scale, form) in enumerate(AGENCIES, start=1):
        carried: dict[str, int] = {"natural": rng.randint(0, 3)}
        in_force: int | None = None
        for year in YEARS:
            seeded_x1 = any(e["rules"] == ["X1"] and (e["agency"], e["year"]) == (agency, year) for e in SEEDED)
            if seeded_x1:
                carried = {**carried, "natural": carried.get("natural", 0) + 2}
            cells = numbers(rng, scale, carried, in_force)
            carried = {c: int(cells[f"t3.carried_out.{c}"]) for c in COLUMNS}
            in_force = int(cells["t2.normative.in_force"])
            override, raw, opts = _seed(agency, year, cells)
            sections = narrative(agency, year, cells, **opts)
            sections.update(override or {})
            p = out / f"demo-{i:02d}-{year}.txt"
            p.write_text(report_text(agency, year, cells, form, sections, raw), encoding="utf-8")
            paths.append(p)
    (out / "errors.json").write_text(json.dumps(SEEDED, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths
