"""copied_peer (opt-in): narrative copied from another agency's report of the same year.

Opt-in like the aggregation, because it reads other agencies' reports: whoever holds a set of
reports (``xxgk check`` over a region or a year, the region report) finds the pairs once with
:func:`kit.similarity.copied_pairs` and hands each report its own in :attr:`Context.copied`; an
agency's own report never runs it, so it depends only on its own, its history's and its peers' data.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from ..model import Finding, Report
from . import Context, rule


@rule("copied_peer", "warning", "正文与同年其他单位报告雷同（去除套话、名称和数字后）", opt_in=True)
def copied_peer(ctx: Context) -> Iterator[Finding]:
    yield from ctx.copied or []


def peer_copies(reports: Sequence[Report], *, threshold: float = 0.5) -> dict[str, list[Finding]]:
    """Report key -> its copied_peer findings, each naming the other agency, the similarity, the parts
    and the longest shared passage; both agencies of a pair get one."""
    from ..similarity import copied_pairs

    return findings_of(copied_pairs(reports, threshold=threshold), threshold)


def findings_of(pairs: Iterable[Any], threshold: float = 0.5) -> dict[str, list[Finding]]:
    """The copied_peer findings of pairs already found (:class:`kit.similarity.CopiedPair`), by report key."""
    out: dict[str, list[Finding]] = {}
    for p in pairs:
        parts = "、".join(f"第{s}部分" for s in p.sections)
        passage = f"相同段落如“{p.passages[0][:60]}{'…' if len(p.passages[0]) > 60 else ''}”。" if p.passages else ""
        for me, other, other_key in ((p.a, p.b_name, p.b), (p.b, p.a_name, p.a)):
            out.setdefault(me, []).append(Finding(
                "copied_peer", "warning",
                f"{parts}与“{other}”{p.year}年报告相似度为 {p.similarity:.0%}（已去除套话、单位名称和数字），"
                f"可能相互照搬。{passage}", cells=[], expected=threshold, actual=round(p.similarity, 3),
                about=other_key))
    return out


def by_year(reports: Iterable[Report]) -> dict[int, list[Report]]:
    out: dict[int, list[Report]] = {}
    for r in reports:
        out.setdefault(int(r.year or 0), []).append(r)
    return out
