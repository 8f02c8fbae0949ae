"""The narrative as the agency wrote it, from the layout lines a reader gives.

PDF text, markdown converted from PDF, text dumps and OCR break every line where the page did, keep
the page numbers and running headers of the original, frame passages in ``|`` and leave remnants of
the tables (a column of cell values, a row of numbers, a separator). :func:`clean` rebuilds the
paragraphs and removes that layout, and only that: every character it drops is listed in
``Cleaned.removed`` (whitespace aside), so a test can show the agency's wording is all still there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Cleaned", "clean", "repeated_lines"]

_PAGE = re.compile(r"[-—–－‐]\s*\d{1,4}\s*[-—–－‐]|第\s*\d{1,4}\s*页(?:\s*[/／,，]?\s*共\s*\d{1,4}\s*页)?"
                   r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}")
_SEPARATOR = re.compile(r"[|:\-—–=+\s]+")
_BOX = re.compile(r"[\u2500-\u257f\u2580-\u259f]")
_VALUE = r"[-+]?\d[\d,.]*\s*(?:件|条|个|次|项|元|万元|%|％)?"
_VALUES = re.compile(rf"(?:{_VALUE}|[/／—–-]+)(?:\s+(?:{_VALUE}|[/／—–-]+))*")
_SENTENCE_END = "。！？!?；;：:…"
_CLOSERS = "”’」』）)】"
_POINT = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．]|\d{1,2}\.(?!\d)"
                    r"|[一二三四五六七八九十]是|第[一二三四五六七八九十]+[，、,]|[①-⑳])")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"


@dataclass
class Cleaned:
    text: str
    removed: list[str] = field(default_factory=list)  # each piece of layout dropped, in order


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _debris(line: str) -> bool:
    """A remnant of a table: a separator, or a row whose cells are all numbers or placeholders."""
    s = line.strip()
    if not s:
        return False
    if "|" in s and _SEPARATOR.fullmatch(s):
        return True
    if "|" in s:  # a row of cells (a framed passage is one cell: pipes only at its ends)
        cells = [c for c in _cells(s) if c]
        return not cells or len(cells) >= 2 or all(_VALUES.fullmatch(c) for c in cells)
    return bool(_VALUES.fullmatch(s)) and len(s.split()) >= 2


def _value_line(line: str) -> bool:
    return bool(_VALUES.fullmatch(line.strip()))


def _short_label(line: str) -> bool:
    s = line.strip().strip("|").strip()
    return 0 < len(s) <= 8 and not any(ch in s for ch in _SENTENCE_END + "，,、")


def _nearest(lines: list[str], i: int, step: int) -> int | None:
    """The nearest line with text before (step -1) or after (step 1) line ``i``."""
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].strip():
            return j
        j += step
    return None


def clean(text: str, repeated: frozenset[str] = frozenset(), *, last: bool = True) -> Cleaned:
    """Paragraphs rebuilt and layout removed. ``repeated``: lines that recur across the report's pages
    (running headers and footers, found over the whole document by the caller); ``last``: the text
    ends the document (where a web page's closing links follow it)."""
    removed: list[str] = []
    kept: list[str | None] = []  # None: a paragraph break
    lines = text.split("\n")
    drop = [False] * len(lines)
    for i, raw in enumerate(lines):
        s = raw.strip()
        if _PAGE.fullmatch(s) or (s and s in repeated) or _debris(s) or s == "|":
            drop[i] = True
    # a column of single values, and the short labels over it: table remnants too
    for i, raw in enumerate(lines):
        s = raw.strip()
        if drop[i] or not s:
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if _value_line(s) and any(drop[j] or _value_line(lines[j]) for j in near):
            drop[i] = True
    for i, raw in enumerate(lines):
        if not drop[i] and _short_label(raw) and not _POINT.match(raw.strip()):
            around = [_nearest(lines, i, -1), _nearest(lines, i, 1)]
            if any(j is not None for j in around) and all(drop[j] for j in around if j is not None):
                drop[i] = True
    for i in _trailing_chrome(lines, drop) if last else []:
        drop[i] = True
    for i, raw in enumerate(lines):
        s = raw.strip()
        if drop[i]:
            if s:
                removed.append(s)
            if kept and kept[-1] is not None and _PAGE.fullmatch(s) is None and s not in repeated:
                kept.append(None)  # a table between two paragraphs ends the first
            continue
        if not s:
            if kept and kept[-1] is not None:
                kept.append(None)
            continue
        if s.startswith("|") or s.endswith("|"):  # a framed passage
            left, right = len(s) - len(s.lstrip("|")), len(s) - len(s.rstrip("|"))
            removed.extend(p for p in ("|" * left, "|" * right) if p)
            s = s.strip("|").strip()
        boxes = _BOX.findall(s)
        if boxes:
            removed.append("".join(boxes))
            s = _BOX.sub("", s)
        marker = s[:len(s) - len(s.lstrip("#"))]
        if marker:  # a markdown heading's marks
            removed.append(marker)
            s = s[len(marker):].strip()
        if s:
            kept.append(s)
    return Cleaned(_reflow(kept), removed)


_CHROME = re.compile(r"网站标识码|备案号|主办单位|承办单位|版权所有|技术支持|联系我们|网站地图|扫一扫|打印本页|关闭窗口|"
                     r"附件下载|当前位置|分享到|浏览器|浏览效果|分辨率")


def _trailing_chrome(lines: list[str], drop: list[bool]) -> list[int]:
    """The web page around a report an HTML reader kept after its last part: a closing run of short
    lines without a sentence (links, "扫一扫在手机上查看", "网站标识码…"), at least five of them."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i].strip()
        if not s or drop[i]:
            continue
        if _CHROME.search(s) or (len(s) <= 16 and not _POINT.match(s)
                                 and not any(ch in s for ch in _SENTENCE_END + "，,")):
            run.append(i)
            continue
        break
    return run if len(run) >= 5 else []


# a numbered point printed inside a paragraph, after a sentence: "…发展。（二）依申请公开…"
_INLINE_POINT = re.compile(r"(?<=[。；;！？!?])\s*(?=[（(][一二三四五六七八九十]{1,2}[)）])")


def _reflow(lines: list[str | None]) -> str:
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if line is None:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and (_ends_sentence(current) or _POINT.match(line) or _subheading(current)):
            paragraphs.append(current)
            current = ""
        current = _join(current, line) if current else line
    if current:
        paragraphs.append(current)
    return "\n".join(_spaces(q) for p in paragraphs for q in _INLINE_POINT.split(p) if q.strip())


def _subheading(text: str) -> bool:
    """A numbered point's title alone on its line ("（一）主动公开方面"): a paragraph of its own."""
    return bool(_POINT.match(text)) and len(text) <= 24 and not any(ch in text for ch in _SENTENCE_END + "，,")


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS + " ")
    return bool(t) and t[-1] in _SENTENCE_END


def _join(a: str, b: str) -> str:
    # words of Latin script keep a space between lines; Chinese does not
    return f"{a} {b}" if re.match(r"[A-Za-z0-9]", b) and re.search(r"[A-Za-z0-9.,;]$", a) else a + b


def _spaces(text: str) -> str:
    """Full-width and doubled spaces, and spaces beside Chinese characters, as Chinese prose has them."""
    text = text.replace("\u3000", " ").replace("\u00a0", " ")
    text = re.sub(r" {2,}", " ", text)
    return re.sub(rf"(?<=[{_CJK}]) | (?=[{_CJK}])", "", text).strip()


def repeated_lines(text: str, least: int = 3) -> frozenset[str]:
    """Short lines printed at least ``least`` times: a running header or footer (the report's title
    on every page, the agency's name in a footer)."""
    counts: dict[str, int] = {}
    for line in text.split("\n"):
        s = line.strip()
        if 4 <= len(s) <= 40 and not _VALUES.fullmatch(s):
            counts[s] = counts.get(s, 0) + 1
    return frozenset(s for s, n in counts.items() if n >= least)
