"""A region-year computed once for the region notebook: members and findings (copying between the
region's agencies included), roll-up, consolidated differences, scores, trend; and what the notice
and the problem list are made from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import keyed
from ..model import Report
from ..review import DISMISSED, STATES, Decision
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
    facts: dict[str, Any] = field(default_factory=dict)  # key of a missing/late fact -> its latest decision

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
    for m in ry.members:
        keyed(m.agency.id, ry.year, m.findings)
    facts = _reviewed(ry, store, reg)
    not_corrected = {m.agency.id: m.review.counts()["not_corrected"] for m in ry.members if m.review is not None}
    dismissed = {k for k, d in facts.items() if d.status == DISMISSED}
    view = RegionView(ry, reg, scheme, score(ry, scheme, not_corrected=not_corrected, dismissed=dismissed), total,
                      counts, consolidated_differences(ry, reg), pairs, trend_rows(region, store, reg, upto=int(year)))
    view.keys = {m.agency.id: [f.key for f in m.findings] for m in ry.members}
    view.facts = facts
    return view


def _reviewed(ry: RegionYear, store: str | Path | None, reg: Registry) -> dict[str, Decision]:
    """Apply the reviewers' decisions: each present member's :class:`kit.review.Review` (its previous
    revision compared), its findings cut to those that count; returns the decisions on facts (missing, late)."""
    from ..review import decisions, earlier_findings, review
    from ..store import Store

    with Store(store, create=False) as s:
        decided = decisions(s, agency_ids=[m.agency.id for m in ry.members], year=ry.year)
        by: dict[str, list[Decision]] = {}
        for d in decided:
            by.setdefault(d.agency_id, []).append(d)
        for m in ry.members:
            if m.report is None:
                continue
            rev, before = earlier_findings(s, m.report, reg)
            m.review = review(m.report, m.findings, by.get(m.agency.id, []), before, earlier_revision=rev)
            m.findings = m.review.open
    fact_keys = {f"{m.agency.id}/{ry.year}/{x}" for m in ry.members for x in ("missing", "late")}
    return {d.key: d for d in decided if d.key in fact_keys}


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


def _facts(view: RegionView, m: Member, *, dismissed: bool = False) -> list[tuple[str, str]]:
    """What the notice and the problem list say of a member beyond its findings: (missing | late, text);
    a fact a reviewer dismissed only with ``dismissed``."""
    out = []
    if not m.present:
        out = [("missing", f"{view.year}年度报告未发布。")]
    elif m.late(view.ry.deadline) and m.report:
        out = [("late", f"{view.year}年度报告于{m.report.published}发布，晚于截止日{view.ry.deadline.isoformat()}。")]
    return [(fact, text) for fact, text in out if dismissed or not _fact_dismissed(view, m, fact)]


def _fact_dismissed(view: RegionView, m: Member, fact: str) -> bool:
    d = view.facts.get(f"{m.agency.id}/{view.year}/{fact}")
    return d is not None and d.status == DISMISSED


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
    """One row per error or warning of every member, with its stable key and, once reviewed, its
    state and latest decision (so that a sheet filled in again starts from what was decided); a missing
    or late report is a row too, and so is a finding corrected since (no longer found)."""
    rows = []
    for m in view.ry.members:
        for fact, text in _facts(view, m, dismissed=True):
            key = f"{m.agency.id}/{view.year}/{fact}"
            d = view.facts.get(key)
            rows.append(ProblemRow(key, view.region, m.agency.name, view.year, fact,
                                   "error" if fact == "missing" else "warning", "", text,
                                   *_decided(d, STATES["dismissed"] if d and d.status == DISMISSED else "")))
        if m.review is None:
            continue
        for r in m.review.items:
            f = r.finding or r.was
            if r.severity not in ("error", "warning"):
                continue
            rule = f.rule if f else r.key.split("/")[2]
            cells = ", ".join(f.cells) if f else ""
            message = f.message if f else ""
            rows.append(ProblemRow(r.key, view.region, m.agency.name, view.year, rule, r.severity, cells, message,
                                   *_decided(r.decision, "" if r.state == "open" else r.label)))
    return rows


def _decided(d: Decision | None, state: str) -> tuple[str, str, str, str]:
    """(核查情况, 整改状态, 说明, 审核人) of a row from the key's latest decision."""
    return (state, d.status, d.reason, d.reviewer) if d is not None else (state, "", "", "")
