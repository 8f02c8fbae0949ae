"""One agency's annual report as an editable Word document in the official layout.

The title as a 公文 title, the six parts under their official headings with the agency's own text,
and 表二/表三/表四 in parts 二/三/四 as real Word tables drawn from the schema's grid (the merged header
boxes of the official blank template, 国办公开办函〔2021〕30号), their header rows repeated on every
page. Page, fonts and page numbers are :mod:`kit.report.word`'s, as in the region's notice. The kit's
own analysis (:class:`Block`) is appended only when given. The file reads back through
:func:`kit.readers.read_file` to the same cells and section texts, and the same report always gives
the same bytes: its date is the last day of the report's year (or SOURCE_DATE_EPOCH), never the clock.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..model import Report
from ..schema import Box, Grid, get_format, number_text, official_grid
from .layout import SECTION_TABLE
from .word import TEXT_WIDTH_MM, add_style, document_date, font_family, mark_row, new_document, page_setup, save

__all__ = ["Block", "report_title", "write_report_docx"]

AUTHOR = "xxgk-kit"
_STYLE_IDS = {"报告标题": "ReportTitle", "报告一级标题": "ReportHeading1", "报告表格": "ReportTable",
              "报告间隔": "ReportSpacer"}
_DATE_LINE = re.compile(r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*")
_T3_LABELS_MM = (7.0, 20.0, 57.0)  # 表三's label columns: vertical 三、…, the group, the row label


@dataclass
class Block:
    """A section of the kit's own analysis, appended after the agency's report: a title, paragraphs,
    tables (header, rows) and PNG images, in that order."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)


def report_title(report: Report) -> str:
    """"青禾县教育局2024年政府信息公开工作年度报告" (the report's own title when the agency or year is unknown)."""
    if report.agency and report.year:
        return f"{report.agency}{report.year}年政府信息公开工作年度报告"
    return report.title or "政府信息公开工作年度报告"


