"""A region-year as data: who was expected and who published, what the region adds up to, what the
checks found, and the region's totals across years.

A region is every agency whose ``region`` is it or a region below it (:meth:`kit.registry.Registry.members`).
Consolidated reports (``aggregate = yes``) belong to the region but stay out of its roll-up: they
are compared with the sum of the agencies they consolidate instead.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import family
from ..findings import _check, stored
from ..model import Finding, Provenance, Report
from ..registry import Agency, Registry
from ..schema import get_format, version_for_year
from ..store import Store

__all__ = ["Member", "RegionYear", "load_region", "deadline_for", "rollup", "consolidated_differences",
           "trend_rows"]

FORMS = {"text": "文本", "html": "网页", "pdf": "PDF", "docx": "Word", "xlsx": "Excel", "ocr": "扫描件"}


def deadline_for(year: int, deadline: str | None = None) -> dt.date:
    """The publication deadline of a year's report: 31 January of the next year, unless given (ISO)."""
    return dt.date.fromisoformat(deadline) if deadline else dt.date(year + 1, 1, 31)


@dataclass
class Member:
    """One agency the registry expects in the region-year, and what is stored for it."""

    agency: Agency
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)  # those that count: dismissals that hold left out
    review: Any = None  # kit.review.Review of the report's findings, once decisions are applied

    @property
    def present(self) -> bool:
        return self.report is not None

    @property
    def form(self) -> str:
        return FORMS.get(self.report.provenance.reader, self.report.provenance.reader) if self.report else ""

    def late(self, deadline: dt.date) -> bool | None:
        """True after the deadline, False on time, None when no date is stated (never guessed)."""
        if self.report is None or not self.report.published:
            return None
        return dt.date.fromisoformat(self.report.published) > deadline

    def old_format(self, year: int) -> bool:
        """A report in an older format version than its year requires (a gov2019 table for 2021 or later)."""
        return self.report is not None and self.report.format != version_for_year(year)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class RegionYear:
    region: str
    year: int
    members: list[Member]
    deadline: dt.date

    @property
    def present(self) -> list[Member]:
        return [m for m in self.members if m.present]

    @property
    def coverage(self) -> float:
        return len(self.present) / len(self.members) if self.members else 0.0

    @property
    def parts(self) -> list[Member]:
        """The members whose reports the roll-up adds up: present, not consolidated, in the year's format."""
        version = version_for_year(self.year)
        return [m for m in self.present if not m.agency.aggregate and m.report and m.report.format == version]

    def findings(self) -> list[tuple[Member, Finding]]:
        return [(m, f) for m in self.members for f in m.findings]


def load_region(region: str, year: int, store: str | Path | None, registry: Registry | str | Path, *,
                deadline: str | None = None) -> RegionYear:
    """Every expected agency of ``region`` in ``year`` with its stored report and every finding on it
    (the reader's and every rule's, the aggregation of consolidated reports included)."""
    from ..errors import ParameterError

    reg = registry if isinstance(registry, Registry) else Registry.load(registry)
    if region not in reg.regions:
        known = "、".join(sorted(reg.regions)) or "（名录中没有区域）"
        raise ParameterError([f"region {region!r} is not in the registry (regions: {known})"])
    members = [Member(a) for a in reg.members(region)]
    with Store(store, create=False) as s:
        for m in members:
            m.report = stored(s, m.agency, int(year))
            if m.report is not None:
                m.findings = _check(m.report, s, reg, True)
    return RegionYear(region, int(year), members, deadline_for(int(year), deadline))


def rollup(ry: RegionYear) -> tuple[Report, dict[str, int]]:
    """The region's tables summed over :attr:`RegionYear.parts`: a report of the region, and per cell how
    many agencies gave it a number."""
    fmt = get_format(version_for_year(ry.year))
    cells: dict[str, float | int | None] = {}
    counts: dict[str, int] = {}
    for cid in fmt.cell_ids():
        values = [m.report.cells.get(cid) for m in ry.parts if m.report is not None]
        numbers = [v for v in values if v is not None]
        counts[cid] = len(numbers)
        total = sum(numbers) if numbers else None
        cells[cid] = round(total, 2) if isinstance(total, float) else total
    report = Report(ry.region, ry.year, fmt.version, cells, {}, {}, Provenance("", "", "rollup"), [],
                    f"{ry.region}{ry.year}年度汇总", f"region:{ry.region}")
    return report, counts


def consolidated_differences(ry: RegionYear, registry: Registry) -> list[dict[str, Any]]:
    """For each consolidated report of the region: every cell where it differs from the sum of the
    reports it consolidates (the present ones among its declared children), with both numbers."""
    out = []
    by_id = {m.agency.id: m for m in ry.members}
    for m in ry.members:
        if not (m.agency.aggregate and m.report):
            continue
        kids = [by_id[k.id] for k in registry.children(m.agency.id) if k.id in by_id]
        parts = [k.report for k in kids if k.report is not None and k.report.format == m.report.format]
        for cid in get_format(m.report.format).cell_ids():
            if not cid.startswith(("t3.", "t4.")):
                continue  # 表二 counts documents and items of each agency's own: not additive
            mine = m.report.cells.get(cid)
            total = sum(v for p in parts if (v := p.cells.get(cid)) is not None)
            if mine is not None and round(mine - total, 2) != 0:
                out.append({"agency": m.agency.name, "cell": cid, "printed": mine, "sum": total,
                            "difference": round(mine - total, 2), "children": len(parts), "expected": len(kids)})
    return out


def trend_rows(region: str, store: str | Path | None, registry: Registry, upto: int | None = None) -> list[dict[str, Any]]:
    """The region's totals for every stored year (up to ``upto``): applications, disclosure and
    correction rates, and 表二 decisions per format version (never joined across versions)."""
    from ..report.data import HEADLINE
    from ..schema import total

    members = [a for a in registry.members(region) if not a.aggregate]
    rows = []
    with Store(store, create=False) as s:
        years = sorted({y for _, y, _ in s.entries() if upto is None or y <= upto})
        for year in years:
            version = version_for_year(year)
            reports = [r for a in members if (r := stored(s, a, year)) is not None and r.format == version]
            if not reports:
                continue
            row: dict[str, Any] = {"年度": year, "格式": version, "报告数": len(reports)}
            for name, cid in HEADLINE.items():
                row[name] = total(r.cells.get(cid) for r in reports)
            handled = total(r.cells.get("t3.total.total") for r in reports) or 0
            shown = (row["予以公开"] or 0) + (row["部分公开"] or 0)
            row["公开率"] = shown / handled * 100 if handled else None
            cases = sum((r.cells.get(f"t4.{g}.total") or 0) for r in reports
                        for g in ("review", "suit_direct", "suit_after_review"))
            corrected = sum((r.cells.get(f"t4.{g}.corrected") or 0) for r in reports
                            for g in ("review", "suit_direct", "suit_after_review"))
            row["纠错率"] = corrected / cases * 100 if cases else None
            for label, rid in (("行政许可", "license"), ("行政处罚", "penalty"), ("行政强制", "coercion")):
                row[f"{label}（{version}）"] = total(r.cells.get(f"t2.{rid}.decisions") for r in reports)
            rows.append(row)
    return rows


def families(ry: RegionYear) -> dict[str, dict[str, int]]:
    """Agency name -> rule family -> errors and warnings (info left out)."""
    out: dict[str, dict[str, int]] = {}
    for m, f in ry.findings():
        if f.severity in ("error", "warning"):
            row = out.setdefault(m.agency.name, {})
            row[family(f.rule)] = row.get(family(f.rule), 0) + 1
    return out
