"""Sentences generated from a report's data, in plain Chinese, each with the numbers it quotes.

Every sentence keeps its ``facts`` (name -> number) so a test can recompute each number from the
tables; nothing is written that the data does not say. Shares use （七）总计 as denominator
(format.md §4); year-on-year changes of 表二 are only given within one format version.
"""
from __future__ import annotations

import html
import statistics
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Finding, Report
from ..schema import get_format, total
from ..schema import number_text as n


@dataclass
class Sentence:
    text: str
    facts: dict[str, float] = field(default_factory=dict)


def pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def cell(r: Report, cid: str) -> float | None:
    v = r.cells.get(cid)
    return None if v is None else float(v)


def outcome(r: Report, outcome_id: str) -> float | None:
    """One kind of 表三 result (``deny``: 不予公开 ...): the sum of its rows' 总计 cells, None if one is blank."""
    t3 = get_format(r.format).table("t3")
    total = 0.0
    for row in t3.outcome(outcome_id).rows:
        v = r.cells.get(row.cell_id(t3.id, t3.total))
        if v is None:
            return None
        total += float(v)
    return total


def outcome_shares(r: Report) -> list[tuple[str, float | None]]:
    """(printed name, count) of every kind of result, in the table's order."""
    return [(o.label, outcome(r, o.id)) for o in get_format(r.format).table("t3").outcomes]


def disclosure_rate(r: Report) -> float | None:
    disclosed, t = total([cell(r, "t3.granted.total"), cell(r, "t3.partial.total")]), cell(r, "t3.total.total")
    if disclosed is None or not t:
        return None
    return disclosed / t


def correction_rate(r: Report) -> float | None:
    """Share of decided 复议/诉讼 cases (维持+纠正+其他) in which the agency was corrected."""
    groups = ("review", "suit_direct", "suit_after_review")
    corrected = [cell(r, f"t4.{g}.corrected") for g in groups]
    decided = sum(sum(filter(None, (cell(r, f"t4.{g}.{c}") for c in ("upheld", "corrected", "other")))) for g in groups)
    wrong = total(corrected)
    if wrong is None or not decided:
        return None
    return wrong / decided


def _change(now: float, before: float, unit: str = "件") -> str:
    d = now - before
    if d == 0:
        return f"与上年持平（{n(before)}{unit}）"
    word = "增加" if d > 0 else "减少"
    rel = f"，{word}{pct(abs(d) / before)}" if before else ""
    return f"较上年的{n(before)}{unit}{word}{n(abs(d))}{unit}{rel}"


def sentences(report: Report, previous: Report | None = None, peers: Iterable[Report] = (),
              findings: Iterable[Finding] = ()) -> list[Sentence]:
    """The generated narrative for one report (with last year's report and same-year peers)."""
    out: list[Sentence] = []
    r = report
    new, cin, total, cout = (cell(r, f"t3.{x}.total") for x in ("new", "carried_in", "total", "carried_out"))
    if new is not None and cin is not None:
        s = Sentence(f"本年新收政府信息公开申请{n(new)}件，上年结转{n(cin)}件，合计{n(new + cin)}件",
                     {"new": new, "carried_in": cin, "demand": new + cin})
        prev_new = cell(previous, "t3.new.total") if previous else None
        if prev_new is not None:
            s.text += "；新收申请" + _change(new, prev_new)
            s.facts.update({"prev_new": prev_new, "new_change": abs(new - prev_new)})
            if prev_new and new != prev_new:
                s.facts["new_change_pct"] = round(abs(new - prev_new) / prev_new * 100, 1)
        out.append(Sentence(s.text + "。", s.facts))
    if total is not None:
        if total == 0:
            out.append(Sentence("本年度没有办结的政府信息公开申请。", {"total": 0}))
        else:
            parts, facts = [], {"total": total}
            for name, v in outcome_shares(r):
                if v:
                    parts.append(f"{name}{n(v)}件（占{pct(v / total)}）")
                    facts[name] = v
                    facts[f"{name}_pct"] = round(v / total * 100, 1)
            text = f"办结{n(total)}件，其中" + "、".join(parts)
            if cout is not None:
                text += f"；结转下年度继续办理{n(cout)}件"
                facts["carried_out"] = cout
            out.append(Sentence(text + "。", facts))
    rate = disclosure_rate(r)
    if rate is not None:
        out.append(Sentence(f"公开率（予以公开与部分公开之和占办结总数的比例）为{pct(rate)}。",
                            {"rate_pct": round(rate * 100, 1)}))
    out += _peer_sentences(r, list(peers))
    out += _decisions(r, previous)
    out += _cases(r)
    out += _findings(list(findings))
    return out


