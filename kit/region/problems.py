"""The region-year's problem list (问题清单.xlsx): one row per finding, for reviewers to fill in.

One sheet, 问题清单: an optional title row, then the header (frozen, with an autofilter) and one row
per problem. The last three columns are left empty for the reviewers: 整改状态 is validated by a
drop-down of :data:`STATUSES`, 说明 and 审核人 are free text. The 问题编号 column is greyed to say
"do not edit" without locking the sheet. :func:`read_problems` reads a filled sheet back, checking
its columns and statuses. The same rows always give the same bytes (fixed properties and zip stamps).
"""
from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError, OutputError, ParameterError
from .notice import stable_zip

__all__ = ["COLUMNS", "SEVERITY_NAMES", "SHEET", "STATUSES", "ProblemRow", "read_problems", "read_sheet", "write_problems"]

SHEET = "问题清单"
STATUSES = ("待整改", "不是问题", "已整改")
COLUMNS = ("问题编号", "区域", "单位", "年度", "规则", "严重程度", "涉及单元格", "问题说明", "核查情况", "整改状态", "说明",
           "审核人")
OPTIONAL = ("核查情况",)  # written by the kit, not needed to read a sheet back (one from before it had it)
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
WIDTHS = (20, 10, 26, 7, 9, 9, 16, 56, 14, 11, 30, 10)
REVIEW = COLUMNS[-3:]  # filled in by reviewers
STAMP = datetime(2000, 1, 1)  # the workbook's created/modified: fixed, so that equal rows give equal files
_SEVERITY_COLOURS = {"错误": "A31515", "警告": "B36B00", "提示": "555555"}
_CENTERED = {"年度", "严重程度", "整改状态", "审核人"}


@dataclass(frozen=True)
class ProblemRow:
    """One problem of one agency's report: ``key`` identifies it across runs, ``severity`` is the
    finding's (error/warning/info, shown as 错误/警告/提示), ``cells`` the cell ids it concerns."""
    key: str
    region: str
    agency: str
    year: int
    rule: str
    severity: str
    cells: str
    message: str
    state: str = ""     # what became of it across reviews and re-submissions (kit.review.STATES), if anything
    status: str = ""    # the reviewers' three: the key's latest decision, if any
    reason: str = ""
    reviewer: str = ""

    def values(self) -> tuple[str | int, ...]:
        """The row's cells in :data:`COLUMNS` order."""
        return (self.key, self.region, self.agency, self.year, self.rule,
                SEVERITY_NAMES.get(self.severity, self.severity), self.cells, self.message, self.state, self.status,
                self.reason, self.reviewer)


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="444444")
    return {"border": Border(left=thin, right=thin, top=thin, bottom=thin),
            "head": PatternFill("solid", fgColor="F3EFE6"), "key": PatternFill("solid", fgColor="D9D9D9"),
            "review": PatternFill("solid", fgColor="FFF9E5"),
            "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
            "bold": Font(bold=True), "title": Font(bold=True, size=14)}


