"""Reading cells for the rules: a printed blank or placeholder counts as 0 in a sum, a cell the
reader could not read makes the identity inconclusive."""
from __future__ import annotations

from typing import Callable

from ..model import Report
from ..schema import number_text

Num = int | float


def unknown_cells(report: Report) -> set[str]:
    return report.unknown_cells()


def value(report: Report, cid: str, unknown: set[str]) -> Num | None:
    """The number for a sum: None only when the cell is unknown."""
    if cid in unknown:
        return None
    v = report.cells.get(cid)
    return 0 if v is None else v


def getter(report: Report) -> Callable[[str], Num | None]:
    """``value`` for every cell of one report, as the identities take it."""
    unknown = unknown_cells(report)
    return lambda cid: value(report, cid, unknown)


def fmt(v: Num | None) -> str:
    """A number in a finding's message (the schema's one formatter; 空 for a cell without one)."""
    return number_text(v, blank="空")
