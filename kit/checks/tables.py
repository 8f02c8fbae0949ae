"""Identities and values inside one report's tables: O1, S1, S2, S4, S5, the wrong column, blanks."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Finding
from ..schema import Row, get_format
from . import Context, rule
from .values import fmt, unknown_cells, value

APPLICANT = {"natural": "自然人", "commercial": "商业企业", "research": "科研机构", "social": "社会公益组织",
             "legal": "法律服务机构", "other_org": "其他", "total": "总计"}
PLACEHOLDER_RE = re.compile(r"^\s*[/／—–\-－]+\s*$|^\s*无\s*$")


def _t3(ctx: Context):  # type: ignore[no-untyped-def]
    t3 = get_format(ctx.report.format).table("t3")
    return t3, [c.id for c in t3.rows[0].columns], [r.id for r in t3.rows if r.role == "result"]


def _o1(ctx: Context) -> dict[str, tuple[float, Finding]]:
    r, unknown = ctx.report, unknown_cells(ctx.report)
    t3, cols, _ = _t3(ctx)
    out: dict[str, tuple[float, Finding]] = {}
    for c in cols:
        ids = [f"t3.{x}.{c}" for x in ("new", "carried_in", "total", "carried_out")]
        a, b, t, o = (value(r, i, unknown) for i in ids)
        if None in (a, b, t, o):
            continue
        if a + b != t + o:  # type: ignore[operator]
            out[c] = (a + b - t - o, Finding(  # type: ignore[operator]
                "O1", "error",
                f"表三“{APPLICANT[c]}”列：一、本年新收 {fmt(a)} + 二、上年结转 {fmt(b)} = {fmt(a + b)}，"  # type: ignore[operator]
                f"不等于（七）总计 {fmt(t)} + 四、结转下年度 {fmt(o)} = {fmt(t + o)}（差 {fmt(a + b - t - o)}）。",  # type: ignore[operator]
                cells=ids, expected=t + o, actual=a + b))  # type: ignore[operator]
    return out


@rule("O1", "error", "表三收支平衡：新收+上年结转=总计+结转下年")
def o1(ctx: Context) -> Iterator[Finding]:
    for _, f in _o1(ctx).values():
        yield f


def _unbalanced_rows(ctx: Context, table_id: str) -> Iterator[tuple[Row, list[str], list[float], float]]:
    """Rows of a table whose parts do not add up to their last cell (总计); unknown cells skip the row."""
    r, unknown = ctx.report, unknown_cells(ctx.report)
    for row in get_format(r.format).table(table_id).rows:
        ids = [row.cell_id(table_id, c) for c in row.columns]
        vals = [value(r, i, unknown) for i in ids]
        if None in vals:
            continue
        if sum(vals[:-1]) != vals[-1]:  # type: ignore[arg-type]
            yield row, ids, vals[:-1], vals[-1]  # type: ignore[misc]


@rule("S1", "error", "表三各行：六类申请人之和等于总计")
def s1(ctx: Context) -> Iterator[Finding]:
    for row, ids, parts, total in _unbalanced_rows(ctx, "t3"):
        yield Finding("S1", "error",
                      f"表三“{row.label}”一行：六类申请人合计 {'+'.join(fmt(v) for v in parts)} = {fmt(sum(parts))}，"  # type: ignore[arg-type]
                      f"但总计栏为 {fmt(total)}。", cells=ids, expected=sum(parts), actual=total)  # type: ignore[arg-type]


def _s2(ctx: Context) -> dict[str, tuple[float, Finding]]:
    r, unknown = ctx.report, unknown_cells(ctx.report)
    t3, cols, leaves = _t3(ctx)
    out: dict[str, tuple[float, Finding]] = {}
    for c in cols:
        ids = [f"t3.{x}.{c}" for x in leaves]
        vals = [value(r, i, unknown) for i in ids]
        total = value(r, f"t3.total.{c}", unknown)
        if None in vals or total is None:
            continue
        s = sum(vals)  # type: ignore[arg-type]
        if s != total:
            nonzero = [f"{t3_label(ctx, i)} {fmt(v)}" for i, v in zip(ids, vals) if v]
            out[c] = (s - total, Finding(
                "S2", "error",
                f"表三“{APPLICANT[c]}”列：各项办理结果之和为 {fmt(s)}（{'，'.join(nonzero) or '全为0'}），"
                f"但（七）总计为 {fmt(total)}（差 {fmt(s - total)}）。",
                cells=ids + [f"t3.total.{c}"], expected=s, actual=total))
    return out


def t3_label(ctx: Context, cid: str) -> str:
    _, row, _ = get_format(ctx.report.format).cell(cid)
    return row.label.split("（区分")[0]


@rule("S2", "error", "表三各列：各项办理结果之和等于（七）总计")
def s2(ctx: Context) -> Iterator[Finding]:
    for _, f in _s2(ctx).values():
        yield f


@rule("S4", "error", "表四各组：维持+纠正+其他+尚未审结=总计")
def s4(ctx: Context) -> Iterator[Finding]:
    for row, ids, parts, total in _unbalanced_rows(ctx, "t4"):
        name = ("行政诉讼（" + row.label + "）") if row.group else row.label
        yield Finding("S4", "error",
                      f"表四“{name}”：结果维持 {fmt(parts[0])} + 结果纠正 {fmt(parts[1])} + 其他结果 {fmt(parts[2])}"
                      f" + 尚未审结 {fmt(parts[3])} = {fmt(sum(parts))}，但总计为 {fmt(total)}。",  # type: ignore[arg-type]
                      cells=ids, expected=sum(parts), actual=total)  # type: ignore[arg-type]


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
    for name, failed in (("S2", _s2(ctx)), ("O1", _o1(ctx))):
        if "total" in failed:
            continue
        cols = [c for c in failed if c != "total"]
        if len(cols) == 2 and failed[cols[0]][0] == -failed[cols[1]][0] != 0:
            a, b = cols
            d = abs(failed[a][0])
            cells = sorted(set(failed[a][1].cells) | set(failed[b][1].cells))
            yield Finding("wrong_column", "warning",
                          f"表三“{APPLICANT[a]}”列与“{APPLICANT[b]}”列的{name}差额分别为 {fmt(failed[a][0])} 和 "
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
    ids = [cid for cid, v in r.cells.items()
           if v is None and cid not in unknown and cid.split(".")[0] in present and not r.raw.get(cid, "").strip()]
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