def _height(values: Sequence[str | int]) -> float:
    """A row height (pt) that shows every wrapped cell whole: LibreOffice does not re-fit rows on load."""
    lines = 1
    for value, width in zip(values, WIDTHS):
        units = sum(2 if ord(ch) >= 0x2E80 or 0x2010 <= ord(ch) <= 0x206F else 1 for ch in str(value))  # CJK: two
        lines = max(lines, -(-units // max(int(width) - 1, 1)))
    return 16.0 * lines + 4


def _workbook(rows: Sequence[ProblemRow], title: str) -> Any:
    import openpyxl
    from openpyxl.styles import Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    st = _styles()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    last_col = get_column_letter(len(COLUMNS))
    head = 1
    if title:
        ws.merge_cells(f"A1:{last_col}1")
        ws["A1"] = title
        ws["A1"].font, ws["A1"].alignment = st["title"], st["center"]
        ws.row_dimensions[1].height = 28
        head = 2
    for c, name in enumerate(COLUMNS, 1):
        cell = ws.cell(head, c, name)
        cell.font, cell.fill, cell.border, cell.alignment = st["bold"], st["head"], st["border"], st["center"]
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[c - 1]
    for r, row in enumerate(rows, head + 1):
        for c, (name, value) in enumerate(zip(COLUMNS, row.values()), 1):
            cell = ws.cell(r, c, value if value != "" else None)
            cell.border = st["border"]
            cell.alignment = st["center"] if name in _CENTERED else st["left"]
            if name == "问题编号":
                cell.fill, cell.protection = st["key"], Protection(locked=False)
            elif name in REVIEW:
                cell.fill, cell.protection = st["review"], Protection(locked=False)
            elif name == "严重程度" and value in _SEVERITY_COLOURS:
                cell.font = Font(bold=value == "错误", color=_SEVERITY_COLOURS[str(value)])
        ws.row_dimensions[r].height = _height(row.values())
    last = head + max(len(rows), 1)
    ws.freeze_panes = f"A{head + 1}"
    ws.auto_filter.ref = f"A{head}:{last_col}{last}"
    status = get_column_letter(COLUMNS.index("整改状态") + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="整改状态", error="请从下拉列表中选择：" + "、".join(STATUSES),
                        showInputMessage=True, promptTitle="整改状态", prompt="、".join(STATUSES))
    dv.add(f"{status}{head + 1}:{status}1048576")
    ws.add_data_validation(dv)
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"
    wb.properties.creator = wb.properties.lastModifiedBy = "xxgk-kit"
    wb.properties.title = title or SHEET
    wb.properties.created = wb.properties.modified = STAMP
    return wb


def write_problems(rows: Sequence[ProblemRow], path: str | Path, *, title: str = "") -> Path:
    """Write the problem list at ``path`` (its folder made if missing), ``title`` as a first row when given."""
    doubled = sorted(k for k, n in Counter(r.key for r in rows).items() if n > 1)
    if doubled:
        raise ParameterError([f"问题编号 {k} appears more than once" for k in doubled])
    return save_stable(_workbook(rows, title), path, "the problem list")


def save_stable(wb: Any, path: str | Path, what: str) -> Path:
    """Write a workbook whose bytes depend on its content only (fixed stamps), its folder made if missing."""
    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # openpyxl's save() would stamp the clock
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stable_zip(buf.getvalue(), STAMP.date()))
    except OSError as e:
        raise OutputError(f"{path}: cannot write {what}: {e.strerror or e}") from e
    return path


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip()


def read_problems(path: str | Path) -> list[dict[str, str]]:
    """The rows of a (reviewed) problem list, one dict per row keyed by :data:`COLUMNS`, every value a
    string ("" for an empty cell; 严重程度 as shown, in Chinese). Empty rows are skipped and extra
    columns ignored; columns may be in any order. Raises InputError naming the file, row and column
    for a missing sheet or column or a 整改状态 not in :data:`STATUSES` (every such row)."""
    from openpyxl.utils import get_column_letter

    rows, title, where = read_sheet(path)
    bad = [(r, rec["整改状态"]) for r, rec in rows if rec["整改状态"] and rec["整改状态"] not in STATUSES]
    if bad:
        letter = get_column_letter(where["整改状态"] + 1)
        raise InputError(path, "; ".join(f"row {r}, column 整改状态 ({letter}{r}): {status!r} is not one of "
                                         f"{'、'.join(STATUSES)}" for r, status in bad),
                         table=title, cell=f"{letter}{bad[0][0]}")
    return [rec for _, rec in rows]


def read_sheet(path: str | Path) -> tuple[list[tuple[int, dict[str, str]]], str, dict[str, int]]:
    """(row number, record) of every non-empty row, unvalidated; the sheet's title; column positions."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(str(path), data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise InputError(path, f"not a readable Excel workbook: {e}") from e
    try:
        if SHEET in wb.sheetnames:
            ws = wb[SHEET]
        elif len(wb.sheetnames) == 1:
            ws = wb.worksheets[0]
        else:
            raise InputError(path, f"no sheet named {SHEET} (sheets: {'、'.join(wb.sheetnames)})")
        grid = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    head = next((i for i, row in enumerate(grid[:10]) if COLUMNS[0] in row), None)
    if head is None:
        raise InputError(path, f"no header row with a {COLUMNS[0]} column in the first 10 rows", table=ws.title)
    where = {name: i for i, name in reversed(list(enumerate(grid[head]))) if name}
    missing = [name for name in COLUMNS if name not in where and name not in OPTIONAL]
    if missing:
        raise InputError(path, f"row {head + 1}: missing column(s) {'、'.join(missing)}", table=ws.title,
                         cell=f"row {head + 1}")
    out = []
    for r, row in enumerate(grid[head + 1:], head + 2):
        record = {name: row[where[name]] if name in where and where[name] < len(row) else "" for name in COLUMNS}
        if any(record.values()):
            out.append((r, record))
    return out, ws.title, where
