"""The region-year's notice (通报.docx): ranking and problems sent back to every agency.

An editable Word document laid out like a 公文 (GB/T 9704): A4 with 37/35/28/26 mm margins, a 二号
title, 三号 body on a 28 pt line pitch, 一、/（一）/1． headings, the ranking as a real table whose
header repeats on every page, the issuer and date at the end and "— 1 —" page numbers (odd pages
right, even pages left). East Asian text uses the kit's CJK font by family name (Noto Serif SC, and
Noto Sans SC for 一级 headings in place of 黑体); Word substitutes where it is not installed.
The same :class:`Notice` always gives the same bytes: dates come from the notice, never the clock.
"""
from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError, ParameterError

__all__ = ["AgencyProblems", "Notice", "RankRow", "chinese_date", "font_family", "stable_zip", "write_notice"]

LATIN = "Times New Roman"
_FALLBACK = {"serif": "Noto Serif SC", "sans": "Noto Sans SC"}
_CN = "零一二三四五六七八九"
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


def chinese_date(iso: str) -> str:
    """"2025-03-31" -> "2025年3月31日"."""
    return "{0.year}年{0.month}月{0.day}日".format(date.fromisoformat(iso))


def _cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (to 99; beyond, digits)."""
    if not 10 <= n <= 99:
        return _CN[n] if 0 <= n < 10 else str(n)
    return ("" if n < 20 else _CN[n // 10]) + "十" + (_CN[n % 10] if n % 10 else "")


@lru_cache(maxsize=None)
def font_family(kind: str = "serif") -> str:
    """The family name of the kit's CJK font ("serif" or "sans"), read from the font file itself."""
    try:
        import pylopdf_fonts_zh_cn
        from fontTools.ttLib import TTFont

        path = pylopdf_fonts_zh_cn.sans_path() if kind == "sans" else pylopdf_fonts_zh_cn.serif_path()
        with TTFont(str(path), lazy=True) as font:
            name = font["name"].getBestFamilyName()
    except (ImportError, OSError, KeyError):
        name = None
    return str(name or _FALLBACK["sans" if kind == "sans" else "serif"])


def _fonts(rpr: Any, east: str, *, size: float | None = None) -> None:
    """Explicit fonts (no theme fonts) on a w:rPr, East Asian text in ``east``."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rfonts = rpr.get_or_add_rFonts()
    rfonts.attrib.clear()
    for key, value in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", east), ("cs", LATIN), ("hint", "eastAsia")):
        rfonts.set(qn(f"w:{key}"), value)
    if size is not None:
        rpr.sz_val = Pt(size)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    serif, sans = font_family("serif"), font_family("sans")
    defaults = doc.styles.element.find(qn("w:docDefaults"))  # the template's: theme fonts, Japanese, 10 pt after
    _fonts(defaults.find(qn("w:rPrDefault"))[0], serif)
    defaults.find(qn("w:rPrDefault"))[0].find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    defaults.find(qn("w:pPrDefault"))[0].find(qn("w:spacing")).set(qn("w:after"), "0")
    doc.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")

    def para(name: str, *, font: str, size: float, line: float, indent: float = 0, bold: bool = False,
             align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, outline: int | None = None, after: float = 0) -> None:
        style = doc.styles["Normal"] if name == "Normal" else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if name != "Normal":  # a Chinese name in Word's gallery, an ASCII id in the XML
            style.element.set(qn("w:styleId"), _STYLE_IDS[name])
            style.base_style = doc.styles["Normal"]
            style.quick_style = True
        _fonts(style.element.get_or_add_rPr(), font, size=size)
        style.font.bold = bold or None
        pf = style.paragraph_format
        pf.alignment, pf.line_spacing_rule, pf.line_spacing = align, WD_LINE_SPACING.EXACTLY, Pt(line)
        pf.first_line_indent, pf.space_before, pf.space_after, pf.widow_control = Pt(indent), Pt(0), Pt(after), True
        if outline is not None:
            pf.keep_with_next = True
            lvl = OxmlElement("w:outlineLvl")
            lvl.set(qn("w:val"), str(outline))
            style.element.get_or_add_pPr().insert_element_before(lvl, "w:divId", "w:cnfStyle", "w:rPr",
                                                                 "w:sectPr", "w:pPrChange")

    para("Normal", font=serif, size=16, line=28, indent=32)
    para("通报标题", font=serif, size=22, line=36, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=28)
    para("通报一级标题", font=sans, size=16, line=28, indent=32, outline=0)
    para("通报二级标题", font=serif, size=16, line=28, indent=32, bold=True, outline=1)
    para("通报表格", font=serif, size=14, line=22, align=WD_ALIGN_PARAGRAPH.CENTER)


def _ranking(doc: Any, rows: tuple[RankRow, ...]) -> None:
    """The ranking table: 序号/单位/得分/扣分情况, its header row repeated on every page."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
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
        tr_pr = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader") if i == 0 else ("w:cantSplit",):
            tr_pr.append(OxmlElement(tag))
        for j, (cell, text) in enumerate(zip(row.cells, values)):
            cell.width, cell.vertical_alignment = widths[j], WD_ALIGN_VERTICAL.CENTER
            p = cell.paragraphs[0]
            p.style = "通报表格"
            if i > 0 and j in (1, 3):
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.add_run(text).bold = i == 0 or None
    for column, width in zip(table.columns, widths):
        column.width = width


def _page_number(paragraph: Any) -> None:
    """"— N —" with N a PAGE field (its cached result 1 until Word updates it), in 四号."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    runs = [paragraph.add_run(text) for text in ("— ", "1", " —")]
    for run in runs:
        _fonts(run._r.get_or_add_rPr(), font_family("serif"), size=14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    runs[1]._r.addprevious(field)
    field.append(runs[1]._r)


def _page(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in zip((section.footer, section.even_page_footer),  # 单页码居右, 双页码居左
                             (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment, p.paragraph_format.first_line_indent = align, Pt(0)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)  # 一字
        _page_number(p)


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
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    _styles(doc)
    _page(doc)
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
        doc.add_paragraph(f"（{_cn_number(i)}）{agency.agency}", style="通报二级标题")
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


def stable_zip(data: bytes, when: date) -> bytes:
    """An Office package re-zipped with every entry stamped ``when``: the same content, the same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_notice(notice: Notice, path: str | Path) -> Path:
    """Write the notice as an editable .docx at ``path`` (its folder made if missing); returns the path."""
    _check(notice)
    buf = io.BytesIO()
    _document(notice).save(buf)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stable_zip(buf.getvalue(), date.fromisoformat(notice.date)))
    except OSError as e:
        raise OutputError(f"{path}: cannot write the notice: {e.strerror or e}") from e
    return path
