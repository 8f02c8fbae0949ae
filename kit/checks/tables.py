"""Identities and values inside one report's tables: O1, S1, S2, S4, S5, the wrong column, blanks.

The identities themselves are the schema's (:mod:`kit.schema.identities`); the rules only say, in
words a reviewer can act on, which ones a report breaks and by how much.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..model import Finding, Report
from ..schema import Identity, balanced, cells_in_words, get_format
from . import Context, rule
from .values import fmt, getter, unknown_cells

PLACEHOLDER_RE = re.compile(r"^\s*[/／—–\-－]+\s*$|^\s*无\s*$")


def broken(report: Report, rule_id: str) -> Iterator[tuple[Identity, list[float], list[float], list[str]]]:
    """The identities of one rule that a report breaks, with both sides' values and the identity's
    cells the reader could not read (the cells of its ``extract.*`` findings). An identity touching
    such a cell is taken with the cell as stored (blank: 0) and yielded only when it then fails: its
    rule reports it inconclusive (:func:`identity_finding`), never as an error."""
    unknown = unknown_cells(report)
    get = getter(report)

    def as_stored(cid: str) -> float:
        return report.cells.get(cid) or 0

    for identity in get_format(report.format).identities(rule_id):
        unread = [c for c in identity.cells if c in unknown]
        vals = identity.values(as_stored if unread else get)
        if vals is not None and not balanced(*vals):
            yield identity, vals[0], vals[1], unread


def identity_finding(rule_id: str, message: str, cells: list[str], expected: object, actual: object,
                     unread: list[str], where: str = "") -> Finding:
    """An identity rule's finding: an error, or with ``unread`` cells an info marked inconclusive that
    names them (a cell printed blank counts as 0; a cell the reader could not read does not). ``where``:
    the row or column, as :func:`inconclusive` lists it."""
    if not unread:
        return Finding(rule_id, "error", message, cells=cells, expected=expected, actual=actual)
    return Finding(rule_id, "info", message, cells=cells, expected=expected, actual=actual, about=where,
                   inconclusive=True)


def inconclusive(rule_id: str, found: Iterable[Finding], unknown: set[str], version: str) -> Iterator[Finding]:
    """The errors as they are, and the inconclusive ones of a rule as one info finding: the reader's
    own finding already says which cells it could not read, one line here says what cannot be checked."""
    doubtful = []
    for f in found:
        if f.inconclusive:
            doubtful.append(f)
        else:
            yield f
    if not doubtful:
        return
    cells = sorted({c for f in doubtful for c in f.cells})
    unread = [c for c in cells if c in unknown]
    shown = cells_in_words(get_format(version), unread)
    yield Finding(rule_id, "info",
                  f"无法核对（结论不确定）：{'、'.join(dict.fromkeys(f.about for f in doubtful))}按读到的值不相等，"
                  f"但其中{shown}未能从原件读出，不能据此判断报告有误，请核对原件。",
                  cells=cells, about="inconclusive", inconclusive=True)


def column_name(report: Report, identity: Identity) -> str:
    return get_format(report.format).table(identity.table).column(identity.key).label


def _o1(report: Report) -> dict[str, tuple[float, Finding]]:
    out: dict[str, tuple[float, Finding]] = {}
    for identity, (a, b), (t, o), unread in broken(report, "O1"):
        out[identity.key] = (a + b - t - o, identity_finding(
            "O1",
            f"表三“{column_name(report, identity)}”列：一、本年新收 {fmt(a)} + 二、上年结转 {fmt(b)} = {fmt(a + b)}，"
            f"不等于（七）总计 {fmt(t)} + 四、结转下年度 {fmt(o)} = {fmt(t + o)}（差 {fmt(a + b - t - o)}）。",
            list(identity.cells), t + o, a + b, unread, f"“{column_name(report, identity)}”列"))
    return out


@rule("O1", "error", "表三收支平衡：新收+上年结转=总计+结转下年")
def o1(ctx: Context) -> Iterator[Finding]:
    yield from inconclusive("O1", (f for _, f in _o1(ctx.report).values()), unknown_cells(ctx.report), ctx.report.format)


@rule("S1", "error", "表三各行：六类申请人之和等于总计")
def s1(ctx: Context) -> Iterator[Finding]:
    t3 = get_format(ctx.report.format).table("t3")
    yield from inconclusive("S1", (identity_finding(
        "S1", f"表三“{t3.row(identity.key).label}”一行：六类申请人合计 {'+'.join(fmt(v) for v in parts)} = "
              f"{fmt(sum(parts))}，但总计栏为 {fmt(total)}。",
        list(identity.cells), sum(parts), total, unread, f"“{t3_label(t3.row(identity.key).label)}”一行")
        for identity, parts, (total,), unread in broken(ctx.report, "S1")), unknown_cells(ctx.report), ctx.report.format)


def _s2(report: Report) -> dict[str, tuple[float, Finding]]:
    out: dict[str, tuple[float, Finding]] = {}
    fmt_ = get_format(report.format)
    for identity, leaves, (total,), unread in broken(report, "S2"):
        s = sum(leaves)
        nonzero = [f"{t3_label(fmt_.cell(cid)[1].label)} {fmt(v)}" for cid, v in zip(identity.left, leaves) if v]
        out[identity.key] = (s - total, identity_finding(
            "S2",
            f"表三“{column_name(report, identity)}”列：各项办理结果之和为 {fmt(s)}（{'，'.join(nonzero) or '全为0'}），"
            f"但（七）总计为 {fmt(total)}（差 {fmt(s - total)}）。",
            list(identity.cells), s, total, unread, f"“{column_name(report, identity)}”列"))
    return out


def t3_label(label: str) -> str:
    return label.split("（区分")[0]


@rule("S2", "error", "表三各列：各项办理结果之和等于（七）总计")
def s2(ctx: Context) -> Iterator[Finding]:
    yield from inconclusive("S2", (f for _, f in _s2(ctx.report).values()), unknown_cells(ctx.report), ctx.report.format)


@rule("S4", "error", "表四各组：维持+纠正+其他+尚未审结=总计")
def s4(ctx: Context) -> Iterator[Finding]:
    t4 = get_format(ctx.report.format).table("t4")

    def each() -> Iterator[Finding]:
        for identity, parts, (total,), unread in broken(ctx.report, "S4"):
            row = t4.row(identity.key)
            name = f"{row.group}（{row.label}）" if row.group else row.label
            printed = " + ".join(f"{c.label} {fmt(v)}" for c, v in zip(t4.parts, parts))
            yield identity_finding("S4", f"表四“{name}”：{printed} = {fmt(sum(parts))}，但总计为 {fmt(total)}。",
                                   list(identity.cells), sum(parts), total, unread, f"表四“{name}”")

    yield from inconclusive("S4", each(), unknown_cells(ctx.report), ctx.report.format)


@rule("S5", "error", "数值：件数为非负整数，金额为非负数")
def s5(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    fmt_ = get_format(r.format)
    for cid, v in r.cells.items():
        if v is None:
            continue
        _, row, col = fmt_.cell(cid)
        if col.kind == "amount":
            bad = v < 0
            what = "金额不能为负数"
        elif col.kind == "delta":
            bad = float(v) != int(v)
            what = "增减数应为整数"
        else:
            bad = v < 0 or float(v) != int(v)
            what = "件数应为非负整数"
        if bad:
            yield Finding("S5", "error", f"“{row.label}”的“{col.label}”为 {fmt(v)}：{what}。", cells=[cid], actual=v)


@rule("wrong_column", "warning", "表三：一件申请可能填错了申请人类别列")
def wrong_column(ctx: Context) -> Iterator[Finding]:
    # Two applicant columns off by opposite amounts while 总计 balances: one application counted
    # under the wrong applicant type (format.md §4).
    names = {c.id: c.label for c in get_format(ctx.report.format).table("t3").columns}
    for name, found in (("S2", _s2(ctx.report)), ("O1", _o1(ctx.report))):
        failed = {k: v for k, v in found.items() if not v[1].inconclusive}
        if "total" in failed:
            continue
        cols = [c for c in failed if c != "total"]
        if len(cols) == 2 and failed[cols[0]][0] == -failed[cols[1]][0] != 0:
            a, b = cols
            d = abs(failed[a][0])
            cells = sorted(set(failed[a][1].cells) | set(failed[b][1].cells))
            yield Finding("wrong_column", "warning",
                          f"表三“{names[a]}”列与“{names[b]}”列的{name}差额分别为 {fmt(failed[a][0])} 和 "
                          f"{fmt(failed[b][0])}，而总计列平衡：可能有 {fmt(d)} 件申请填在了错误的申请人类别列。",
                          cells=cells, expected=0, actual={a: failed[a][0], b: failed[b][0]})


def _present_tables(ctx: Context) -> set[str]:
    gone = {f.cells[0].split(".")[0] for f in ctx.report.findings if f.rule == "extract.table_missing" and f.cells}
    return {"t2", "t3", "t4"} - gone


@rule("blank", "warning", "应填数字的单元格为空")
def blank(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    unknown = unknown_cells(r)
    present = _present_tables(ctx)
    # cells a format.* finding already explains (the three 其他处理 rows of a table printed with one)
    explained = {c for f in r.findings if f.rule.startswith("format.") for c in f.cells}
    ids = [cid for cid, v in r.cells.items()
           if v is None and cid not in unknown | explained and cid.split(".")[0] in present
           and not r.raw.get(cid, "").strip()]
    if ids:
        yield Finding("blank", "warning",
                      f"{len(ids)} 个应填数字的单元格为空（没有数字时应填 0）：{'、'.join(ids[:8])}{' 等' if len(ids) > 8 else ''}。",
                      cells=ids)


@rule("placeholder", "warning", "单元格以“/”“—”“无”等符号代替数字")
def placeholder(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    ids = [cid for cid, v in r.cells.items() if v is None and PLACEHOLDER_RE.match(r.raw.get(cid, "") or "x")]
    if ids:
        shown = "、".join(f"{c}（{r.raw[c].strip()}）" for c in ids[:8])
        yield Finding("placeholder", "warning", f"{len(ids)} 个单元格用符号代替数字（应填 0）：{shown}。", cells=ids)


@rule("annotation", "info", "单元格在数字外另有说明文字")
def annotation(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for cid, v in r.cells.items():
        raw = (r.raw.get(cid) or "").strip()
        if v is not None and re.search(r"[（(].+[)）]", raw):
            yield Finding("annotation", "info", f"{cid} 印作“{raw}”，按 {fmt(v)} 计，说明文字保留。",
                          cells=[cid], actual=raw)
