"""A region's problem list as reviewers return it: imported as decisions (one transaction, or nothing),
and the decisions exported as a workbook (the problem list's columns, then the audit trail)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..registry import Registry
from ..review import Decision, Proposed, decisions, known_findings, record, split_key
from ..store import Store
from .problems import ProblemRow, _workbook, read_sheet, save_stable

__all__ = ["import_problems", "export_decisions", "AUDIT_SHEET"]

AUDIT_SHEET = "审核记录"
AUDIT_COLUMNS = ("序号", "问题编号", "整改状态", "说明", "审核人", "时间", "报告修订", "来源")


def import_problems(path: str | Path, store: str | Path | None, registry: Registry, *, region: str | None = None,
                    by: str | None = None) -> list[Decision]:
    """Record the statuses a reviewer filled into a region's problem list (rows without one are
    skipped). Refused as a whole, naming every row: a sheet of several regions or of another one than
    ``region``, a key of an agency outside the sheet's region or of another year than its row, an
    unknown key, a bad status, a dismissal without a reason."""
    rows, _, _ = read_sheet(path)
    name = Path(path).name
    problems: list[str] = []
    regions: dict[str, list[int]] = {}
    for r, rec in rows:
        if rec["区域"]:
            regions.setdefault(rec["区域"], []).append(r)
    if len(regions) > 1:
        problems.append("rows of several regions: " + "; ".join(
            f"{k} (rows {_rows(v)})" for k, v in sorted(regions.items())))
    sheet_region = next(iter(regions), region)
    if region and sheet_region and sheet_region != region:
        problems.append(f"a sheet of {sheet_region} (rows {_rows(regions[sheet_region])}), not of {region}")
    members: set[str] = set()
    if sheet_region and sheet_region not in registry.regions:
        problems.append(f"region {sheet_region!r} is not in the registry")
    elif sheet_region:
        members = {a.id for a in registry.members(sheet_region)}
    proposed: list[Proposed] = []
    pairs: set[tuple[str, int]] = set()
    for r, rec in rows:
        if not rec["整改状态"]:
            continue
        try:
            agency, year, _ = split_key(rec["问题编号"])
        except Exception as e:  # noqa: BLE001  (a ReviewError: named with its row)
            problems.append(f"row {r}: {e}")
            continue
        if members and agency not in members:
            problems.append(f"row {r}: {rec['问题编号']} is of agency {agency}, not one of {sheet_region}")
            continue
        if rec["年度"] and rec["年度"] != str(year):
            problems.append(f"row {r}: {rec['问题编号']} is of {year}, the row says {rec['年度']}")
            continue
        pairs.add((agency, year))
        proposed.append(Proposed(rec["问题编号"], rec["整改状态"], rec["说明"], rec["审核人"], r))
    known = known_findings(store, registry, pairs) if not problems else {}
    with Store(store, create=False) as s:
        return record(s, proposed, known, origin=name, who=by, problems=problems)


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:10])) + (f" … ({len(rows)} rows)" if len(rows) > 10 else "")


def export_decisions(store: str | Path | None, path: str | Path, registry: Registry | None = None, *,
                     agency_ids: list[str] | None = None, year: int | None = None, status: str | None = None) -> Path:
    """Write every key's latest decision (the problem list's columns: it imports back) and, on a second
    sheet, every decision ever recorded with who and when; returns the path."""
    with Store(store, create=False) as s:
        latest = decisions(s, agency_ids=agency_ids, year=year, status=status)
        history = decisions(s, agency_ids=agency_ids, year=year, history=True)
        names = s.names()
    keys = {d.key for d in latest}
    history = [d for d in history if status is None or d.key in keys]
    rows = [_row(d, names, registry) for d in latest]
    wb = _workbook(rows, "审核决定")
    audit = wb.create_sheet(AUDIT_SHEET)
    audit.append(list(AUDIT_COLUMNS))
    for d in history:
        audit.append([d.id, d.key, d.status, d.reason, d.reviewer, d.at, d.revision, d.origin])
    for col, width in zip("ABCDEFGH", (7, 40, 10, 40, 10, 22, 9, 24)):
        audit.column_dimensions[col].width = width
    return save_stable(wb, path, "the decisions")


def _row(d: Decision, names: dict[str, str], registry: Registry | None) -> ProblemRow:
    agency, year, finding = split_key(d.key)
    me = registry.find(agency) if registry is not None else None
    rule, _, what = finding.partition("/")
    cells = what.split("#")[0].replace("+", ", ") if what.startswith(("t2.", "t3.", "t4.")) else ""
    severity: Any = d.evidence.get("severity", "")
    return ProblemRow(d.key, (me.region if me else "") or "", names.get(agency) or (me.name if me else agency), year,
                      rule, str(severity), cells, "", "", d.status, d.reason, d.reviewer)

