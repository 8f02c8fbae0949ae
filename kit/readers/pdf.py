"""PDF with a text layer, through pdfplumber: ruled tables found per page, text around them.

Tables that continue over a page break simply follow one another in the text; the label search
of the text reader joins them. A PDF without a text layer is refused (OCR is a separate reader).
"""
from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
from typing import Iterator

from ..errors import InputError, NoTextLayer
from .grid import grid_lines

DEFAULT_PAGES = 200
DEFAULT_SECONDS = 60


def max_pages() -> int:
    """Per-PDF page limit: ``XXGK_PDF_PAGES`` or 200."""
    try:
        return int(os.environ.get("XXGK_PDF_PAGES", DEFAULT_PAGES))
    except ValueError:
        return DEFAULT_PAGES


def max_seconds() -> int:
    """Per-PDF time limit: ``XXGK_PDF_SECONDS`` or 60 s."""
    try:
        return int(os.environ.get("XXGK_PDF_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


@contextlib.contextmanager
def time_limit(path: str, seconds: int) -> Iterator[None]:
    """Refuse a PDF that takes longer than ``seconds`` to read (only in the main thread, via SIGALRM)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise InputError(path, f"reading took longer than the limit of {seconds} s (XXGK_PDF_SECONDS)")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def pdf_to_text(data: bytes, path: str) -> str:
    with time_limit(path, max_seconds()):
        return _pdf_to_text(data, path)


def _pdf_to_text(data: bytes, path: str) -> str:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except InputError:
        raise
    except (PDFSyntaxError, Exception) as e:  # pdfminer raises several unrelated types on junk
        raise InputError(path, f"not a readable PDF: {type(e).__name__}") from None
    with pdf:
        limit = max_pages()
        if len(pdf.pages) > limit:
            raise InputError(path, f"PDF has {len(pdf.pages)} pages, over the limit of {limit} (XXGK_PDF_PAGES)")
        out: list[str] = []
        chars = 0
        for page in pdf.pages:
            try:
                found = page.find_tables()
            except InputError:
                raise  # the time limit
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
            raise NoTextLayer(path, "PDF has no text layer (a scan); OCR is needed to read it")
    return "\n".join(out)
