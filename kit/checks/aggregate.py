"""Aggregation (opt-in): a parent declared in the agency registry equals the sum of its children."""
from __future__ import annotations

from typing import Iterator

from ..model import Finding
from ..schema import balanced, get_format, total
from . import Context, rule
from .values import fmt, unknown_cells, value


@rule("aggregate", "error", "汇总报告：各单元格等于下属单位之和", opt_in=True)
def aggregate(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    kids = ctx.children or {}
    if not kids:
        return
    missing = [name for name, rep in kids.items() if rep is None or rep.format != r.format]
    if missing:
        yield Finding("aggregate", "info",
                      f"汇总核对无法完成：缺少下属单位 {'、'.join(missing)} 的{r.year}年报告（或格式版本不同）。", cells=[])
        return
    fmt_ = get_format(r.format)
    ur = unknown_cells(r)
    for table in ("t3", "t4"):
        for row in fmt_.table(table).rows:
            bad = []
            for c in row.columns:
                cid = row.cell_id(table, c)
                theirs = total(value(k, cid, unknown_cells(k)) for k in kids.values() if k is not None)
                mine = value(r, cid, ur)
                if mine is None or theirs is None:
                    continue
                if not balanced([theirs], [mine]):
                    bad.append((cid, c.label, mine, theirs))
            if bad:
                detail = "；".join(f"{lab} 本报告 {fmt(m)}、下属合计 {fmt(s)}" for _, lab, m, s in bad)
                yield Finding("aggregate", "error", f"“{row.label}”与 {len(kids)} 个下属单位之和不符：{detail}。",
                              cells=[b[0] for b in bad], expected=[b[3] for b in bad], actual=[b[2] for b in bad])
