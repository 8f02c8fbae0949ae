"""PDF with a text layer, through pdfplumber: ruled tables found per page, text around them.

Tables that continue over a page break simply follow one another in the text; the label search
of the text reader joins them. A PDF without a text layer is refused (OCR is a separate reader).
A page whose tables pdfplumber cannot find is read as text, and an ``extract.pdf_page`` finding
names it: its table rows may then be missing, never silently.
"""
from __future__ import annotations

import io
from typing import Any

from ..config import limit
from ..errors import InputError, NoTextLayer
from ..model import Finding
from .deadline import check
from .grid import grid_lines


def pdf_to_text(data: bytes, path: str, meta: dict[str, Any] | None = None) -> tuple[str, list[Finding]]:
    """The PDF's text with pipe tables, and a finding for each page whose tables could not be read.

    ``meta``, when given, receives the PDF's document information (CreationDate, ModDate ...).

    Called within the reading time limit (:mod:`kit.readers.deadline`): it is checked page by page.
    """
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except InputError:
        raise
    except Exception as e:  # pdfminer raises several unrelated types on junk: all mean "not a PDF"
        raise InputError(path, f"not a readable PDF: {type(e).__name__}") from None
    findings: list[Finding] = []
    with pdf:
        if meta is not None:
            meta.update(_info(pdf))
        most = limit("XXGK_PDF_PAGES")
        if len(pdf.pages) > most:
            raise InputError(path, f"PDF has {len(pdf.pages)} pages, over the limit of {most} (XXGK_PDF_PAGES)")
        out: list[str] = []
        chars = 0
        for number, page in enumerate(pdf.pages, start=1):
            check()
            try:
                found = page.find_tables()
            except InputError:
                raise  # the time limit
            except Exception as e:  # a malformed page: read its text, and say its tables were not
                found = []
                findings.append(Finding(
                    "extract.pdf_page", "warning",
                    f"第{number}页的表格无法解析（{type(e).__name__}），该页只读取了文字，其中的表格数字可能缺失。",
                    actual={"page": number, "error": type(e).__name__}))
            items: list[tuple[float, list[str]]] = [(t.bbox[1], grid_lines(t.extract())) for t in found]
            outside = page
            for t in found:
                outside = outside.outside_bbox(t.bbox)
            for w in (outside if found else page).extract_text_lines():
                items.append((w["top"], [w["text"]]))
            chars += len(page.chars)
            for _, lines in sorted(items, key=lambda x: x[0]):
                out.extend(lines)
        if chars == 0:
            raise NoTextLayer(path, "PDF has no text layer (a scan); OCR is needed to read it")
    return "\n".join(out), findings


def _info(pdf: Any) -> dict[str, Any]:
    try:
        return dict(pdf.metadata or {})
    except Exception:  # a broken document information dictionary: no metadata, never a failed read
        return {}


def metadata(data: bytes) -> dict[str, Any]:
    """The document information of a PDF (for a scan, whose text comes from OCR); {} when unreadable."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _info(pdf)
    except Exception:  # pdfminer raises several unrelated types on junk
        return {}
