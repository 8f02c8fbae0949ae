"""DOCX (python-docx) and XLSX (openpyxl) reports, through the shared grid->text path.

Both are zip files: the archive is checked against limits on entry count and unpacked size
before anything is parsed, so a zip bomb is refused rather than unpacked.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ..config import limit
from ..errors import InputError
from ..schema import number_text
from .grid import grid_lines

MAX_ENTRIES = 2000


def _check_zip(data: bytes, path: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(path, f"not a valid DOCX/XLSX (zip) file: {e}") from None
    if len(infos) > MAX_ENTRIES:
        raise InputError(path, f"zip has {len(infos)} entries, over the limit of {MAX_ENTRIES}")
    unpacked = sum(i.file_size for i in infos)
    most = limit("XXGK_MAX_UNPACKED")
    if unpacked > most:
        raise InputError(path, f"zip unpacks to {unpacked:,} bytes, over the limit of {most:,} bytes "
                               "(XXGK_MAX_UNPACKED)")
    for i in infos:
        if i.compress_size and i.file_size / i.compress_size > 1000:
            raise InputError(path, f"zip entry {i.filename} has a compression ratio over 1000:1 (a zip bomb?)")
    return zf


def office_to_text(data: bytes, path: str) -> tuple[str, str]:
    """(text with pipe tables, reader name) of a DOCX or XLSX file."""
    zf = _check_zip(data, path)
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return docx_to_text(data, path), "docx"
    if "xl/workbook.xml" in names:
        return xlsx_to_text(data, path), "xlsx"
    raise InputError(path, "a zip file that is neither DOCX nor XLSX")


def _docx_grid(table: Any) -> list[list[str | None]]:
    grid: list[list[str | None]] = []
    prev_row_tcs: list[Any] = []
    for row in table.rows:
        out: list[str | None] = []
        tcs: list[Any] = []
        for j, cell in enumerate(row.cells):
            tc = cell._tc
            covered = (tcs and tcs[-1] is tc) or (j < len(prev_row_tcs) and prev_row_tcs[j] is tc)
            out.append(None if covered else cell.text)
            tcs.append(tc)
        prev_row_tcs = tcs
        grid.append(out)
    return grid


def docx_to_text(data: bytes, path: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types on a broken package
        raise InputError(path, f"not a readable DOCX: {type(e).__name__}: {e}") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.extend(grid_lines(_docx_grid(Table(child, document))))
    if not any("|" in ln for ln in lines):
        raise InputError(path, "the DOCX holds no table")
    return "\n".join(lines)


def xlsx_to_text(data: bytes, path: str) -> str:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:
        raise InputError(path, f"not a readable XLSX: {type(e).__name__}: {e}") from None
    lines: list[str] = []
    for ws in wb.worksheets:
        if ws.title.startswith("核对"):
            continue  # the template's live-formula sheet repeats the numbers
        covered = set()
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        covered.add((r, c))
        grid: list[list[str | None]] = []
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells: list[str | None] = []
            for c, cell in enumerate(row, start=1):
                if (r, c) in covered:
                    cells.append(None)
                else:
                    v = cell.value
                    cells.append("" if v is None else (number_text(v) if isinstance(v, (int, float)) else str(v)))
            grid.append(cells)
        # the template names the agency and year in cells of their own: make them a title line
        fields = {}
        for row in grid:
            vals = [c for c in row if c]
            for k in range(len(vals) - 1):
                if vals[k] in ("机关名称", "报告年度"):
                    fields[vals[k]] = vals[k + 1]
        if fields.get("机关名称") and re.fullmatch(r"\d{4}", fields.get("报告年度", "")):
            lines.append(f"{fields['机关名称']}{fields['报告年度']}年政府信息公开工作年度报告")
        # rows with a single text cell are headings and prose, the rest are table rows
        block: list[list[str | None]] = []
        for row in grid:
            if any(c in ("机关名称", "报告年度") for c in row if c):
                continue
            filled = [c for c in row if c]
            if len(filled) == 1 and not filled[0].replace(".", "").isdigit():
                if block:
                    lines.extend(grid_lines(block))
                    block = []
                lines.append(filled[0])
            elif filled:
                block.append(row)
        if block:
            lines.extend(grid_lines(block))
    return "\n".join(lines)
