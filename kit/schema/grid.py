"""The official layout of each table as a grid of boxes with their spans, built once from the model.

The HTML report, the Excel template and export, and the DOCX writer all draw the same grid; each
only decides how a box looks. The shapes follow the official blank template (国办公开办函〔2021〕30号):
表二 in blocks of 第二十条 items, each with its 信息内容 header row; 表三 with its three header rows
(the 勾稽 note, 申请人情况, 自然人 / 法人或其他组织 / 总计, the five organisation columns), the
vertical 三、本年度办理结果 and the group labels （三）–（六）; 表四 with 行政复议 / 行政诉讼 over the
three groups. Local templates that add 小计 columns and rows (``subtotals=True``) are drawn from
the same grid, their boxes naming the cells they add up.
"""
from __future__ import annotations

from dataclasses import dataclass

from .formats import Column, FormatVersion, Row, Table

SUBTOTAL = "小计"


@dataclass(frozen=True)
class Box:
    """One box of the grid: a printed label, or a value cell (``cell``), or a local subtotal (``parts``)."""

    row: int
    col: int
    kind: str                     # block | head | note | vertical | group | label | value | subtotal
    text: str = ""
    cell: str | None = None
    rowspan: int = 1
    colspan: int = 1
    parts: tuple[str, ...] = ()   # subtotal: the cells it adds up

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class Grid:
    table: Table
    width: int
    height: int
    header_rows: int              # the first rows form the header that repeats on every page
    boxes: tuple[Box, ...]

    def rows(self) -> list[list[Box]]:
        """The boxes that start on each grid row, left to right."""
        out: list[list[Box]] = [[] for _ in range(self.height)]
        for b in self.boxes:
            out[b.row].append(b)
        return [sorted(r, key=lambda b: b.col) for r in out]


def spread(n: int, width: int) -> list[tuple[int, int]]:
    """(first, span) of ``n`` columns spread over ``width`` grid columns, the last one taking the rest."""
    size = width // n
    return [(i * size, width - i * size if i == n - 1 else size) for i in range(n)]


def official_grid(fmt: FormatVersion, table_id: str, *, label_span: int = 1, subtotals: bool = False) -> Grid:
    """The grid of one table; ``label_span`` widens 表二's label column (to line up with 表三's three)."""
    table = fmt.table(table_id)
    if table_id == "t2":
        return _t2(table, label_span)
    if table_id == "t3":
        return _t3(table, subtotals)
    return _t4(table)


def _t2(table: Table, label_span: int) -> Grid:
    values = len(table.columns)
    width = label_span + values
    boxes: list[Box] = []
    r = 0
    for item, rows in table.blocks():
        cols = rows[0].columns
        spans = spread(len(cols), values)
        boxes.append(Box(r, 0, "block", item, colspan=width))
        boxes.append(Box(r + 1, 0, "head", "信息内容", colspan=label_span))
        boxes += [Box(r + 1, label_span + a, "head", c.label, colspan=n) for (a, n), c in zip(spans, cols)]
        r += 2
        for row in rows:
            boxes.append(Box(r, 0, "label", row.label, colspan=label_span))
            boxes += [Box(r, label_span + a, "value", cell=row.cell_id(table.id, c), colspan=n)
                      for (a, n), c in zip(spans, cols)]
            r += 1
    return Grid(table, width, r, 0, tuple(boxes))


@dataclass(frozen=True)
class _Slot:
    """A value column of 表三's grid: a column of the table, or (column None) a local 小计 of a group."""

    column: Column | None
    group: str | None


def _t3(table: Table, subtotals: bool) -> Grid:
    cols = table.columns
    labels = 3
    slots: list[_Slot] = []
    for j, c in enumerate(cols):
        slots.append(_Slot(c, c.group))
        if subtotals and c.group and (j + 1 == len(cols) or cols[j + 1].group != c.group):
            slots.append(_Slot(None, c.group))
    boxes = [Box(0, 0, "note", table.note, rowspan=3, colspan=labels),
             Box(0, labels, "head", "申请人情况", colspan=len(slots))]
    j = 0
    while j < len(slots):
        group = slots[j].group
        if group is None:
            boxes.append(Box(1, labels + j, "head", _label(slots[j]), rowspan=2))
            j += 1
            continue
        n = next((k for k in range(j, len(slots)) if slots[k].group != group), len(slots)) - j
        boxes.append(Box(1, labels + j, "head", group, colspan=n))
        boxes += [Box(2, labels + k, "head", _label(slots[k])) for k in range(j, j + n)]
        j += n

    def cells_of(rows: list[Row], slot: _Slot) -> tuple[str, ...]:
        chosen = [slot.column] if slot.column else [c for c in cols if c.group == slot.group]
        return tuple(r.cell_id(table.id, c) for r in rows for c in chosen)

    def values(r: int, rows: list[Row], subtotal: bool = False) -> list[Box]:
        # one table row: its cells, and its local 小计 column; a 小计 row: the sums over its group
        out = []
        for k, slot in enumerate(slots):
            ids = cells_of(rows, slot)
            if slot.column and not subtotal:
                out.append(Box(r, labels + k, "value", cell=ids[0]))
            else:
                out.append(Box(r, labels + k, "subtotal", parts=ids))
        return out

    r, first_result, members = 3, None, []
    for i, row in enumerate(table.rows):
        if row.role in ("in", "out"):
            boxes.append(Box(r, 0, "label", row.label, colspan=labels))
            boxes += values(r, [row])
            r += 1
            continue
        first_result = r if first_result is None else first_result
        if row.group:
            members.append(row)
            boxes.append(Box(r, 2, "label", row.label))
        else:
            boxes.append(Box(r, 1, "label", row.label, colspan=2))
        boxes += values(r, [row])
        r += 1
        nxt = table.rows[i + 1] if i + 1 < len(table.rows) else None
        if row.group and (nxt is None or nxt.group != row.group):
            boxes.append(Box(r - len(members), 1, "group", row.group, rowspan=len(members)))
            if subtotals:
                boxes.append(Box(r, 1, "label", f"{row.group}{SUBTOTAL}", colspan=2))
                boxes += values(r, members, subtotal=True)
                r += 1
            members = []
        if nxt is None or nxt.role not in ("result", "total"):
            boxes.append(Box(first_result, 0, "vertical", table.results_label, rowspan=r - first_result))
    return Grid(table, labels + len(slots), r, 3, tuple(boxes))


def _label(slot: _Slot) -> str:
    return slot.column.label if slot.column else SUBTOTAL


def _t4(table: Table) -> Grid:
    cols = table.columns
    n = len(cols)
    boxes: list[Box] = []
    parents: dict[str, int] = {}
    for g, row in enumerate(table.rows):
        at = g * n
        if row.group is None:  # a group of its own (行政复议): its label on top, its columns below
            boxes.append(Box(0, at, "head", row.label, colspan=n))
            boxes += [Box(1, at + j, "head", c.label, rowspan=2) for j, c in enumerate(cols)]
        else:                  # under a parent (行政诉讼): parent, then the group, then its columns
            if row.group not in parents:
                parents[row.group] = at
                span = n * sum(1 for x in table.rows if x.group == row.group)
                boxes.append(Box(0, at, "head", row.group, colspan=span))
            boxes.append(Box(1, at, "head", row.label, colspan=n))
            boxes += [Box(2, at + j, "head", c.label) for j, c in enumerate(cols)]
        boxes += [Box(3, at + j, "value", cell=row.cell_id(table.id, c)) for j, c in enumerate(cols)]
    return Grid(table, n * len(table.rows), 4, 3, tuple(boxes))
