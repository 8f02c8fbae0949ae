"""Review and return: reviewers' decisions on findings, and what became of each finding when an
agency re-submits.

A decision names a finding by its stable key (:func:`kit.findings.finding_key`: agency id, year,
rule, cells or what it is about) and gives it a status: 待整改 (returned to the agency), 不是问题
(dismissed, with a reason) or 已整改 (corrected). Decisions are appended to the store's ``decisions``
table, never changed: the latest one of a key is its status, the earlier ones its history (who, when).

Across a re-submission (a new revision of the agency-year, :meth:`kit.store.Store.put`) each finding
is in one state (:data:`STATES`): still open or new, returned and waiting, returned and not corrected
(found again in a revision submitted after it was returned), dismissed (while the values of its
cells are unchanged; reopened when they change), marked corrected but still found, or corrected
(no longer found).
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from .errors import ReviewError, StoreError
from .model import Finding, Report
from .schema import SECTION_KEYS
from .store import Store

__all__ = ["STATUSES", "RETURNED", "DISMISSED", "CORRECTED", "STATES", "Decision", "Proposed", "Reviewed", "Review",
           "status_of", "split_key", "evidence", "decisions", "record", "review", "review_report", "earlier_findings",
           "known_findings", "reviewer"]

RETURNED, DISMISSED, CORRECTED = STATUSES = ("待整改", "不是问题", "已整改")
ALIASES = {"returned": RETURNED, "dismissed": DISMISSED, "corrected": CORRECTED}
# a finding's state, and how reports and the problem list say it
STATES = {
    "open": "待处理", "new": "新发现", "still": "仍存在", "returned": "已退回待整改", "not_corrected": "退回未整改",
    "dismissed": "不是问题", "reopened": "重新打开（数值已变）", "claimed": "标为已整改但仍存在",
    "corrected": "已整改（不再发现）", "resolved": "已消除（重新报送后不再发现）",
}
_KEY = re.compile(r"^(?P<agency>.+?)/(?P<year>\d{4})/(?P<finding>.+)$")


def status_of(text: str) -> str:
    """A status as stored (Chinese), from itself or its English name; ReviewError otherwise."""
    s = (text or "").strip()
    if s in STATUSES:
        return s
    if s.lower() in ALIASES:
        return ALIASES[s.lower()]
    raise ReviewError(f"{text!r} is not a status: one of {'、'.join(STATUSES)} (or {', '.join(ALIASES)})")


def split_key(key: str) -> tuple[str, int, str]:
    """(agency id, year, the finding's part) of a finding key."""
    m = _KEY.match(key.strip())
    if not m:
        raise ReviewError(f"{key!r} is not a finding key (agency/year/rule/…, as `xxgk check --json` prints)")
    return m["agency"], int(m["year"]), m["finding"]


def reviewer(given: str | None = None) -> str:
    """Who decides: as given, else $XXGK_REVIEWER, else the login name."""
    if given and given.strip():
        return given.strip()
    try:
        return os.environ.get("XXGK_REVIEWER", "").strip() or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def evidence(report: Report | None, f: Finding | None) -> dict[str, Any]:
    """What a dismissal rests on: the values of the finding's cells (and the text of the section it is
    about, hashed); the dismissal holds while these are unchanged."""
    if report is None or f is None:
        return {}
    out: dict[str, Any] = {"cells": {c: report.cells.get(c) for c in sorted(f.cells)}}
    if f.about in SECTION_KEYS:
        text = report.sections.get(f.about, "")
        out["section"] = {f.about: hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]}
    if f.rule == "late":
        out["published"] = report.published
    out["severity"] = f.severity
    return out


@dataclass(frozen=True)
class Decision:
    """One row of the audit table."""

    id: int
    key: str
    status: str
    reason: str
    reviewer: str
    at: str
    revision: int           # the agency-year's current revision when decided
    evidence: dict[str, Any]
    origin: str             # "cli", or the file it was imported from

    @property
    def agency_id(self) -> str:
        return split_key(self.key)[0]

    @property
    def year(self) -> int:
        return split_key(self.key)[1]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "status": self.status, "reason": self.reason, "reviewer": self.reviewer,
                "at": self.at, "revision": self.revision, "origin": self.origin}


@dataclass(frozen=True)
class Proposed:
    """A decision to record; ``row`` is the sheet row it came from (for messages)."""

    key: str
    status: str
    reason: str = ""
    reviewer: str = ""
    row: int | None = None


