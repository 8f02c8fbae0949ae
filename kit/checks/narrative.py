"""Rules on the narrative: text versus table, the part-六 fee, required parts and topics, copying."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from ..model import Finding, Report
from ..schema import get_format, total
from . import Context, rule
from .values import fmt, unknown_cells, value

_NUM = r"(\d[\d,]*)\s*(?:件|个|宗|起)"
_STOP = r"[^。；;，,、：:\d（）()]{0,12}?"


def _v(r: Report, cid: str) -> float | None:
    v = value(r, cid, unknown_cells(r))
    if cid.endswith(".total") and cid.startswith("t3.") and r.cells.get(cid) is None and v == 0:
        # a blank 总计 cell: the row's applicant columns (its S1 identity) say what the row holds
        row = cid.split(".", 1)[1][: -len(".total")]
        return total(value(r, c, unknown_cells(r)) for c in get_format(r.format).identity("S1", row).left)
    return v


def _sum(r: Report, *ids: str) -> float | None:
    return total(_v(r, i) for i in ids)


def _claims(text: str) -> Iterator[tuple[str, str, float]]:
    """(kind, the phrase, number) for counts the prose states about applications and cases."""
    pats = [
        ("received", r"(?:受理|收到|新收|接收|共收)" + _STOP + _NUM),
        ("handled", r"(?:办结|答复|办理完毕|已办理|处理完毕)" + _STOP + _NUM),
        ("carried_out", r"结转(?:至|到)?下(?:一)?年(?:度)?" + _STOP + _NUM),
        ("carried_in", r"上(?:一)?年(?:度)?结转" + _STOP + _NUM),
        ("both_cases", r"复议(?:和|及|、)?(?:行政)?诉讼(?:案件)?" + _STOP + _NUM),
        ("review", r"行政复议(?!和|及|、)(?:案件)?" + _STOP + _NUM),
        ("suit", r"(?<!复议)(?<!、)行政诉讼(?:案件)?" + _STOP + _NUM),
    ]
    for kind, pat in pats:
        for m in re.finditer(pat, text):
            # applications only: the sentence must be about 申请 (not 诉求, 来电, 信件 ...)
            context = text[max(0, m.start() - 30):m.end()]
            if kind in ("received", "handled", "carried_out", "carried_in") and "申请" not in context:
                continue
            if re.search(r"诉求|来电|来信|信件|咨询|建议|提案", m.group(0)):
                continue
            yield kind, m.group(0), float(m.group(1).replace(",", ""))


def _readings(r: Report, kind: str) -> list[float]:
    """Every accepted reading of a stated count (format.md §4: 受理 may include 上年结转, ...)."""
    cand = {
        "received": [_v(r, "t3.new.total"), _sum(r, "t3.new.total", "t3.carried_in.total")],
        "handled": [_v(r, "t3.total.total"), _sum(r, "t3.new.total", "t3.carried_in.total")],
        "carried_out": [_v(r, "t3.carried_out.total")],
        "carried_in": [_v(r, "t3.carried_in.total")],
        "both_cases": [_sum(r, "t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total")],
        "review": [_v(r, "t4.review.total")],
        "suit": [_sum(r, "t4.suit_direct.total", "t4.suit_after_review.total"), _v(r, "t4.suit_direct.total"),
                 _v(r, "t4.suit_after_review.total")],
    }[kind]
    return [c for c in cand if c is not None]


CELLS = {"received": ["t3.new.total", "t3.carried_in.total"], "handled": ["t3.total.total"],
         "carried_out": ["t3.carried_out.total"], "carried_in": ["t3.carried_in.total"],
         "both_cases": ["t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total"],
         "review": ["t4.review.total"], "suit": ["t4.suit_direct.total", "t4.suit_after_review.total"]}
NAMES = {"received": "收到/受理申请", "handled": "办结/答复申请", "carried_out": "结转下年度", "carried_in": "上年结转",
         "both_cases": "复议、诉讼案件", "review": "行政复议案件", "suit": "行政诉讼案件"}


@rule("text_table", "warning", "正文所述数字与表格不一致")
def text_table(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    text = "\n".join(r.sections.get(k, "") for k in ("一", "三"))
    seen: set[tuple[str, float]] = set()
    for kind, phrase, n in _claims(text):
        readings = _readings(r, kind)
        if not readings or n in readings or (kind, n) in seen:
            continue
        seen.add((kind, n))
        shown = " 或 ".join(fmt(x) for x in dict.fromkeys(readings))
        yield Finding("text_table", "warning",
                      f"正文写“{phrase}”（{NAMES[kind]} {fmt(n)}），表格对应数字为 {shown}。",
                      cells=CELLS[kind], expected=readings[0], actual=n)
    yield from _percentages(r, text)


def _percentages(r: Report, text: str) -> Iterator[Finding]:
    total = _v(r, "t3.total.total")
    if not total:
        return
    parts = {"予以公开": ["t3.granted.total"], "部分公开": ["t3.partial.total"], "不予公开": [], "无法提供": [],
             "不予处理": []}
    for key in ("不予公开", "无法提供", "不予处理"):
        prefix = {"不予公开": "deny", "无法提供": "unable", "不予处理": "reject"}[key]
        parts[key] = [c for c in r.cells if c.startswith(f"t3.{prefix}.") and c.endswith(".total")]
    for m in re.finditer(r"(予以公开|部分公开|不予公开|无法提供|不予处理|公开率)[^。；;%％]{0,16}?(\d+(?:\.\d+)?)\s*[%％]", text):
        key, pct = m.group(1), float(m.group(2))
        if "申请" not in text[max(0, m.start() - 150):m.end()]:
            continue  # a share of something else (预决算公开率 ...)
        options: list[float] = []
        if key == "公开率":
            g = _sum(r, "t3.granted.total", "t3.partial.total")
            options = [g] if g is not None else []
        else:
            s = _sum(r, *parts[key])
            g = _sum(r, "t3.granted.total", "t3.partial.total")
            options = [x for x in (s, g if key in ("予以公开", "部分公开") else None) if x is not None]
        shares = [100 * x / total for x in options]
        if shares and not any(abs(pct - s) <= 0.6 for s in shares):
            yield Finding("text_table", "warning",
                          f"正文写“{m.group(0)}”，按表三（七）总计 {fmt(total)} 计算应为 "
                          f"{' 或 '.join(f'{s:.1f}%' for s in shares)}。", cells=(parts.get(key) or ["t3.granted.total", "t3.partial.total"]) + ["t3.total.total"],
                          expected=round(shares[0], 1), actual=pct)


_NO_NOTICE = re.compile(r"(未|没有|无)[^。；;]{0,8}(发出|下发|出具|产生)?[^。；;]{0,4}收费通知|收费通知[^。；;]{0,6}(0|零)\s*(份|件|次)")
# the ways reports say whether a fee was charged: "未产生信息公开处理费", "不收取任何费用",
# "收取信息处理费3940元", "收费金额为0", "无收取信息处理费情况", "免费提供"
_FEE_STATED = re.compile(r"处理费|收费|收取[^。；;]{0,12}费|费用|缴费|免费|计费")


@rule("fee", "warning", "第六部分信息处理费与表三“逾期未缴费”行", versions=("gov2021",))
def fee(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    six = r.sections.get("六", "")
    unpaid = _v(r, "t3.other.unpaid.total")
    # part 六 is the place, in any of its wordings; a report saying "处理费" in another part (part 三, a
    # renamed part) has stated it too (the tables' own labels speak of 收费 and 费用, never of 处理费)
    if not _FEE_STATED.search(six) and not any("处理费" in text for text in r.sections.values()):
        yield Finding("fee", "info", "报告没有说明信息处理费的收取情况（国办函〔2020〕109号要求在第六部分说明）。", cells=[])
    said = _NO_NOTICE.search(six)
    if unpaid and said:
        yield Finding("fee", "warning",
                      f"表三“（六）2.申请人逾期未按收费通知要求缴纳费用”为 {fmt(unpaid)} 件，但第六部分称未发出收费通知："
                      f"“{said.group(0)}”。", cells=["t3.other.unpaid.total"], actual=unpaid)


@rule("sections", "warning", "六个部分齐全，第五部分有内容，第一部分涵盖五个方面")
def sections(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    names = {"一": "总体情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项"}
    for key, name in names.items():
        if not r.sections.get(key, "").strip():
            yield Finding("sections", "warning", f"缺少第{key}部分“{name}”或该部分没有内容。", cells=[], about=key)
    five = re.sub(r"[\s。.]", "", r.sections.get("五", ""))
    if five in ("无", "暂无", "没有"):
        yield Finding("sections", "warning", "第五部分“存在的主要问题及改进情况”只写了“无”，应说明问题和改进措施。", cells=[],
                      about="五")
    one = r.sections.get("一", "")
    covers = get_format(r.format).section("一").covers  # the five aspects the 2021 notice requires
    if one.strip() and covers:
        missing = [t for t, pat in covers if not re.search(pat, one)]
        if missing:
            yield Finding("sections", "warning", f"第一部分“总体情况”没有写到：{'、'.join(missing)}。", cells=[],
                          about="一.topics")


_BOILER = re.compile(r"中华人民共和国政府信息公开条例|政府信息公开工作年度报告|国办公开办函〔\d+〕\d+号|"
                     r"本报告|统计期限|[\d０-９]+|[年月日件条个次篇%％]|\s|[，。、；：:“”‘’（）()《》,.;!?！？\-—]")


@lru_cache(maxsize=64)
def _gram_set(text: str, agency: str | None, n: int = 5) -> frozenset[str]:
    """A part's 5-character runs, boilerplate and the agency's name removed; kept for a while: a store is
    checked agency by agency, year after year, so a part's runs are asked for again as last year's."""
    t = text.replace(agency or "\0", "")
    t = _BOILER.sub("", t)
    return frozenset({t[i:i + n] for i in range(len(t) - n + 1)})


def similarity(now: str, before: str, agency: str | None = None) -> float:
    """Share of this year's wording (5-character runs, boilerplate removed) found in last year's."""
    a, b = _gram_set(now, agency), _gram_set(before, agency)
    return len(a & b) / len(a) if a else 0.0


@rule("copied", "warning", "正文与上年报告雷同（去除套话后相似度超过50%）")
def copied(ctx: Context) -> Iterator[Finding]:
    p = ctx.previous
    r = ctx.report
    if p is None or p.key != r.key or p.year is None or r.year is None or p.year != r.year - 1:
        return
    for key in ("一", "二", "三", "四", "五", "六"):
        now, before = r.sections.get(key, ""), p.sections.get(key, "")
        if len(_gram_set(now, r.agency)) < 20 or not before:
            continue
        s = similarity(now, before, r.agency)
        if s > 0.5:
            yield Finding("copied", "warning",
                          f"第{key}部分与{p.year}年报告相似度为 {s:.0%}（已去除数字和套话），超过50%，可能照抄上年内容。",
                          cells=[], expected=0.5, actual=round(s, 3), about=key)
