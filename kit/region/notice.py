"""The region-year's notice (通报.docx): ranking and problems sent back to every agency.

An editable Word document laid out like a 公文 (GB/T 9704): A4 with 37/35/28/26 mm margins, a 二号
title, 三号 body on a 28 pt line pitch, 一、/（一）/1． headings, the ranking as a real table whose
header repeats on every page, the issuer and date at the end and "— 1 —" page numbers (odd pages
right, even pages left). East Asian text uses the kit's CJK font by family name (Noto Serif SC, and
Noto Sans SC for 一级 headings in place of 黑体); Word substitutes where it is not installed. The
generic parts (styles, page, page numbers, stable bytes) are :mod:`kit.report.word`'s, shared with the
agency report.
The same :class:`Notice` always gives the same bytes: dates come from the notice, never the clock.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..report.word import (add_style, chinese_date, cn_number, font_family, mark_row, new_document, page_setup, save,
                           stable_zip)

__all__ = ["AgencyProblems", "Notice", "RankRow", "chinese_date", "font_family", "stable_zip", "write_notice"]

_STYLE_IDS = {"通报标题": "NoticeTitle", "通报一级标题": "NoticeHeading1", "通报二级标题": "NoticeHeading2",
              "通报表格": "NoticeTable"}


@dataclass(frozen=True)
class RankRow:
    """One agency's line of the ranking; equal scores share a rank (shown as 并列)."""
    rank: int
    agency: str
    score: float
    deductions: str  # e.g. "逾期发布 −5；表格错误 −2"


@dataclass(frozen=True)
class AgencyProblems:
    """The problems one agency must correct, one Chinese sentence each."""
    agency: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """Everything the notice says; ``date`` and ``deadline`` are ISO dates given by the caller."""
    region: str
    year: int
    issuer: str  # e.g. "青禾县政务公开办公室"
    date: str
    summary: str
    ranking: tuple[RankRow, ...]
    problems: tuple[AgencyProblems, ...]
    deadline: str
    closing: str = ""

    @property
    def title(self) -> str:
        return f"关于{self.year}年度政府信息公开工作年度报告检查情况的通报"


def _styles(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    serif, sans = font_family("serif"), font_family("sans")
    centre = WD_ALIGN_PARAGRAPH.CENTER
    add_style(doc, "通报标题", _STYLE_IDS["通报标题"], font=serif, size=22, line=36, bold=True, align=centre, after=28)
    add_style(doc, "通报一级标题", _STYLE_IDS["通报一级标题"], font=sans, size=16, line=28, indent=32, outline=0)
    add_style(doc, "通报二级标题", _STYLE_IDS["通报二级标题"], font=serif, size=16, line=28, indent=32, bold=True, outline=1)
    add_style(doc, "通报表格", _STYLE_IDS["通报表格"], font=serif, size=14, line=22, align=centre)


def _ranking(doc: Any, rows: tuple[RankRow, ...]) -> None:
    """The ranking table: 序号/单位/得分/扣分情况, its header row repeated on every page."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    widths = (Mm(30), Mm(50), Mm(18), Mm(58))  # 156 mm: the text block between the margins
    table = doc.add_table(rows=1, cols=4)
    table.style, table.alignment, table.autofit = doc.styles["Table Grid"], WD_TABLE_ALIGNMENT.CENTER, False
    ties = Counter(r.rank for r in rows)
    places = max((len(f"{round(r.score, 2):g}".partition(".")[2]) for r in rows), default=0)
    cells = [("序号", "单位", "得分", "扣分情况")] + [
        (f"{r.rank}（并列）" if ties[r.rank] > 1 else str(r.rank), r.agency, f"{r.score:.{places}f}",
         r.deductions or "无") for r in rows]
    for i, values in enumerate(cells):
        row = table.rows[0] if i == 0 else table.add_row()
        mark_row(row, header=i == 0)
        for j, (cell, text) in enumerate(zip(row.cells, values)):
            cell.width, cell.vertical_alignment = widths[j], WD_ALIGN_VERTICAL.CENTER
            p = cell.paragraphs[0]
            p.style = "通报表格"
            if i > 0 and j in (1, 3):
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.add_run(text).bold = i == 0 or None
    for column, width in zip(table.columns, widths):
        column.width = width


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in "。；！？.;!?" else text + "。"


def _check(notice: Notice) -> None:
    """ParameterError unless both dates are ISO dates and the deadline is not before the notice."""
    try:
        late = date.fromisoformat(notice.deadline) < date.fromisoformat(notice.date)
    except (TypeError, ValueError):
        raise ParameterError([f"date, deadline: YYYY-MM-DD expected, got {notice.date!r}, "
                              f"{notice.deadline!r}"]) from None
    if late:
        raise ParameterError([f"deadline: {notice.deadline} is before the notice date {notice.date}"])


def _document(notice: Notice) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = new_document()
    _styles(doc)
    page_setup(doc)
    title = doc.add_paragraph(style="通报标题")  # broken where the words allow, as 公文 titles are
    title.add_run(f"关于{notice.year}年度政府信息公开工作").add_break()
    title.add_run("年度报告检查情况的通报")
    doc.add_paragraph("各有关单位：").paragraph_format.first_line_indent = Pt(0)
    for text in notice.summary.split("\n"):
        if text.strip():
            doc.add_paragraph(text.strip())
    doc.add_paragraph("一、评分与排名", style="通报一级标题")
    doc.add_paragraph(f"本次共检查{len(notice.ranking)}家单位的年度报告，各单位得分及排名如下（得分相同的并列排名）：")
    _ranking(doc, notice.ranking)
    doc.add_paragraph("二、存在的问题", style="通报一级标题")
    listed = [a for a in notice.problems if a.problems]
    if not listed:
        doc.add_paragraph("本次检查未发现需要整改的问题。")
    for i, agency in enumerate(listed, 1):
        doc.add_paragraph(f"（{cn_number(i)}）{agency.agency}", style="通报二级标题")
        for j, problem in enumerate(agency.problems, 1):
            doc.add_paragraph(f"{j}．{_sentence(problem)}")
    doc.add_paragraph("三、整改要求", style="通报一级标题")
    doc.add_paragraph(f"请各单位对照本通报指出的问题逐项整改，于{chinese_date(notice.deadline)}前完成整改，"
                      f"并将整改情况书面报送{notice.issuer}。")
    closing = [t.strip() for t in notice.closing.split("\n") if t.strip()]
    for text in closing:
        doc.add_paragraph(text)
    if not closing or "特此通报" not in closing[-1]:
        doc.add_paragraph("特此通报。")
    doc.add_paragraph()
    signed = chinese_date(notice.date)
    width = sum(8 if ord(c) < 0x2E80 else 16 for c in signed)  # 成文日期右空四字; 署名以日期居中
    for text, right in ((notice.issuer, 64 + (width - len(notice.issuer) * 16) / 2), (signed, 64)):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(max(right, 0))
    when = datetime.fromisoformat(notice.date).replace(tzinfo=timezone.utc)
    core = doc.core_properties
    core.title, core.subject = notice.title, f"{notice.region}{notice.year}年度政府信息公开工作年度报告检查"
    core.author = core.last_modified_by = notice.issuer
    core.language, core.revision, core.created, core.modified = "zh-CN", 1, when, when
    return doc


def write_notice(notice: Notice, path: str | Path) -> Path:
    """Write the notice as an editable .docx at ``path`` (its folder made if missing); returns the path."""
    _check(notice)
    return save(_document(notice), path, date.fromisoformat(notice.date), "the notice")