def decisions(store: Store, *, agency_ids: Iterable[str] | None = None, year: int | None = None,
              status: str | None = None, history: bool = False) -> list[Decision]:
    """The latest decision of every key (``history``: every row), oldest first, filtered."""
    sql = ("SELECT id, agency_id, year, finding, status, reason, reviewer, at, revision, evidence, origin "
           "FROM decisions")
    where: list[str] = []
    args: list[Any] = []
    ids = list(agency_ids) if agency_ids is not None else None
    if ids is not None:
        where.append(f"agency_id IN ({','.join('?' * len(ids))})")
        args += ids
    if year is not None:
        where.append("year = ?")
        args.append(int(year))
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = [Decision(i, f"{a}/{y}/{fnd}", st, reason, who, at, rev, json.loads(ev), origin)
            for i, a, y, fnd, st, reason, who, at, rev, ev, origin in store.db.execute(sql + " ORDER BY id", args)]
    if not history:
        latest = {d.key: d for d in rows}
        rows = sorted(latest.values(), key=lambda d: d.id)
    return [d for d in rows if status is None or d.status == status]


def prepare(store: Store, proposed: list[Proposed], known: dict[str, tuple[Finding | None, Report | None]], *,
            origin: str = "cli", who: str | None = None) -> tuple[list[tuple[Any, ...]], list[str]]:
    """The audit rows ``proposed`` would append, and every problem with them (named by row or key)."""
    problems: list[str] = []
    rows: list[tuple[Any, ...]] = []
    current = {d.key: d for d in decisions(store)}
    revisions = {(a, y): n for a, y, n in store.db.execute("SELECT agency_id, year, revision FROM reports")}
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    seen: dict[str, int | None] = {}
    for p in proposed:
        where = f"row {p.row}: " if p.row is not None else ""
        try:
            status = status_of(p.status)
        except ReviewError as e:
            problems.append(f"{where}{p.key}: {e}")
            continue
        if p.key not in known and p.key not in current:
            problems.append(f"{where}unknown key {p.key!r}: not a finding of the stored reports (`xxgk check --json`, "
                            "or the region's problem list, gives the keys)")
            continue
        if status == DISMISSED and not p.reason.strip():
            problems.append(f"{where}{p.key}: 不是问题 needs a reason (说明)")
            continue
        if p.key in seen:
            problems.append(f"{where}{p.key} is decided twice" + (f" (also row {seen[p.key]})" if seen[p.key] else ""))
            continue
        seen[p.key] = p.row
        by = reviewer(p.reviewer or who)
        before = current.get(p.key)
        if before and (before.status, before.reason, before.reviewer) == (status, p.reason.strip(), by):
            continue  # a sheet imported again records nothing new
        agency_id, year, finding = split_key(p.key)
        f, report = known.get(p.key, (None, None))
        rows.append((agency_id, year, finding, status, p.reason.strip(), by, at, revisions.get((agency_id, year), 0),
                     json.dumps(evidence(report, f), ensure_ascii=False, sort_keys=True), origin))
    return rows, problems


