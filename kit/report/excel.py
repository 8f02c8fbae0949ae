"""Excel: the fill-in template agencies already work in, and the store exported for reviewers.

The template is one sheet in the official layout (merged headers, label cells locked, number cells
validated as non-negative) plus a 核对 sheet whose formulas show every identity of 表三 and 表四
(S1, S2, O1, S4) live while the agency types. The reader ingests a filled template like any other report.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Report
from ..schema import TABLE_NAMES, FormatVersion, get_format, official_grid, version_for_year

SHEET = "年度报告"
CHECK_SHEET = "核对"
WIDTH = 10  # label columns A:C, then seven value columns D:J (表三); 表四 spans A:O


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="444444")
    return {"border": Border(left=thin, right=thin, top=thin, bottom=thin),
            "head": PatternFill("solid", fgColor="F3EFE6"), "input": PatternFill("solid", fgColor="FFFFFF"),
            "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
            "bold": Font(bold=True), "title": Font(bold=True, size=14, color="A31515")}


class _Sheet:
    """Writes label and value cells, remembering which cell holds which cell id."""

    def __init__(self, ws: Any, report: Report | None, fmt: FormatVersion) -> None:
        self.ws, self.report, self.fmt = ws, report, fmt
        self.st = _styles()
        self.where: dict[str, str] = {}  # cell id -> A1 coordinate
        self.row = 1

    def label(self, r: int, c: int, text: str, *, r2: int | None = None, c2: int | None = None,
              head: bool = True) -> None:
        ws = self.ws
        if (r2 and r2 != r) or (c2 and c2 != c):
            ws.merge_cells(start_row=r, start_column=c, end_row=r2 or r, end_column=c2 or c)
        cell = ws.cell(r, c, text)
        cell.alignment = self.st["center"] if head else self.st["left"]
        for rr in range(r, (r2 or r) + 1):
            for cc in range(c, (c2 or c) + 1):
                ws.cell(rr, cc).border = self.st["border"]
                if head:
                    ws.cell(rr, cc).fill = self.st["head"]

    def value(self, r: int, c: int, cid: str, *, c2: int | None = None) -> None:
        from openpyxl.styles import Protection

        if c2 and c2 != c:
            self.ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c2)
        cell = self.ws.cell(r, c)
        if self.report is not None:
            v = self.report.cells.get(cid)
            raw = self.report.raw.get(cid, "")
            cell.value = v if v is not None else (raw or None)
        cell.protection = Protection(locked=False)
        cell.border = self.st["border"]
        cell.alignment = self.st["center"]
        self.where[cid] = cell.coordinate

    def prose(self, key: str, title: str) -> None:
        from openpyxl.styles import Protection

        self.label(self.row, 1, title, c2=WIDTH, head=False)
        self.ws.cell(self.row, 1).font = self.st["bold"]
        self.row += 1
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=WIDTH)
        cell = self.ws.cell(self.row, 1, (self.report.sections.get(key) or None) if self.report else None)
        cell.alignment = self.st["left"]
        cell.protection = Protection(locked=False)
        self.ws.row_dimensions[self.row].height = 90
        self.row += 2


def write_table(s: _Sheet, table_id: str) -> None:
    """One table in the official layout (the schema's grid) from the sheet's current row, then a blank row.

    表二's label column spans A:C, so its values line up with 表三's below it.
    """
    grid = official_grid(s.fmt, table_id, label_span=3 if table_id == "t2" else 1)
    top = s.row
    for b in grid.boxes:
        r, c = top + b.row, 1 + b.col
        if b.cell:
            s.value(r, c, b.cell, c2=c + b.colspan - 1)
        else:
            s.label(r, c, b.text, r2=r + b.rowspan - 1, c2=c + b.colspan - 1, head=b.kind != "label")
    s.row = top + grid.height + 1


def _validate(s: _Sheet) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    kinds: dict[str, list[str]] = {"count": [], "amount": [], "delta": []}
    for cid, coord in s.where.items():
        kinds[s.fmt.cell(cid)[2].kind].append(coord)
    rules = {
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                error="请填写非负整数（没有时填 0）", errorTitle="件数"),
        "amount": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 error="请填写非负数（单位见表头）", errorTitle="金额"),
        "delta": DataValidation(type="whole", allow_blank=True, operator="between", formula1="-1000000000",
                                formula2="1000000000", error="请填写整数（减少时为负数）", errorTitle="增减"),
    }
    for kind, coords in kinds.items():
        if coords:
            dv = rules[kind]
            dv.showErrorMessage = True
            s.ws.add_data_validation(dv)
            for coord in coords:
                dv.add(coord)


def _check_sheet(wb: Any, s: _Sheet) -> None:
    """Live formulas, one line per identity of 表三 and 表四 (the schema's: S1 per row, S2 and O1 per
    column, S4 per group): both sides' sums and whether they agree, while the agency types."""
    from ..checks import REGISTRY, rules

    list(rules())  # the rule registry, for each identity's title
    ws = wb.create_sheet(CHECK_SHEET)
    ws.append(["表三、表四的勾稽关系：每行的两边之和应相等"])
    ws.append(["规则", "行或列", "相加的一方", "等于的一方", "是否一致"])
    for identity in s.fmt.identities():
        table = s.fmt.table(identity.table)
        what = table.row(identity.key).label if identity.each == "row" else table.column(identity.key).label
        i = ws.max_row + 1
        left, right = (",".join(f"'{SHEET}'!{s.where[c]}" for c in side) for side in (identity.left, identity.right))
        ws.append([f"{identity.rule} {REGISTRY[identity.rule].title}", f"{table.name} {what}", f"=SUM({left})",
                   f"=SUM({right})", f'=IF(C{i}=D{i},"一致","不一致")'])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 60
    ws.protection.sheet = True


def workbook(version: str, report: Report | None = None, *, agency: str | None = None,
             year: int | None = None) -> Any:
    """The fill-in workbook of one format version (filled with ``report``'s numbers when given)."""
    return _build(version, report, agency, year)[0]


def _build(version: str, report: Report | None, agency: str | None, year: int | None) -> tuple[Any, dict[str, str]]:
    import openpyxl

    fmt = get_format(version)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    s = _Sheet(ws, report, fmt)
    agency = agency or (report.agency if report else None)
    year = year or (report.year if report else None)
    s.label(1, 1, "政府信息公开工作年度报告", c2=WIDTH, head=False)
    ws.cell(1, 1).font = s.st["title"]
    s.label(2, 1, "机关名称")
    s.label(2, 2, agency or "", c2=5, head=False)
    s.label(2, 6, "报告年度")
    s.label(2, 7, str(year or ""), head=False)
    s.label(2, 8, "格式版本")
    s.label(2, 9, version, c2=WIDTH)
    from openpyxl.styles import Protection

    for coord in ("B2", "G2"):
        ws[coord].protection = Protection(locked=False)
    s.row = 4
    s.prose("一", "一、总体情况")
    s.label(s.row, 1, "二、主动公开政府信息情况", c2=WIDTH, head=False)
    s.row += 1
    write_table(s, "t2")
    s.label(s.row, 1, "三、收到和处理政府信息公开申请情况", c2=WIDTH, head=False)
    s.row += 1
    write_table(s, "t3")
    s.label(s.row, 1, "四、政府信息公开行政复议、行政诉讼情况", c2=WIDTH, head=False)
    s.row += 1
    write_table(s, "t4")
    s.prose("五", "五、存在的主要问题及改进情况")
    s.prose("六", "六、其他需要报告的事项")
    for col, w in zip("ABCDEFGHIJKLMNO", (6, 12, 34) + (9,) * 12):
        ws.column_dimensions[col].width = w
    _validate(s)
    ws.protection.sheet = True
    _check_sheet(wb, s)
    wb.active = 0
    return wb, s.where


def write_template(path: str | Path, version: str | None = None, *, agency: str | None = None,
                   year: int | None = None, report: Report | None = None) -> Path:
    version = version or (report.format if report else version_for_year(year or 2021))
    wb = workbook(version, report, agency=agency, year=year)
    wb.save(str(path))
    return Path(path)


def cell_coordinates(version: str) -> dict[str, str]:
    """Where each cell id sits on the template's sheet (to fill it programmatically)."""
    return _build(version, None, None, None)[1]


def export_workbook(reports: list[Report], path: str | Path) -> Path:
    """The tidy table on sheet 数据, and one sheet per table with each report in the official layout."""
    import openpyxl

    from .export import TIDY_COLUMNS, tidy_rows

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "数据"
    data.append(TIDY_COLUMNS)
    for row in tidy_rows(reports):
        data.append([row[h] for h in TIDY_COLUMNS])
    for tid, name in TABLE_NAMES.items():
        ws = wb.create_sheet(name)
        s = _Sheet(ws, None, get_format("gov2021"))
        for rep in reports:
            s.report, s.fmt = rep, get_format(rep.format)
            s.label(s.row, 1, f"{rep.agency} {rep.year}年（{rep.format}）", c2=WIDTH, head=False)
            ws.cell(s.row, 1).font = s.st["bold"]
            s.row += 1
            write_table(s, tid)
    wb.save(str(path))
    return Path(path)
