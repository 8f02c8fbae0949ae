"""Word (DOCX) building blocks shared by the kit's editable documents: the region's notice and the
agency report.

A document laid out like a 公文 (GB/T 9704): A4 with 37/35/28/26 mm margins, paragraph styles with
explicit fonts (no theme fonts) on an exact line pitch, "— 1 —" page numbers (odd pages right, even
pages left). East Asian text uses the kit's CJK font by family name (Noto Serif SC, and Noto Sans SC
where a 公文 uses 黑体); Word substitutes where it is not installed. :func:`save` re-zips the package
with fixed timestamps, so the same content always gives the same bytes.
"""
from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError

__all__ = ["LATIN", "TEXT_WIDTH_MM", "add_style", "chinese_date", "cn_number", "document_date", "font_family",
           "mark_row", "new_document", "page_number", "page_setup", "save", "set_fonts", "stable_zip"]

LATIN = "Times New Roman"
TEXT_WIDTH_MM = 156  # A4 less the 28 and 26 mm side margins: the widest a table may be
_FALLBACK = {"serif": "Noto Serif SC", "sans": "Noto Sans SC"}
_CN = "零一二三四五六七八九"


def chinese_date(iso: str) -> str:
    """"2025-03-31" -> "2025年3月31日"."""
    return "{0.year}年{0.month}月{0.day}日".format(date.fromisoformat(iso))


def cn_number(n: int) -> str:
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


def set_fonts(rpr: Any, east: str, *, size: float | None = None) -> None:
    """Explicit fonts (no theme fonts) on a w:rPr, East Asian text in ``east``."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rfonts = rpr.get_or_add_rFonts()
    rfonts.attrib.clear()
    for key, value in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", east), ("cs", LATIN), ("hint", "eastAsia")):
        rfonts.set(qn(f"w:{key}"), value)
    if size is not None:
        rpr.sz_val = Pt(size)


def new_document() -> Any:
    """A python-docx Document whose defaults and Normal style are a 公文's: 三号 serif on a 28 pt pitch,
    two characters' first-line indent, Chinese as the East Asian language, no space after paragraphs."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document()
    defaults = doc.styles.element.find(qn("w:docDefaults"))  # the template's: theme fonts, Japanese, 10 pt after
    set_fonts(defaults.find(qn("w:rPrDefault"))[0], font_family("serif"))
    defaults.find(qn("w:rPrDefault"))[0].find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    defaults.find(qn("w:pPrDefault"))[0].find(qn("w:spacing")).set(qn("w:after"), "0")
    doc.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    add_style(doc, "Normal", "", font=font_family("serif"), size=16, line=28, indent=32)
    return doc


def add_style(doc: Any, name: str, style_id: str, *, font: str, size: float, line: float, indent: float = 0,
              bold: bool = False, align: Any = None, outline: int | None = None, after: float = 0) -> None:
    """A paragraph style (or, named "Normal", the Normal style restyled): ``name`` shows in Word's
    gallery, ``style_id`` (ASCII) in the XML; ``outline`` makes it a heading of that outline level."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"] if name == "Normal" else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), font, size=size)
    style.font.bold = bold or None
    pf = style.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    pf.first_line_indent, pf.space_before, pf.space_after, pf.widow_control = Pt(indent), Pt(0), Pt(after), True
    if outline is not None:
        pf.keep_with_next = True
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().insert_element_before(lvl, "w:divId", "w:cnfStyle", "w:rPr",
                                                             "w:sectPr", "w:pPrChange")


def mark_row(row: Any, *, header: bool = False) -> None:
    """A table row that never splits across pages; a header row also repeats on every page."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        tr_pr.append(OxmlElement(tag))


def page_number(paragraph: Any) -> None:
    """"— N —" with N a PAGE field (its cached result 1 until Word updates it), in 四号."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    runs = [paragraph.add_run(text) for text in ("— ", "1", " —")]
    for run in runs:
        set_fonts(run._r.get_or_add_rPr(), font_family("serif"), size=14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    runs[1]._r.addprevious(field)
    field.append(runs[1]._r)


def page_setup(doc: Any) -> None:
    """A4, the 公文 margins, and page numbers in the footers: 单页码居右, 双页码居左."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in zip((section.footer, section.even_page_footer),
                             (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment, p.paragraph_format.first_line_indent = align, Pt(0)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)  # 一字
        page_number(p)


def document_date(default: date) -> datetime:
    """The document's date (core properties, zip entries): ``default`` at midnight UTC, or
    SOURCE_DATE_EPOCH when the environment sets it (reproducible builds' convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass  # not a number of seconds: the convention says ignore it
    return datetime(default.year, default.month, default.day, tzinfo=timezone.utc)


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


def save(doc: Any, path: str | Path, when: date, what: str) -> Path:
    """Write ``doc`` at ``path`` (its folder made if missing) with stable bytes; ``what`` names it in
    the error raised when it cannot be written."""
    buf = io.BytesIO()
    doc.save(buf)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stable_zip(buf.getvalue(), when))
    except OSError as e:
        raise OutputError(f"{path}: cannot write {what}: {e.strerror or e}") from e
    return path
