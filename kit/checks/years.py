"""Cross-year rules: X1 (carry-over) and X2 (documents in force). Same agency, same format only."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Finding, Report
from ..schema import get_format
from . import Context, rule
from .values import fmt, unknown_cells, value


def _previous(ctx: Context) -> Report | None:
    """Last year's report of the same agency in the same format version, else None."""
    p = ctx.previous
    ok = (p is not None and p.key == ctx.report.key and p.format == ctx.report.format
          and p.year is not None and ctx.report.year is not None and p.year == ctx.report.year - 1)
    return p if ok else None


@rule("X1", "error", "跨年度：本年“上年结转”等于上年“结转下年度”")
def x1(ctx: Context) -> Iterator[Finding]:
    r, p = ctx.report, _previous(ctx)
    if p is None:
        return
    ur, up = unknown_cells(r), unknown_cells(p)
    for col in get_format(r.format).table("t3").columns:
        c, name = col.id, col.label
        now, before = value(r, f"t3.carried_in.{c}", ur), value(p, f"t3.carried_out.{c}", up)
        if now is None or before is None or now == before:
            continue
        yield Finding("X1", "error",
                      f"表三“{name}”列：本年“二、上年结转”为 {fmt(now)}，但 {p.year} 年报告“四、结转下年度继续办理”为 "
                      f"{fmt(before)}。", cells=[f"t3.carried_in.{c}"], expected=before, actual=now)


@rule("X2", "warning", "跨年度：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止", versions=("gov2021",))
def x2(ctx: Context) -> Iterator[Finding]:
    r, p = ctx.report, _previous(ctx)
    if p is None:
        return
    ur, up = unknown_cells(r), unknown_cells(p)
    t2 = get_format(r.format).table("t2")
    for row, name in ((x.id, x.label) for x in t2.rows if any(c.id == "in_force" for c in x.columns)):
        issued, repealed, now = (value(r, f"t2.{row}.{c}", ur) for c in ("issued", "repealed", "in_force"))
        before = value(p, f"t2.{row}.in_force", up)
        if issued is None or repealed is None or now is None or before is None:
            continue
        expected = before + issued - repealed
        if expected == now:
            continue
        notes = [r.raw.get(f"t2.{row}.{c}", "") for c in ("issued", "repealed")]
        explained = [n for n in notes if re.search(r"修订|失效|废止|修改", n)]
        why = (f"印出的说明“{'”“'.join(explained)}”可能解释这一差额（制发含修订、废止含自然失效）。"
               if explained else "请核对是否有修订、自然失效等未计入的情形。")
        yield Finding("X2", "warning",
                      f"表二“{name}”：{p.year}年现行有效 {fmt(before)} + 本年制发 {fmt(issued)} − 本年废止 {fmt(repealed)}"
                      f" = {fmt(expected)}，但本年现行有效为 {fmt(now)}。{why}",
                      cells=[f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed"],
                      expected=expected, actual=now)