def _peer_sentences(r: Report, peers: list[Report]) -> list[Sentence]:
    others = [p for p in peers if p.agency != r.agency and p.year == r.year]
    mine = cell(r, "t3.new.total")
    vals = [v for v in (cell(p, "t3.new.total") for p in others) if v is not None]
    if not others or mine is None or not vals:
        return []
    everyone = vals + [mine]
    rank = 1 + sum(1 for v in vals if v > mine)
    med = statistics.median(everyone)
    facts = {"peers": len(others) + 1, "rank": rank, "median": med}
    text = f"在同地区同级的{len(others) + 1}个机关中，本年新收申请量排第{rank}位（中位数{n(med)}件）"
    rate = disclosure_rate(r)
    rates = [x for x in (disclosure_rate(p) for p in others) if x is not None]
    if rate is not None and rates:
        rmed = statistics.median(rates + [rate])
        text += f"，公开率{'高于' if rate > rmed else '低于' if rate < rmed else '等于'}同级中位数{pct(rmed)}"
        facts["rate_median_pct"] = round(rmed * 100, 1)
    return [Sentence(text + "。", facts)]


def _decisions(r: Report, previous: Report | None) -> list[Sentence]:
    names = (("行政许可", "license"), ("行政处罚", "penalty"), ("行政强制", "coercion"))
    vals = [cell(r, f"t2.{row}.decisions") for _, row in names]
    facts: dict[str, float] = {}
    for (name, _), v in zip(names, vals):
        if v is None:
            return []
        facts[name] = v
    text = "主动公开的行政决定：" + "、".join(f"{k}{n(v)}件" for k, v in facts.items())
    if previous and previous.format == r.format:  # 表二 columns differ between gov2019 and gov2021
        now, before = facts["行政处罚"], cell(previous, "t2.penalty.decisions")
        if before is not None:
            text += "；行政处罚决定" + _change(now, before)
            facts.update({"prev_penalty": before, "penalty_change": abs(now - before)})
            if before and now != before:
                facts["penalty_change_pct"] = round(abs(now - before) / before * 100, 1)
    return [Sentence(text + "。", facts)]


def _cases(r: Report) -> list[Sentence]:
    review, rc = cell(r, "t4.review.total"), cell(r, "t4.review.corrected")
    s_total = total(cell(r, f"t4.{g}.total") for g in ("suit_direct", "suit_after_review"))
    s_corr = total(cell(r, f"t4.{g}.corrected") for g in ("suit_direct", "suit_after_review"))
    if review is None or rc is None or s_total is None or s_corr is None:
        return []
    if not review and not s_total:
        return [Sentence("本年度没有因政府信息公开引起的行政复议和行政诉讼。", {})]
    facts = {"review": review, "review_corrected": rc, "suits": s_total, "suits_corrected": s_corr}
    text = f"因政府信息公开引起行政复议{n(review)}件（其中结果纠正{n(rc)}件）、行政诉讼{n(s_total)}件（其中结果纠正{n(s_corr)}件）"
    rate = correction_rate(r)
    if rate is not None:
        text += f"，已审结案件的纠错率为{pct(rate)}"
        facts["correction_pct"] = round(rate * 100, 1)
    return [Sentence(text + "。", facts)]


def _findings(findings: list[Finding]) -> list[Sentence]:
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if not errors and not warnings:
        return [Sentence("核查未发现表格勾稽错误或其他需要提示的问题。", {})]
    text = f"核查发现{len(errors)}个错误、{len(warnings)}个警告"
    if errors:
        text += "，最需要核对的是：" + errors[0].message
    return [Sentence(text if text.endswith("。") else text + "。", {"errors": len(errors), "warnings": len(warnings)})]


def narrative_html(items: list[Sentence]) -> str:
    return "".join(f"<p>{html.escape(s.text)}</p>" for s in items)
