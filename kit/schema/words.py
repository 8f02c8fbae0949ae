"""Cells named by their place in the tables, in words a reviewer reads at a glance.

A finding naming 21 cells is, for a reader, "表三 （六）1.–3. 三行（各7列）", not 21 ids stacked; the
ids stay in the JSON and, collapsed, in the HTML.
"""
from __future__ import annotations

from ..errors import FormatError
from .formats import FormatVersion, Row, Table

__all__ = ["cells_in_words"]


def _name(row: Row, most: int = 14) -> str:
    """A row's label, short: "（六）1.申请人无正当理由…" (a numbered sub-row with its group's number)."""
    label = row.label.split("（区分")[0]
    if label[:1].isdigit() and row.group and row.group.startswith("（"):
        label = row.group[:row.group.index("）") + 1] + label
    return label if len(label) <= most else label[:most - 1] + "…"


def _rows_phrase(table: Table, rows: list[Row]) -> str:
    order = [r.id for r in table.rows]
    idx = sorted(order.index(r.id) for r in rows)
    if len(rows) == 1:
        return f"“{_name(rows[0])}”一行"
    if idx == list(range(idx[0], idx[-1] + 1)):
        return f"“{_name(table.rows[idx[0]])}”至“{_name(table.rows[idx[-1]])}” {len(rows)} 行"
    return f"“{_name(rows[0])}”等 {len(rows)} 行"


def _table_phrase(table: Table, cells: list[tuple[Row, str]]) -> str:
    """One table's cells, each (row, column id), as a phrase."""
    by_row: dict[str, list[str]] = {}
    for row, col_id in cells:
        by_row.setdefault(row.id, []).append(col_id)
    rows = [table.row(r) for r in by_row]
    full = [r for r in rows if len(set(by_row[r.id])) == len(r.columns)]
    if len(full) == len(rows):
        width = {len(r.columns) for r in rows}
        if len(rows) == 1:
            return f"{table.name}“{_name(rows[0])}”整行"
        each = f"（各 {width.pop()} 列）" if len(width) == 1 else ""
        return f"{table.name}{_rows_phrase(table, rows)}{each}"
    columns = {c for cs in by_row.values() for c in cs}
    if len(columns) == 1 and len(rows) > 1:
        col = table.column(columns.pop()).label
        return f"{table.name}“{col}”列的{_rows_phrase(table, rows)}"
    parts = []
    for r in rows:
        cols = [c.label for c in r.columns if c.id in by_row[r.id]]
        shown = "“" + "”“".join(cols[:3]) + "”" + (f"等 {len(cols)} 栏" if len(cols) > 3 else "")
        parts.append(f"“{_name(r)}”的{shown}")
    if len(parts) > 3:
        return f"{table.name} {len(parts)} 行的 {len(cells)} 个单元格（{'；'.join(parts[:2])}；…）"
    return table.name + "；".join(parts)


def cells_in_words(fmt: FormatVersion, cells: list[str]) -> str:
    """``cells`` as a phrase per table: a whole row or rows ("表三“（一）予以公开”整行"), a column over
    rows ("表三“总计”列的…"), else each row's columns; unknown ids as they are."""
    by_table: dict[str, list[tuple[Row, str]]] = {}
    odd: list[str] = []
    for cid in cells:
        try:
            table, row, col = fmt.cell(cid)
        except FormatError:  # an id of another format version: shown as it is
            odd.append(cid)
            continue
        by_table.setdefault(table.id, []).append((row, col.id))
    phrases = [_table_phrase(fmt.table(t), placed) for t, placed in by_table.items()]
    return "；".join(phrases + odd)
