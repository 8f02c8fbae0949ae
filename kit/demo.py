"""A fictional county's reports, written by the kit itself (deterministic from a seed).

Every name and number here is invented. The reports come out in the plain-text forms real pages
are saved in: ``|``-separated rows, and glued digit runs.
"""
from __future__ import annotations

import random
from pathlib import Path

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


def numbers(rng: random.Random, scale: int, carried_in: dict[str, int]) -> dict[str, float | int]:
    """One year's cells for gov2021, satisfying S1, S2, O1."""
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
    issued = rng.randint(0, 6)
    cells.update({"t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
                  "t2.normative.issued": issued, "t2.normative.repealed": rng.randint(0, 2),
                  "t2.normative.in_force": rng.randint(10, 40) + issued,
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


def report_text(agency: str, year: int, cells: dict[str, float | int], form: str) -> str:
    fmt = get_format("gov2021")
    t3 = fmt.table("t3")
    received = cells["t3.new.total"]
    handled = cells["t3.total.total"]
    lines = [f"{agency}{year}年政府信息公开工作年度报告", "",
             f"本报告依据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至{year}年12月31日。", "",
             "一、总体情况",
             f"{year}年，{agency}围绕主动公开、依申请公开、政府信息管理、平台建设和监督保障五个方面推进政务公开工作。",
             f"（一）主动公开。通过门户网站主动公开政府信息{int(received) * 7 + 120}条，发布政策解读{int(year) % 9 + 3}篇。",
             f"（二）依申请公开。全年新收政府信息公开申请{received}件，办结{handled}件，结转下年度{cells['t3.carried_out.total']}件。",
             "（三）政府信息管理。落实公开属性源头认定和保密审查，动态更新政府信息公开指南。",
             "（四）政府信息公开平台建设。优化门户网站栏目设置，加强政务新媒体管理。",
             "（五）监督保障。将政务公开纳入年度绩效考核，组织业务培训2次。", "",
             "二、主动公开政府信息情况"]
    sep = " | "
    for r in fmt.table("t2").rows:
        vals = [_fmt(cells[r.cell_id("t2", c)]) for c in r.columns]
        lines.append(f"| {r.label} | " + sep.join(vals) + " |" if form == "pipe" else f"{r.label} " + " ".join(vals))
    lines += ["", "三、收到和处理政府信息公开申请情况", t3.note or ""]
    for r in t3.rows:
        vals = [_fmt(cells[r.cell_id("t3", c)]) for c in r.columns]
        label = f"{r.group or ''}{r.label}" if r.group and r.label[0].isdigit() else r.label
        lines.append(f"| {label} | " + sep.join(vals) + " |" if form == "pipe" else label + "".join(vals))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况",
              "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计"]
    vals = [_fmt(cells[cid]) for cid in fmt.table("t4").cell_ids()]
    lines.append("| " + sep.join(vals) + " |" if form == "pipe" else " ".join(vals))
    lines += ["", "五、存在的主要问题及改进情况",
              f"{year}年工作仍存在政策解读形式较单一、依申请公开答复规范性有待提升等问题。下一步将丰富解读形式，加强答复文书审核。",
              "", "六、其他需要报告的事项",
              "本年度未收取信息处理费。" if not cells["t3.other.unpaid.total"] else "本年度发出收费通知，申请人逾期未缴纳。",
              ""]
    return "\n".join(lines)


def write_demo(folder: str | Path, seed: int = 2024) -> list[Path]:
    """Write the demo reports into ``folder``; returns their paths."""
    rng = random.Random(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i, (agency, scale, form) in enumerate(AGENCIES, start=1):
        carried: dict[str, int] = {"natural": rng.randint(0, 3)}
        for year in YEARS:
            cells = numbers(rng, scale, carried)
            carried = {c: int(cells[f"t3.carried_out.{c}"]) for c in COLUMNS}
            p = out / f"demo-{i:02d}-{year}.txt"
            p.write_text(report_text(agency, year, cells, form), encoding="utf-8")
            paths.append(p)
    return paths
