"""HTML pages as saved from government sites: the report is found inside the page.

Parsed with lxml without network access and without resolving entities; tables become pipe
lines (rowspan/colspan cells appear once, where they start), everything else becomes text.
"""
from __future__ import annotations

import re

from lxml import etree, html as lhtml

from ..errors import InputError
from .grid import grid_lines

_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
          "header", "footer", "ul", "ol", "dd", "dt", "pre", "blockquote", "title"}
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "button", "select",
         "option", "textarea"}


def decode_html(data: bytes, path: str) -> str:
    """Text of an HTML file: BOM, then <meta charset>, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = re.search(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", data[:4096], re.I)
    candidates = [m.group(1).decode("ascii").lower()] if m else []
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        enc = {"gb2312": "gb18030", "gbk": "gb18030"}.get(enc, enc)
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(path, "HTML in an unknown encoding")


def _parser() -> lhtml.HTMLParser:
    return lhtml.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True,
                            default_doctype=False, huge_tree=False, encoding="utf-8")


def _cell_text(el: etree._Element) -> str:
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in el.iter("p", "div"):
        p.tail = "\n" + (p.tail or "")
    return "".join(el.itertext())


def _table_grid(table: etree._Element) -> list[list[str | None]]:
    """Rows of cell texts; a rowspan/colspan cell is given once, the cells it covers are None."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}
    for i, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        row: list[str | None] = []
        j = 0
        for td in tr.xpath("./td|./th"):
            while pending.pop((i, j), False):
                row.append(None)
                j += 1
            try:
                rs = max(1, min(int(td.get("rowspan", 1) or 1), 200))
                cs = max(1, min(int(td.get("colspan", 1) or 1), 50))
            except ValueError:
                rs = cs = 1
            row.append(_cell_text(td))
            row.extend([None] * (cs - 1))
            for di in range(1, rs):
                for dj in range(cs):
                    pending[(i + di, j + dj)] = True
            j += cs
        while pending.pop((i, j), False):
            row.append(None)
            j += 1
        grid.append(row)
    return grid


def page_meta(source: str) -> dict[str, str]:
    """The page's <meta> names (``name``, ``property`` or ``http-equiv``, lower case) and contents;
    the first of each name counts. Read for the publication date (:mod:`kit.readers.dates`)."""
    try:
        root = lhtml.document_fromstring(source.encode("utf-8"), parser=_parser()) if source.strip() else None
    except (etree.ParserError, ValueError):
        return {}
    out: dict[str, str] = {}
    for el in root.iter("meta") if root is not None else ():
        name = el.get("name") or el.get("property") or el.get("http-equiv") or el.get("itemprop")
        content = el.get("content")
        if name and content:
            out.setdefault(name.strip().lower(), content.strip())
    return out


def html_to_text(source: str, path: str) -> str:
    """The page as text with pipe lines for its tables; refuses a page without any table."""
    head = source.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")) and "</html>" not in source[-4096:].lower():
        raise InputError(path, "truncated HTML page (it ends before </html>)")
    try:
        root = lhtml.document_fromstring(source.encode("utf-8"), parser=_parser()) if source.strip() else None
    except (etree.ParserError, ValueError) as e:
        raise InputError(path, f"not a readable HTML page: {e}") from None
    if root is None:
        raise InputError(path, "empty HTML page")
    tables = root.xpath("//table[not(ancestor::table)]")
    if not tables:
        raise InputError(path, "the HTML page holds no table: the report may be an attachment or an image")
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                out.append(el.tail)
            return
        if tag == "table":
            out.append("\n")
            out.extend(line + "\n" for line in grid_lines(_table_grid(el)))
            if el.tail:
                out.append(el.tail)
            return
        if tag in _BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK:
            out.append("\n")
        if el.tail:
            out.append(el.tail)

    title = root.xpath("//head/title/text()")
    if title:
        out.append(title[0] + "\n")
    body = root.find("body")
    walk(body if body is not None else root)
    text = "".join(out)
    return re.sub(r"\n\s*\n+", "\n\n", text)
