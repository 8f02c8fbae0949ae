"""The tables' identities as functions over cell values, derived from the format JSON.

Each table declares its identities as data::

    {"rule": "S1", "each": "row", "sum": ["part"], "equals": ["total"]}
    {"rule": "O1", "each": "column", "sum": ["in"], "equals": ["total", "out"]}

``each: row`` relates columns of one row by their role (the six applicant columns add up to 总计),
``each: column`` relates rows of one column by their role (the result rows add up to （七）总计).
One :class:`Identity` per row or column results. Readers (choosing how to split a glued digit run),
the OCR reader (flagging a row it may have misread), the checks (S1, S2, O1, S4, the wrong-column
diagnosis) and the Excel template's live formulas all evaluate these same objects; each passes a
function that says what a cell's value is for it (a reading, a stored report, a blank as 0 ...).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..errors import FormatError

if TYPE_CHECKING:
    from .formats import Table

Number = int | float
Value = Number | None
Getter = Callable[[str], Value]
TOLERANCE = 1e-9  # printed decimals added in floating point


@dataclass(frozen=True)
class Identity:
    """``sum(left) == sum(right)`` over the named cells of one table."""

    rule: str                 # S1 | S2 | O1 | S4
    table: str
    each: str                 # row | column
    key: str                  # the row id (each row) or the column id (each column)
    left: tuple[str, ...]     # cell ids added on the left
    right: tuple[str, ...]    # cell ids added on the right

    @property
    def cells(self) -> tuple[str, ...]:
        return self.left + self.right

    def values(self, get: Getter) -> tuple[list[Number], list[Number]] | None:
        """The values of both sides, or None when ``get`` knows no value for one of the cells."""
        left: list[Number] = []
        right: list[Number] = []
        for side, ids in ((left, self.left), (right, self.right)):
            for cid in ids:
                v = get(cid)
                if v is None:
                    return None
                side.append(v)
        return left, right

    def residual(self, get: Getter) -> Number | None:
        """``sum(left) - sum(right)``; None when a value is unknown."""
        vals = self.values(get)
        if vals is None:
            return None
        return sum(vals[0]) - sum(vals[1])

    def holds(self, get: Getter) -> bool | None:
        """True or False when every value is known, None otherwise."""
        r = self.residual(get)
        return None if r is None else abs(r) < TOLERANCE


def balanced(left: Sequence[Number], right: Sequence[Number]) -> bool:
    """Whether two sides add up to the same number (the identities' own tolerance)."""
    return abs(sum(left) - sum(right)) < TOLERANCE


def derive(table: "Table") -> tuple[Identity, ...]:
    """The identities a table declares, one per row or column."""
    out: list[Identity] = []
    for decl in table.declared:
        out.extend(_expand(table, decl))
    return tuple(out)


def _expand(table: "Table", decl: dict[str, Any]) -> list[Identity]:
    rule, each = decl["rule"], decl["each"]
    left, right = set(decl["sum"]), set(decl["equals"])
    out: list[Identity] = []
    if each == "row":
        for row in table.rows:
            l_ids = tuple(row.cell_id(table.id, c) for c in row.columns if c.role in left)
            r_ids = tuple(row.cell_id(table.id, c) for c in row.columns if c.role in right)
            out.append(Identity(rule, table.id, each, row.id, l_ids, r_ids))
    elif each == "column":
        for col in table.columns:
            l_ids = tuple(r.cell_id(table.id, col) for r in table.rows if r.role in left)
            r_ids = tuple(r.cell_id(table.id, col) for r in table.rows if r.role in right)
            out.append(Identity(rule, table.id, each, col.id, l_ids, r_ids))
    else:
        raise FormatError(f"identity {rule} of table {table.id}: 'each' must be row or column, not {each!r}")
    empty = [i for i in out if not i.left or not i.right]
    if empty:
        raise FormatError(f"identity {rule} of table {table.id} has an empty side for {empty[0].key}")
    return out
