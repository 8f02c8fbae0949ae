"""PDF with a text layer, through pdfplumber: ruled tables found per page, text around them.

Tables that continue over a page break simply follow one another in the text; the label search
of the text reader joins them. A PDF without a text layer is refused (OCR is a separate reader).
"""
from __future__ import annotations

import io

from ..errors import InputError
from .grid import grid_lines

MAX_PAGES = 200


def pdf_to_text(data: bytes, path: str) -> str:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as e:  # pdfminer raises several unrelated types on junk
        raise InputError(path, f"not a readable PDF: {type(e).__name__}") from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise InputError(path, f"PDF has {len(pdf.pages)} pages, over the limit of {MAX_PAGES}")
        out: list[str] = []
        chars = 0
        for page in pdf.pages:
            try:
                found = page.find_tables()
            except Exception:  # a malformed page: read its text only
                found = []
            boxes = [t.bbox for t in found]
            items: list[tuple[float, list[str]]] = []
            for t in found:
                items.append((t.bbox[1], grid_lines(t.extract())))
            outside = page
            for b in boxes:
                outside = outside.outside_bbox(b)
            words = outside.extract_text_lines() if boxes else page.extract_text_lines()
            for w in words:
                items.append((w["top"], [w["text"]]))
            chars += len(page.chars)
            for _, lines in sorted(items, key=lambda x: x[0]):
                out.extend(lines)
        if chars == 0:
            raise InputError(path, "PDF has no text layer (a scan); OCR is needed to read it")
    return "\n".join(out)
