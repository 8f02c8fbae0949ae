"""Readers: one module per input form, all producing a :class:`kit.model.Report`.

``read_file`` picks the reader by content as well as by extension and fills in provenance.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..config import limit
from ..errors import InputError, NoTextLayer, UnsupportedInput
from ..model import Report
from .deadline import within
from .text import LastYear, read_text


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "empty file")
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise InputError(path, "binary data, not a text report")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "text in an unknown encoding (neither UTF-8 nor GB18030)")


def _scan(data: bytes, path: str, kind: str, agency: str | None, year: int | None,
          previous: LastYear | None = None) -> Report:
    from .ocr import flag_uncertain, scan_to_text
    from .pdf import metadata

    pdf_meta = metadata(data) if kind == "pdf" else None  # the publication date's last resort
    report = read_text(scan_to_text(data, path, kind), path, agency=agency, year=year, reader="ocr",
                       pdf_meta=pdf_meta, previous=previous)
    flag_uncertain(report)
    return report


IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def sniff(data: bytes, path: Path) -> str:
    """The reader for a file: by its first bytes, then by its extension."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(IMAGE_MAGIC):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<table" in data[:200000].lower():
        return "html"
    if path.suffix.lower() in {".pdf"}:
        return "pdf"
    if path.suffix.lower() in {".docx", ".xlsx"}:
        return "zip"
    return "text"


def _read(data: bytes, path: str, kind: str, agency: str | None, year: int | None,
          previous: LastYear | None = None) -> Report:
    """A file with a text layer, by the reader for its form."""
    if kind == "text":
        return read_text(decode(data, path), path, agency=agency, year=year, previous=previous)
    if kind == "html":
        from .html import decode_html, html_to_text, page_meta

        source = decode_html(data, path)
        return read_text(html_to_text(source, path), path, agency=agency, year=year, reader="html",
                         html_meta=page_meta(source), previous=previous)
    if kind == "pdf":
        from .pdf import pdf_to_text

        meta: dict[str, Any] = {}
        text, pages = pdf_to_text(data, path, meta)
        report = read_text(text, path, agency=agency, year=year, reader="pdf", pdf_meta=meta, previous=previous)
        report.findings.extend(pages)
        return report
    if kind == "zip":
        from .office import office_to_text

        text, reader = office_to_text(data, path)
        return read_text(text, path, agency=agency, year=year, reader=reader, previous=previous)
    raise UnsupportedInput(path, f"unsupported input form {kind}")


def read_file(path: str | Path, *, agency: str | None = None, year: int | None = None,
              previous: LastYear | None = None) -> Report:
    """Read one report file; raises :class:`InputError` naming the file and the reason.

    ``previous``: given the agency and year the file turns out to be, the agency's report of the year
    before, when the caller has it (the ingest step asks its store; readers never import it). A glued
    表二 run settled by the prose must then fit last year's in-force figures."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise InputError(p, f"cannot open: {e.strerror or e}") from None
    if not p.is_file():
        raise InputError(p, "not a regular file")
    most = limit("XXGK_MAX_BYTES")
    if size > most:
        raise InputError(p, f"file is {size:,} bytes, over the size limit of {most:,} bytes (XXGK_MAX_BYTES)")
    data = p.read_bytes()
    kind = sniff(data, p)
    if kind == "pdf":
        try:
            with within(str(p), limit("XXGK_READ_SECONDS"), "XXGK_READ_SECONDS"):
                report = _read(data, str(p), kind, agency, year, previous)
        except NoTextLayer:  # a scan: OCR, with a limit of its own (it is slow by nature)
            kind = "scan"
    if kind in ("scan", "image"):
        with within(str(p), limit("XXGK_OCR_SECONDS"), "XXGK_OCR_SECONDS"):
            report = _scan(data, str(p), "pdf" if kind == "scan" else "image", agency, year, previous)
    elif kind != "pdf":
        with within(str(p), limit("XXGK_READ_SECONDS"), "XXGK_READ_SECONDS"):
            report = _read(data, str(p), kind, agency, year, previous)
    report.provenance.source = p.name
    report.provenance.sha256 = hashlib.sha256(data).hexdigest()
    report.provenance.size = size
    return report
