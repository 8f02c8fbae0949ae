"""Reading cells for the rules: a printed blank or placeholder counts as 0 in a sum, a cell the
reader could not read makes the identity inconclusive."""
from __future__ import annotations

from ..model import Report

Num = int | float


def unknown_cells(report: Report) -> set[str]:
    return report.unknown_cells()


def value(report: Report, cid: str, unknown: set[str]) -> Num | None:
    """The number for a sum: None only when the cell is unknown."""
    if cid in unknown:
        return None
    v = report.cells.get(cid)
    return 0 if v is None else v


def fmt(v: Num | None) -> str:
    if v is None:
        return "空"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(int(v))