def record(store: Store, proposed: list[Proposed], known: dict[str, tuple[Finding | None, Report | None]], *,
           origin: str = "cli", who: str | None = None, problems: list[str] | None = None) -> list[Decision]:
    """Validate every proposed decision, then append them in one transaction; returns what was recorded.

    ``known``: key -> (the finding, its report) of every key a decision may name (a finding found now or
    in an earlier revision, or a fact such as a missing report). Unknown keys, bad statuses and
    dismissals without a reason are refused, all of them named at once (with their rows; ``problems``
    found by the caller are added), and nothing is recorded. A decision equal to the key's current one
    (status, reason, reviewer) is not recorded again.
    """
    rows, found = prepare(store, proposed, known, origin=origin, who=who)
    found = [*(problems or []), *found]
    if found:
        raise ReviewError(f"{origin}: nothing recorded; " + "; ".join(found))
    try:
        with store._transaction() as db:
            first = db.execute("SELECT coalesce(max(id), 0) FROM decisions").fetchone()[0]
            db.executemany("INSERT INTO decisions (agency_id, year, finding, status, reason, reviewer, at, revision, "
                           "evidence, origin) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            added = [d for d in decisions(store, history=True) if d.id > first]  # still holding the write lock
    except sqlite3.Error as e:
        raise StoreError(f"cannot record decisions in {store.path}: {e}") from None
    return added


@dataclass
class Reviewed:
    """One finding of a report as reviewed: ``finding`` is None when it is no longer found."""

    key: str
    state: str                      # a key of STATES
    finding: Finding | None
    decision: Decision | None = None
    severity: str = "warning"
    was: Finding | None = None      # for one no longer found: as the earlier revision found it

    @property
    def label(self) -> str:
        return STATES[self.state]


@dataclass
class Review:
    """A report's findings with their states; ``earlier``: the revision compared with (None: the first)."""

    revision: int
    earlier: int | None
    items: list[Reviewed] = field(default_factory=list)

    @property
    def open(self) -> list[Finding]:
        """The findings that still count (everything found but the dismissals that hold)."""
        return [r.finding for r in self.items if r.finding is not None and r.state != "dismissed"]

    @property
    def dismissed(self) -> list[Reviewed]:
        return [r for r in self.items if r.state == "dismissed"]

    @property
    def gone(self) -> list[Reviewed]:
        """Earlier or decided findings no longer found: corrected."""
        return [r for r in self.items if r.finding is None]

    def state(self, key: str) -> Reviewed | None:
        return next((r for r in self.items if r.key == key), None)

    def counts(self) -> dict[str, int]:
        """Errors and warnings: found (now, dismissed ones included), dismissed, corrected (no longer
        found), returned (waiting for a re-submission), not corrected (returned, or marked corrected,
        and still found after a re-submission)."""
        serious = [r for r in self.items if r.severity in ("error", "warning")]
        n = {s: sum(1 for r in serious if r.state in states) for s, states in (
            ("dismissed", ("dismissed",)), ("corrected", ("corrected", "resolved")), ("returned", ("returned",)),
            ("not_corrected", ("not_corrected", "claimed")))}
        return {"found": sum(1 for r in serious if r.finding is not None), **n}


def review(report: Report, findings: list[Finding], decided: list[Decision],
           earlier: dict[str, Finding] | None = None, *, earlier_revision: int | None = None) -> Review:
    """Each finding's state, given the keys' latest decisions and (``earlier``) the findings of the
    revision before this one; findings of ``earlier`` or decided ones no longer found are listed too."""
    latest = {d.key: d for d in decided}
    rev = report.revision or 1
    out = Review(rev, earlier_revision)
    now = {f.key for f in findings}
    for f in findings:
        d = latest.get(f.key)
        if d is None:
            state = "open" if earlier is None else ("still" if f.key in earlier else "new")
        elif d.status == DISMISSED:
            state = "dismissed" if evidence(report, f) == d.evidence else "reopened"
        elif d.status == RETURNED:
            state = "not_corrected" if rev > d.revision else "returned"
        else:
            state = "claimed"
        out.items.append(Reviewed(f.key, state, f, d, f.severity))
    for k in sorted((set(earlier or {}) | set(latest)) - now):
        d = latest.get(k)
        was = (earlier or {}).get(k)
        severity = was.severity if was is not None else str((d.evidence if d else {}).get("severity", "warning"))
        if (d is not None and d.status == DISMISSED) or (d is None and severity == "info"):
            continue  # dismissed and gone, or a note gone: nothing left to say
        out.items.append(Reviewed(k, "corrected" if d is not None else "resolved", None, d, severity, was))
    return out


def earlier_findings(store: Store, report: Report, registry: Any = None) -> tuple[int | None, dict[str, Finding] | None]:
    """The revision before ``report``'s and its findings by key (the reader's and every rule's but
    copying), or (None, None) for a first revision."""
    from .findings import _check

    rev = report.revision or 1
    if rev <= 1 or not report.key or not report.year:
        return None, None
    before = store.get(report.key, report.year, rev - 1)
    return rev - 1, {f.key: f for f in _check(before, store, registry, registry is not None)}


def review_report(report: Report, findings: list[Finding], store: str | Path | Store | None = None,
                  registry: Any = None) -> Review:
    """:func:`review` of a stored report: its decisions and its previous revision from the store."""
    from .registry import Registry

    reg = Registry.load(registry) if isinstance(registry, (str, Path)) else registry
    s = store if isinstance(store, Store) else Store(store, create=False)
    try:
        rev, before = earlier_findings(s, report, reg)
        decided = decisions(s, agency_ids=[report.key or ""], year=report.year)
        return review(report, findings, decided, before, earlier_revision=rev)
    finally:
        if not isinstance(store, Store):
            s.close()


def known_findings(store: str | Path | None, registry: Any, pairs: set[tuple[str, int]],
                   *, deadline: str | None = None) -> dict[str, tuple[Finding | None, Report | None]]:
    """Every key a decision on these agency-years may name, with its finding and report: the findings
    found now (copying included), those of each one's previous revision, and the facts of the region's
    problem list (a missing report, a late one)."""
    from .findings import check_store
    from .region.data import deadline_for

    out: dict[str, tuple[Finding | None, Report | None]] = {}
    if not pairs:
        return out
    ids = tuple(sorted({a for a, _ in pairs}))
    years = tuple(sorted({y for _, y in pairs}))
    with Store(store, create=False) as s:
        reports: dict[tuple[str, int], Report] = {}
        for a, y in sorted(pairs):
            try:
                reports[(a, y)] = s.get(a, y)
            except StoreError:
                reports.pop((a, y), None)
        for _, y, f in check_store(store, agencies=ids, years=years, registry=registry):
            a, _, _ = split_key(f.key)
            if (a, y) in pairs:
                out[f.key] = (f, reports.get((a, y)))
        for (a, y), r in reports.items():
            _, before = earlier_findings(s, r, registry)
            for k, f in (before or {}).items():
                out.setdefault(k, (f, r))
            # a region report may set its own deadline: any stated date can be the one found late
            if r.published and (deadline is None or r.published > deadline_for(y, deadline).isoformat()):
                out[f"{a}/{y}/late"] = (Finding("late", "warning", "逾期发布"), r)
    for a, y in pairs:
        if (a, y) not in reports and registry is not None and registry.find(a) is not None:
            out[f"{a}/{y}/missing"] = (None, None)
    return out
