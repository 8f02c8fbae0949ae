"""Excel: the fill-in template agencies already work in, and the store exported for reviewers.

The template is one sheet in the official layout (merged headers, label cells locked, number cells
validated as non-negative) plus a 核对 sheet whose formulas show the 总计 column and the O1 balance
live while the agency types. The reader ingests a filled template like any other report.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from .model import Report
from .schema import FormatVersion, Row, Table, get_format, version_for_year

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


def write_t2(s: _Sheet, table: Table) -> None:
    blocks: dict[str, list[Row]] = {}
    for r in table.rows:
        blocks.setdefault(r.block or "", []).append(r)
    for item, rows in blocks.items():
        s.label(s.row, 1, item, c2=3 + 3)
        s.row += 1
        cols = rows[0].columns
        s.label(s.row, 1, "信息内容", c2=3)
        for j, c in enumerate(cols):
            s.label(s.row, 4 + j * (3 // len(cols)), c.label, c2=(6 if len(cols) == 1 else 4 + j))
        s.row += 1
        for r in rows:
            s.label(s.row, 1, r.label, c2=3, head=False)
            for j, c in enumerate(cols):
                s.value(s.row, 4 + j, r.cell_id("t2", c), c2=(6 if len(cols) == 1 else None))
            s.row += 1
    s.row += 1


def write_t3(s: _Sheet, table: Table) -> dict[str, int]:
    cols = table.rows[0].columns
    orgs = [c for c in cols if c.group]
    top = s.row
    s.label(top, 1, table.note or "", r2=top + 2, c2=3)
    s.label(top, 4, "申请人情况", c2=3 + len(cols))
    s.label(top + 1, 4, "自然人", r2=top + 2)
    s.label(top + 1, 5, "法人或其他组织", c2=4 + len(orgs))
    s.label(top + 1, 3 + len(cols), "总计", r2=top + 2)
    for j, c in enumerate(orgs):
        s.label(top + 2, 5 + j, c.label)
    s.row = top + 3
    rows_at: dict[str, int] = {}
    results = [r for r in table.rows if r.role in ("result", "total")]
    first_result = s.row + 2
    groups: dict[str, list[int]] = {}
    for r in table.rows:
        rows_at[r.id] = s.row
        if r.role in ("in", "out"):
            s.label(s.row, 1, r.label, c2=3, head=False)
        elif r.group and not r.group.startswith("三、"):
            groups.setdefault(r.group, []).append(s.row)
            s.label(s.row, 3, r.label, head=False)
        else:
            s.label(s.row, 2, r.label, c2=3, head=False)
        for j, c in enumerate(cols):
            s.value(s.row, 4 + j, r.cell_id("t3", c))
        s.row += 1
    s.label(first_result, 1, "三、本年度办理结果", r2=first_result + len(results) - 1)
    for group, rws in groups.items():
        s.label(rws[0], 2, group, r2=rws[-1])
    s.row += 1
    return rows_at


def write_t4(s: _Sheet, table: Table) -> None:
    cols = table.rows[0].columns
    n = len(cols)
    top = s.row
    s.label(top, 1, "行政复议", c2=n)
    s.label(top, n + 1, "行政诉讼", c2=3 * n)
    for j, c in enumerate(cols):
        s.label(top + 1, 1 + j, c.label, r2=top + 2)
    s.label(top + 1, n + 1, "未经复议直接起诉", c2=2 * n)
    s.label(top + 1, 2 * n + 1, "复议后起诉", c2=3 * n)
    for j, c in enumerate(list(cols) * 2):
        s.label(top + 2, n + 1 + j, c.label)
    for j, cid in enumerate(table.cell_ids()):
        s.value(top + 3, 1 + j, cid)
    s.row = top + 5


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


def _check_sheet(wb: Any, s: _Sheet, rows_at: dict[str, int], table: Table) -> None:
    """Live formulas: each 表三 row's applicant sum beside its 总计, and the O1 balance per column."""
    ws = wb.create_sheet(CHECK_SHEET)
    ws.append(["表三各行：六类申请人之和应等于总计"])
    ws.append(["行", "六类申请人之和", "总计", "是否一致"])
    for r in table.rows:
        at = rows_at[r.id]
        i = ws.max_row + 1
        ws.append([r.label, f"=SUM('{SHEET}'!D{at}:I{at})", f"='{SHEET}'!J{at}", f'=IF(B{i}=C{i},"一致","不一致")'])
    ws.append([])
    ws.append(["表三各列收支平衡：一+二 应等于 （七）总计+四"])
    ws.append(["列", "一+二", "（七）总计+四", "是否一致"])
    for j, c in enumerate(table.rows[0].columns):
        col = chr(ord("D") + j)
        i = ws.max_row + 1
        ws.append([c.label, f"='{SHEET}'!{col}{rows_at['new']}+'{SHEET}'!{col}{rows_at['carried_in']}",
                   f"='{SHEET}'!{col}{rows_at['total']}+'{SHEET}'!{col}{rows_at['carried_out']}",
                   f'=IF(B{i}=C{i},"一致","不一致")'])
    ws.column_dimensions["A"].width = 60
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
    write_t2(s, fmt.table("t2"))
    s.label(s.row, 1, "三、收到和处理政府信息公开申请情况", c2=WIDTH, head=False)
    s.row += 1
    rows_at = write_t3(s, fmt.table("t3"))
    s.label(s.row, 1, "四、政府信息公开行政复议、行政诉讼情况", c2=WIDTH, head=False)
    s.row += 1
    write_t4(s, fmt.table("t4"))
    s.prose("五", "五、存在的主要问题及改进情况")
    s.prose("六", "六、其他需要报告的事项")
    for col, w in zip("ABCDEFGHIJKLMNO", (6, 12, 34) + (9,) * 12):
        ws.column_dimensions[col].width = w
    _validate(s)
    ws.protection.sheet = True
    _check_sheet(wb, s, rows_at, fmt.table("t3"))
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


def tidy_rows(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """One row per cell: agency, year, format, cell id, table, row label, column label, value, printed text."""
    out = []
    for r in reports:
        fmt = get_format(r.format)
        for cid in fmt.cell_ids():
            table, row, col = fmt.cell(cid)
            out.append({"agency": r.agency, "year": r.year, "format": r.format, "cell_id": cid, "table": table.id,
                        "row_label": row.label, "column_label": col.label, "value": r.cells.get(cid),
                        "raw": r.raw.get(cid, "")})
    return out


def export_workbook(reports: list[Report], path: str | Path) -> Path:
    """The tidy table on sheet 数据, and one sheet per table with each report in the official layout."""
    import openpyxl

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "数据"
    rows = tidy_rows(reports)
    header = ["agency", "year", "format", "cell_id", "table", "row_label", "column_label", "value", "raw"]
    data.append(header)
    for row in rows:
        data.append([row[h] for h in header])
    for tid, name in (("t2", "表二"), ("t3", "表三"), ("t4", "表四")):
        ws = wb.create_sheet(name)
        s = _Sheet(ws, None, get_format("gov2021"))
        for rep in reports:
            s.report, s.fmt = rep, get_format(rep.format)
            s.label(s.row, 1, f"{rep.agency} {rep.year}年（{rep.format}）", c2=WIDTH, head=False)
            ws.cell(s.row, 1).font = s.st["bold"]
            s.row += 1
            {"t2": write_t2, "t3": write_t3, "t4": write_t4}[tid](s, s.fmt.table(tid))
            s.row += 1
    wb.save(str(path))
    return Path(path)