def _styles(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    serif, sans = font_family("serif"), font_family("sans")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    add_style(doc, "报告标题", _STYLE_IDS["报告标题"], font=serif, size=22, line=36, bold=True, align=centre, after=28)
    add_style(doc, "报告一级标题", _STYLE_IDS["报告一级标题"], font=sans, size=16, line=28, indent=32, outline=0)
    add_style(doc, "报告表格", _STYLE_IDS["报告表格"], font=serif, size=9, line=11, align=centre)  # 小五
    add_style(doc, "报告间隔", _STYLE_IDS["报告间隔"], font=serif, size=6, line=8)


def _paragraphs(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n") if t.strip()]


def _narrative(doc: Any, lines: list[str], *, signed: bool = False) -> None:
    """The agency's paragraphs; with ``signed``, a closing 落款 (name, then date) set to the right as in a 公文."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    sign = 0
    if signed and lines and _DATE_LINE.fullmatch(lines[-1]):
        sign = 2 if len(lines) > 1 and len(lines[-2]) <= 30 and "。" not in lines[-2] else 1
    for k, text in enumerate(lines):
        p = doc.add_paragraph(text)
        if k < len(lines) - sign:
            continue
        date_width = sum(8 if ord(c) < 0x2E80 else 16 for c in lines[-1])  # 成文日期右空四字; 署名以日期居中
        right = 64 if k == len(lines) - 1 else 64 + (date_width - len(text) * 16) / 2
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(max(right, 0))


def _widths(grid: Grid) -> list[float]:
    """Grid column widths in mm, filling the text block: 表三's labels as in the template, values even."""
    if grid.table.id == "t3":
        rest = (TEXT_WIDTH_MM - sum(_T3_LABELS_MM)) / (grid.width - len(_T3_LABELS_MM))
        return [*_T3_LABELS_MM, *[rest] * (grid.width - len(_T3_LABELS_MM))]
    if grid.table.id == "t2":
        return [48.0, *[(TEXT_WIDTH_MM - 48.0) / (grid.width - 1)] * (grid.width - 1)]
    return [TEXT_WIDTH_MM / grid.width] * grid.width


def _cell_margins(table: Any, mm: float) -> None:
    """Narrow left/right cell margins (Word's default is 1.9 mm), so 表三's and 表四's columns hold their numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm * 56.7)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _new_table(doc: Any, rows: int, widths: list[float]) -> tuple[Any, list[Any]]:
    """A fixed-layout bordered table centred in the text block, and its cells row-major (fetched once:
    python-docx recomputes the grid on every ``table.cell``)."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    table = doc.add_table(rows=rows, cols=len(widths))
    table.style, table.alignment, table.autofit = doc.styles["Table Grid"], WD_TABLE_ALIGNMENT.CENTER, False
    _cell_margins(table, 0.8)
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    for row in table.rows:
        row.height, row.height_rule = Mm(6), WD_ROW_HEIGHT_RULE.AT_LEAST  # the template's 340 twips
    return table, table._cells


def _write_cell(cell: Any, text: str, width: float, *, align: Any = None, bold: bool = False,
                keep: bool = False) -> None:
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.shared import Mm

    cell.width, cell.vertical_alignment = Mm(width), WD_ALIGN_VERTICAL.CENTER
    p = cell.paragraphs[0]
    p._p.style = _STYLE_IDS["报告表格"]  # by id: python-docx looks a style name up in the whole styles part
    if align is not None:
        p.alignment = align
    if keep:
        p.paragraph_format.keep_with_next = True
    p.add_run(text).bold = bold or None


def _box_text(report: Report, box: Box) -> str:
    if box.cell:
        return number_text(report.cells.get(box.cell))  # as printed: 12, 4068.2; empty for no number
    return box.text


def _official_table(doc: Any, report: Report, table_id: str) -> None:
    """One statutory table on the schema's grid: the boxes merged first, then their texts written into
    the merged cells (labels left, headers and numbers centred, as in the template)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    grid = official_grid(get_format(report.format), table_id)
    widths = _widths(grid)
    table, cells = _new_table(doc, grid.height, widths)
    for r, row in enumerate(table.rows):
        mark_row(row, header=r < grid.header_rows)
    # 表二's item and 信息内容 rows stay on the page of the rows they head
    heads = {b.row for b in grid.boxes if b.kind in ("block", "head")} if table_id == "t2" else set()
    for b in grid.boxes:
        first = cells[b.row * grid.width + b.col]
        if b.rowspan > 1 or b.colspan > 1:
            first.merge(cells[b.last_row * grid.width + b.last_col])
        left = b.kind in ("label", "note")
        _write_cell(first, _box_text(report, b), sum(widths[b.col:b.last_col + 1]),
                    align=WD_ALIGN_PARAGRAPH.LEFT if left else None, bold=b.kind == "block", keep=b.row in heads)


def _spacer(doc: Any, *, keep: bool = False) -> None:
    # a thin empty paragraph: a gap before a table, and a blank line in the text that ends the part's
    # prose for the readers, whatever its last sentence ends with; ``keep``: on the table's page
    p = doc.add_paragraph(style="报告间隔")
    if keep:
        p.paragraph_format.keep_with_next = True


def _section(doc: Any, report: Report, key: str) -> None:
    sec = get_format(report.format).section(key)
    doc.add_paragraph(f"{sec.key}、{sec.title}", style="报告一级标题")
    lines = _paragraphs(report.sections.get(key, ""))
    table_id = SECTION_TABLE.get(key)
    if table_id is None:
        _narrative(doc, lines, signed=key == "六")
        return
    if key == "四":
        # 表四 is one row of numbers right under its heading: prose printed before it would be read as
        # its values, so the part's text follows the table
        _spacer(doc, keep=True)
        _official_table(doc, report, table_id)
        _spacer(doc)
        _narrative(doc, lines)
        return
    _narrative(doc, lines)
    _spacer(doc, keep=True)
    _official_table(doc, report, table_id)
    _spacer(doc)


def _simple_table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    """An analysis table: a bold header row repeated on every page, the rows as given."""
    width = max([len(header), *(len(r) for r in rows)], default=1)
    widths = [TEXT_WIDTH_MM / width] * width
    table, cells = _new_table(doc, 1 + len(rows), widths)
    for r, (row, values) in enumerate(zip(table.rows, [header, *rows])):
        mark_row(row, header=r == 0)
        for j in range(width):
            _write_cell(cells[r * width + j], values[j] if j < len(values) else "", widths[j], bold=r == 0)


def _image(doc: Any, png: bytes) -> None:
    """A picture centred on a line of its own, at most the text block's width."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    p = doc.add_paragraph()
    pf = p.paragraph_format  # not the body's exact 28 pt pitch, which would crop the picture to one line
    pf.line_spacing_rule, pf.first_line_indent, p.alignment = WD_LINE_SPACING.SINGLE, Pt(0), WD_ALIGN_PARAGRAPH.CENTER
    picture = p.add_run().add_picture(io.BytesIO(png))
    if picture.width > Mm(TEXT_WIDTH_MM):
        picture.height = round(picture.height * Mm(TEXT_WIDTH_MM) / picture.width)
        picture.width = Mm(TEXT_WIDTH_MM)


def _extra(doc: Any, blocks: list[Block]) -> None:
    for k, block in enumerate(blocks):
        heading = doc.add_paragraph(block.title, style="报告一级标题")
        heading.paragraph_format.page_break_before = k == 0 or None  # the kit's analysis on a page of its own
        for text in block.paragraphs:
            for line in _paragraphs(text):
                doc.add_paragraph(line)
        for header, rows in block.tables:
            _spacer(doc, keep=True)
            _simple_table(doc, header, rows)
            _spacer(doc)
        for png in block.images:
            _image(doc, png)


def _document(report: Report, extra: list[Block] | None, when: datetime) -> Any:
    doc = new_document()
    _styles(doc)
    page_setup(doc)
    title = doc.add_paragraph(style="报告标题")
    if report.agency and report.year:  # broken after the agency's name, where a 公文 title breaks
        title.add_run(report.agency).add_break()
        title.add_run(f"{report.year}年政府信息公开工作年度报告")
    else:
        title.add_run(report_title(report))
    for sec in get_format(report.format).sections:
        _section(doc, report, sec.key)
    if extra:
        _extra(doc, extra)
    core = doc.core_properties
    core.title, core.subject, core.comments = report_title(report), "政府信息公开工作年度报告", ""
    core.author = core.last_modified_by = AUTHOR
    core.language, core.revision, core.created, core.modified = "zh-CN", 1, when, when
    return doc


def write_report_docx(report: Report, path: str | Path, *, extra: list[Block] | None = None) -> Path:
    """Write ``report`` as an editable .docx at ``path`` (its folder made if missing), the ``extra``
    blocks of the kit's analysis after it when given; returns the path."""
    # dated the last day of the report's year (SOURCE_DATE_EPOCH, when set, wins): never the clock
    when = document_date(date(report.year or 1980, 12, 31))
    return save(_document(report, extra, when), path, when.date(), "the report")
