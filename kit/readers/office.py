"""DOCX and XLSX reports (their XML read with lxml), through the shared grid->text path.

Both are zip files: the archive is checked against limits on entry count and unpacked size
before anything is parsed, so a zip bomb is refused rather than unpacked.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Iterator

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
        return docx_to_text(zf, path), "docx"
    if "xl/workbook.xml" in names:
        return xlsx_to_text(zf, path), "xlsx"
    raise InputError(path, "a zip file that is neither DOCX nor XLSX")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xml(zf: zipfile.ZipFile, name: str, path: str, what: str) -> Any:
    """One part of the package, parsed by lxml as untrusted input (no entities, no network). Read
    directly rather than through python-docx and openpyxl, which build an object per cell and resolve
    every merge and style: five to twenty times the time of reading the text (bench/ingest.py)."""
    from lxml import etree

    try:
        return etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=False))
    except (KeyError, etree.XMLSyntaxError, OSError, zipfile.BadZipFile) as e:
        raise InputError(path, f"not a readable {what}: {type(e).__name__}: {e}") from None


def _run_text(r: Any) -> str:
    out = []
    for el in r:
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _paragraph_text(p: Any) -> str:
    """A paragraph's text as Word shows it: its runs and its hyperlinks' runs, in order."""
    out = []
    for child in p:
        if child.tag == W + "r":
            out.append(_run_text(child))
        elif child.tag in (W + "hyperlink", W + "ins", W + "smartTag"):
            out.extend(_run_text(r) for r in child.iter(W + "r"))
    return "".join(out)


def _docx_grid(tbl: Any) -> list[list[str | None]]:
    """A table's rows, a merged cell's text once at its top-left and None where it spans or continues."""
    grid: list[list[str | None]] = []
    for tr in tbl.iterfind(W + "tr"):
        row: list[str | None] = []
        for tc in tr.iterfind(W + "tc"):
            pr = tc.find(W + "tcPr")
            span_el = pr.find(W + "gridSpan") if pr is not None else None
            span = int(span_el.get(W + "val", "1")) if span_el is not None else 1
            vmerge = pr.find(W + "vMerge") if pr is not None else None
            continues = vmerge is not None and vmerge.get(W + "val", "continue") != "restart"
            text = "\n".join(_paragraph_text(p) for p in tc.iterfind(W + "p"))
            row.append(None if continues else text)
            row.extend([None] * (max(span, 1) - 1))
        grid.append(row)
    return grid


def _blocks(parent: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order, content controls opened."""
    for child in parent:
        if child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (W + "p", W + "tbl"):
            yield child


def docx_to_text(zf: zipfile.ZipFile, path: str) -> str:
    body = _xml(zf, "word/document.xml", path, "DOCX").find(W + "body")
    if body is None:
        raise InputError(path, "not a readable DOCX: the document has no body")
    lines: list[str] = []
    for block in _blocks(body):
        if block.tag == W + "p":
            lines.append(_paragraph_text(block))
        else:
            lines.extend(grid_lines(_docx_grid(block)))
    if not any("|" in ln for ln in lines):
        raise InputError(path, "the DOCX holds no table")
    return "\n".join(lines)


def _cell_index(ref: str) -> tuple[int, int] | None:
    """("B3") -> (3, 2): a cell reference's row and column, 1-based; None for anything else."""
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _xlsx_value(c: Any, shared: list[str]) -> str:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(S + "t"))
    v = c.find(S + "v")
    if v is None or v.text is None:
        return ""
    if kind == "s":
        return shared[int(v.text)]
    if kind in ("str", "e"):
        return v.text
    if kind == "b":
        return "TRUE" if v.text.strip() == "1" else "FALSE"
    text = v.text.strip()
    number: float | int = float(text) if any(ch in text for ch in ".eE") else int(text)
    return number_text(number)


def _xlsx_grids(zf: zipfile.ZipFile, path: str) -> Iterator[tuple[str, list[list[str | None]]]]:
    """(sheet name, grid) of every worksheet in the workbook's order; the cached value of a formula; a
    merged range's text at its top-left, None over the rest."""
    book = _xml(zf, "xl/workbook.xml", path, "XLSX")
    rels = _xml(zf, "xl/_rels/workbook.xml.rels", path, "XLSX")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(PKG + "Relationship")}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        strings = _xml(zf, "xl/sharedStrings.xml", path, "XLSX")
        # a plain string's t, or its rich-text runs' t (never the phonetic guide's)
        shared = ["".join(t.text or "" for t in si.xpath("s:t|s:r/s:t", namespaces={"s": S[1:-1]}))
                  for si in strings.iterfind(S + "si")]
    for sheet in book.iter(S + "sheet"):
        target = targets.get(sheet.get(R + "id"), "")
        name = target.lstrip("/") if target.startswith("/") else "xl/" + target
        ws = _xml(zf, name, path, "XLSX")
        values: dict[tuple[int, int], str] = {}
        covered: set[tuple[int, int]] = set()
        try:
            for c in ws.iter(S + "c"):
                at = _cell_index(c.get("r", ""))
                if at is None:
                    raise InputError(path, f"not a readable XLSX: sheet {sheet.get('name')!r} has a cell "
                                           f"without a valid reference ({c.get('r')!r})")
                values[at] = _xlsx_value(c, shared)
            for mc in ws.iter(S + "mergeCell"):
                a, _, b = mc.get("ref", "").partition(":")
                first, last = _cell_index(a), _cell_index(b or a)
                if first is None or last is None:
                    continue  # a merge we cannot place: its cells are read as they are
                (r0, c0), (r1, c1) = first, last
                covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
        except (ValueError, IndexError) as e:  # a number or a shared-string index that is not one
            raise InputError(path, f"not a readable XLSX: a cell of sheet {sheet.get('name')!r}: {e}") from None
        rows = max((r for r, _ in values), default=0)
        cols = max((c for _, c in values), default=0)
        grid = [[None if (r, c) in covered else values.get((r, c), "") for c in range(1, cols + 1)]
                for r in range(1, rows + 1)]
        yield sheet.get("name", ""), grid


def xlsx_to_text(zf: zipfile.ZipFile, path: str) -> str:
    lines: list[str] = []
    for title, grid in _xlsx_grids(zf, path):
        if title.startswith("核对"):
            continue  # the template's live-formula sheet repeats the numbers
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
