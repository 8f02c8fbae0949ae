"""A region-year computed once for the region notebook: members and findings (copying between the
region's agencies included), roll-up, consolidated differences, scores, trend; and what the notice
and the problem list are made from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import finding_keys
from ..model import Report
from ..registry import Registry
from .data import Member, RegionYear, consolidated_differences, load_region, rollup, trend_rows
from .notice import AgencyProblems, Notice, RankRow
from .problems import ProblemRow
from .scoring import Score, load_scheme, score

__all__ = ["RegionView", "build", "notice", "problem_rows", "summary"]


@dataclass
class RegionView:
    ry: RegionYear
    registry: Registry
    scheme: dict[str, Any]
    scores: list[Score]
    total: Report
    contributors: dict[str, int]
    differences: list[dict[str, Any]]
    copies: list[Any]                     # kit.similarity.CopiedPair
    trend: list[dict[str, Any]]
    keys: dict[str, list[str]] = field(default_factory=dict)  # agency id -> its findings' keys

    @property
    def region(self) -> str:
        return self.ry.region

    @property
    def year(self) -> int:
        return self.ry.year


def build(region: str, year: int, store: str | Path | None, registry: str | Path | Registry, *,
          scoring: str | Path | None = None, deadline: str | None = None) -> RegionView:
    """Everything the region notebook shows, computed once."""
    from ..checks.peers import findings_of
    from ..similarity import copied_pairs

    reg = registry if isinstance(registry, Registry) else Registry.load(registry)
    scheme = load_scheme(scoring)
    ry = load_region(region, year, store, reg, deadline=deadline)
    reports = [m.report for m in ry.present if m.report is not None]
    pairs = copied_pairs(reports)  # once: the section shows them, each agency's findings name them
    found = findings_of(pairs)
    for m in ry.present:
        m.findings += found.get(m.report.key or "", []) if m.report else []
    total, counts = rollup(ry)
    view = RegionView(ry, reg, scheme, score(ry, scheme), total, counts, consolidated_differences(ry, reg),
                      pairs, trend_rows(region, store, reg, upto=int(year)))
    view.keys = {m.agency.id: finding_keys(m.agency.id, ry.year, m.findings) for m in ry.members}
    return view


def summary(view: RegionView) -> dict[str, Any]:
    """The counts the batch's index shows for a region-year."""
    ry = view.ry
    return {"region": view.region, "year": view.year, "expected": len(ry.members), "present": len(ry.present),
            "late": sum(1 for m in ry.members if m.late(ry.deadline)),
            "findings": {s: sum(m.count(s) for m in ry.members) for s in ("error", "warning")}}


def _cn(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def notice(view: RegionView, *, issuer: str | None = None, date: str | None = None,
           correct_by: str | None = None) -> Notice:
    """The notice (通报) of the region-year. Its date is given, or the data's own (the latest publication
    date stated, else the deadline): never the clock, so the same data make the same document."""
    ry = view.ry
    stated = [m.report.published for m in ry.present if m.report and m.report.published]
    date = date or max([*stated, ry.deadline.isoformat()])
    correct_by = correct_by or (dt.date.fromisoformat(date) + dt.timedelta(days=30)).isoformat()
    late = [m for m in ry.members if m.late(ry.deadline)]
    missing = [m for m in ry.members if not m.present]
    errors = sum(m.count("error") for m in ry.members)
    with_errors = sum(1 for m in ry.members if m.count("error"))
    text = (f"按照政府信息公开工作年度报告检查要求，对{view.region}{len(ry.members)}家单位的{view.year}年度报告进行了检查。"
            f"截至{_cn(ry.deadline.isoformat())}，{len(ry.present)}家单位已发布，发布率{ry.coverage:.1%}"
            + (f"，{len(missing)}家未发布（{'、'.join(m.agency.name for m in missing)}）" if missing else "")
            + (f"；{len(late)}家逾期发布（{'、'.join(m.agency.name for m in late)}）" if late else "")
            + f"。检查发现错误{errors}处，涉及{with_errors}家单位。"
            + _ranking_sentence(view))
    ranking = tuple(RankRow(s.rank, s.agency, s.score, s.summary()) for s in view.scores)
    problems = tuple(AgencyProblems(m.agency.name, tuple([t for _, t in _facts(view, m)] + [f.message for f in m.findings
                                                                            if f.severity in ("error", "warning")]))
                     for m in ry.members)
    return Notice(view.region, view.year, issuer or f"{view.region}政务公开办公室", date, text, ranking,
                  tuple(p for p in problems if p.problems), correct_by)


def _facts(view: RegionView, m: Member) -> list[tuple[str, str]]:
    """What the notice and the problem list say of a member beyond its findings: (missing | late, text)."""
    if not m.present:
        return [("missing", f"{view.year}年度报告未发布。")]
    if m.late(view.ry.deadline) and m.report:
        return [("late", f"{view.year}年度报告于{m.report.published}发布，晚于截止日{view.ry.deadline.isoformat()}。")]
    return []


def _ranking_sentence(view: RegionView) -> str:
    """Who scored highest and lowest, by name when few share it, else how many."""
    scores = view.scores
    if not scores:
        return ""

    def who(group: list[Score]) -> str:
        return "、".join(s.agency for s in group) if len(group) <= 3 else f"{len(group)}家单位"

    top = [s for s in scores if s.score == scores[0].score]
    text = f"按《{view.scheme['name']}》评分，{who(top)}得分最高（{top[0].score:g}分）"
    low = [s for s in scores if s.score == scores[-1].score]
    if low[0].score != top[0].score:
        text += f"，{who(low)}得分最低（{low[0].score:g}分）"
    return text + "。"


def problem_rows(view: RegionView) -> list[ProblemRow]:
    """One row per error or warning of every member, with its stable key; a missing report is a row too."""
    rows = []
    for m in view.ry.members:
        for fact, text in _facts(view, m):
            rows.append(ProblemRow(f"{m.agency.id}/{view.year}/{fact}", view.region, m.agency.name, view.year,
                                   fact, "error" if fact == "missing" else "warning", "", text))
        for f, key in zip(m.findings, view.keys.get(m.agency.id, [])):
            if f.severity in ("error", "warning"):
                rows.append(ProblemRow(key, view.region, m.agency.name, view.year, f.rule, f.severity,
                                       ", ".join(f.cells), f.message))
    return rows
