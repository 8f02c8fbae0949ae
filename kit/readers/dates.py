"""The publication date of a report, where its source states it, never invented.

A disclosure office checks whether each agency published its report for year Y by the legal
deadline (31 January of Y+1), so a wrong date is worse than none. Sources, in order of trust:

1. ``落款``: the date line of the report's text. Most reports end with the agency's name and a
   date line (``2024年1月26日``, ``2024 年 1 月 26 日``, ``二〇二四年一月二十六日``, full-width
   digits), some print the date in brackets right under the title (``(2026年1月23日)``). A date
   is taken only when it stands alone on its line (with at most the agency's name before it or
   brackets around it) and only
   - at the end of the report: it is the last such line after the last section heading and the
     last table row, and nothing of the report (a heading, a table row, a sentence) follows it; a
     text dump that runs the whole body into one line may end with ``。 XX局 2024年1月26日``;
   - or right under the title (with at most the agency's name between).
   A date inside a sentence (the statistical period, the date of an event) is never taken. When
   the title and the end state different dates, the text is not trusted for the date.
2. ``网页元数据``: the page's ``<meta>`` (``PubDate``, ``publishdate``, ``article:published_time``,
   ``dc.date`` ...), then a ``发布时间: 2023-02-20 15:07`` / ``发布日期：`` line at the top of the
   text (scraper dumps and saved pages print one above the report).
3. ``PDF元数据``: the PDF's ``CreationDate``, then ``ModDate``, only when the text has no date line.

Every date must be plausible for a report of year Y: between Y-12-01 and Y+2-12-31; otherwise it
is ignored. Without a year nothing can be checked, and no date is given. A time stated with a
time-zone offset is read in China Standard Time (UTC+8).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

LINE = "落款"
WEB = "网页元数据"
PDF = "PDF元数据"

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0xFEFF: 0x20, 0x0D: 0x20})

_SP = r"[ \t]*"
_CN_DIGIT = "〇○零0一二三四五六七八九"
_YEAR = rf"(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}})"
_MONTH = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九]|元)"
_DAY = r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE = rf"{_YEAR}{_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号]"
_CJK = r"\u3400-\u9fff"
# a date line: [name] [(] date [发布] [)]
_DATE_LINE = re.compile(
    rf"(?:(?P<name>[{_CJK}][{_CJK}()·、 \t]{{1,58}}?){_SP})?(?P<open>[(\[【〔])?{_SP}{_DATE}{_SP}"
    rf"(?:发布|印发)?{_SP}(?P<close>[)\]】〕])?")
_NAME_END = re.compile(r"(?:政府|局|委|委员会|办公室|办|厅|院|中心|部|署|会|处|所|站|队|公司|集团|街道|镇|乡|区|县|市|"
                       r"室|馆|社|行|校|组|科|庭|园|场|台)$")
_TITLE = re.compile(r"政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告")
_TABLE_ROW = re.compile(r"\|.*\|")
_HEADING = re.compile(r"^\s*#*\s*[一二三四五六七八九十]{1,2}\s*[、.]")
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_NOISE_TAIL = re.compile(r"\s*(?:附件下载|【?打印(?:本页)?】?|【?关闭(?:窗口)?】?)\s*$")
_PAGE_MARK = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?)\s*$")
_WEB_LINE = re.compile(r"(?:^|\s)(?:发布时间|发布日期)\s*[:：]\s*(?P<v>[^\n]{6,40})")
_SECTION_ONE = re.compile(r"一\s*、\s*总\s*体\s*情\s*况")
_ISO = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
                  r"(?:(?:T|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?\s*"
                  r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$")
_PDF_DATE = re.compile(r"(?:D:)?(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
                       r"(?:(?P<H>\d{2})(?P<M>\d{2})?(?P<S>\d{2})?(?P<tz>Z|[+-]\d{2}'?(?:\d{2}'?)?)?)?")
# <meta> names that state the publication date, in order of preference (lower case)
META_KEYS = ("pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "firstpublishedtime",
             "article:published_time", "og:published_time", "og:article:published_time", "dcterms.issued",
             "dc.date.issued", "dc.date", "dcterms.date")
_CHINA = timezone(timedelta(hours=8))


def published(text: str, year: int | None, *, html_meta: dict[str, str] | None = None,
              pdf_meta: dict[str, Any] | None = None) -> tuple[str | None, str]:
    """(ISO date, source) of the report's publication where a source states it, else ``(None, "")``.

    ``source`` is ``"落款"`` (the date line of the text), ``"网页元数据"`` (the page's metadata or
    its 发布时间 line) or ``"PDF元数据"`` (the PDF's CreationDate/ModDate, used only when the text
    has no date line at all).
    """
    if year is None:
        return None, ""  # nothing to check a date against: none rather than a wrong one
    stated = date_lines(text)
    if len(set(stated)) == 1 and plausible(stated[0], year):
        return stated[0].isoformat(), LINE
    for d in web_dates(text, html_meta):
        if plausible(d, year):
            return d.isoformat(), WEB
    if not stated:
        for d in pdf_dates(pdf_meta):
            if plausible(d, year):
                return d.isoformat(), PDF
    return None, ""


def plausible(d: date, year: int) -> bool:
    """A publication date for the report of ``year``: from Y-12-01 to Y+2-12-31."""
    return date(year, 12, 1) <= d <= date(year + 2, 12, 31)


# -- the date line of the text -----------------------------------------------------------------
def date_lines(text: str) -> list[date]:
    """The dates the text states on a date line: at its end, and right under its title (0 to 2)."""
    lines = [_strip(ln) for ln in text.translate(_FOLD).split("\n")]
    out = []
    for found in (_tail_date(lines), _head_date(lines)):
        if found is not None:
            out.append(found)
    return out


def _strip(line: str) -> str:
    """A line without markdown decoration (#, **, >) and trailing page chrome (附件下载)."""
    line = line.strip().strip("#*_>").strip()
    while True:
        cut = _NOISE_TAIL.sub("", line)
        if cut == line:
            return line
        line = cut


def _date_line(s: str) -> date | None:
    """The date when ``s`` is a date line: a date alone, in brackets, or after an agency's name."""
    m = _DATE_LINE.fullmatch(s.strip())
    if m is None or bool(m.group("open")) != bool(m.group("close")):
        return None
    name = m.group("name")
    if name is not None and not _is_name(name):
        return None
    return _ymd(m.group("y"), m.group("m"), m.group("d"))


def _is_name(s: str) -> bool:
    """An agency's name (or two, side by side): CJK only, ending like one (局, 政府, 办公室 ...)."""
    s = re.sub(r"\([^()]*\)$", "", s.strip()).strip()
    return (len(re.findall(f"[{_CJK}]", s)) >= 3 and re.fullmatch(f"[{_CJK}()·、 \t]+", s) is not None
            and all(_NAME_END.search(part) for part in s.split()))


def _tail_date(lines: list[str]) -> date | None:
    """The date line at the end of the report: the last one after the last heading or table row,
    with nothing of the report after it."""
    start = 0
    for i, ln in enumerate(lines):
        if _TABLE_ROW.search(ln) or _HEADING.match(ln):
            start = i
    for i in range(len(lines) - 1, start - 1, -1):
        ln = lines[i]
        if not ln:
            continue
        found = _date_line(ln)
        if found is None:
            # a dump that runs the body into one line ends "…情况。 XX局 2024年1月26日"
            parts = _SENTENCE_END.split(ln)
            if len(parts) > 1:
                found = _date_line(parts[-1])
        if found is None:
            continue
        after = [a for a in lines[i + 1:] if a and not _PAGE_MARK.match(a)]
        if any(_TABLE_ROW.search(a) or _HEADING.match(a) for a in after) or any(_SENTENCE_END.search(a) for a in after[:3]):
            return None  # the report goes on: a date inside it, not its date line
        return found
    return None


def _head_date(lines: list[str]) -> date | None:
    """A date line right under the title: ``(2026年1月23日)``, possibly after the agency's name."""
    joined = "\n".join(lines)
    head = joined[:4000]
    for m in _TITLE.finditer(head):
        line_no = joined.count("\n", 0, m.end())  # the line the title ends on
        eol = joined.find("\n", m.end())
        rest = joined[m.end():eol if eol >= 0 else len(joined)]  # the rest of that line
        if rest.strip():
            found = _date_line(rest)
            if found is not None:
                return found
            continue
        seen = 0
        for ln in lines[line_no + 1:]:
            if not ln:
                continue
            seen += 1
            if seen > 4:
                break
            found = _date_line(ln)
            if found is not None:
                return found
            if not _is_name(ln):
                break
    return None


_CN_VALUE = {"〇": 0, "○": 0, "零": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}


def _cn_number(s: str) -> int:
    """1 to 31 in digits or Chinese numerals (十, 十二, 二十六, 三十一); 元 (月) is 1."""
    if s.isdigit():
        return int(s)
    if s == "元":
        return 1
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[units] if units else 0)
    return _CN_VALUE[s]


def _ymd(y: str, m: str, d: str) -> date | None:
    try:
        year = int(y) if y.isdigit() else int("".join(str(_CN_VALUE[c]) for c in y))
        return date(year, _cn_number(m), _cn_number(d))
    except (KeyError, ValueError):
        return None


# -- metadata ----------------------------------------------------------------------------------
def web_dates(text: str, html_meta: dict[str, str] | None = None) -> list[date]:
    """Publication dates a web page states: its <meta>, then a 发布时间/发布日期 line at its top."""
    out: list[date] = []
    meta = {k.lower(): v for k, v in (html_meta or {}).items()}
    for key in META_KEYS:
        d = parse_stamp(meta.get(key, ""))
        if d is not None:
            out.append(d)
    head = text.translate(_FOLD)[:6000]
    one = _SECTION_ONE.search(head)
    for m in _WEB_LINE.finditer(head[:one.start()] if one else head):
        d = parse_stamp(m.group("v"))
        if d is not None:
            out.append(d)
    return out


def parse_stamp(value: str) -> date | None:
    """The date of a page's time stamp: ``2023-02-20 15:07``, ``2023/2/20``, ``2023年2月20日``,
    ``2025-03-10T15:35:00+08:00`` (read in China Standard Time), ``20230220``."""
    value = value.translate(_FOLD).strip()
    m = _ISO.match(value) or _COMPACT.match(value)
    if m is None:
        return None
    g = m.groupdict()
    return _local(g["y"], g["m"], g["d"], g.get("H"), g.get("M"), g.get("S"), g.get("tz"))


def pdf_dates(pdf_meta: dict[str, Any] | None) -> list[date]:
    """The PDF's CreationDate, then its ModDate (``D:20240126093000+08'00'``)."""
    out: list[date] = []
    for key in ("CreationDate", "ModDate"):
        value = (pdf_meta or {}).get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if not isinstance(value, str):
            continue
        m = _PDF_DATE.match(value.strip())
        if m is None:
            continue
        d = _local(m.group("y"), m.group("m"), m.group("d"), m.group("H"), m.group("M"), m.group("S"),
                   m.group("tz"))
        if d is not None:
            out.append(d)
    return out


def _local(y: str, mo: str, d: str, hh: str | None, mi: str | None, ss: str | None, tz: str | None) -> date | None:
    """The date, read in China Standard Time when the stamp states a time and a real UTC offset;
    as printed otherwise (an offset like +06'41', which some PDF writers print, is no zone)."""
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if hh is None or not tz:
        return day
    if tz == "Z":
        offset = timedelta(0)
    else:
        digits = re.sub(r"\D", "", tz)
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes not in (0, 15, 30, 45):
            return day
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if tz.startswith("-") else 1)
    try:
        stamp = datetime(day.year, day.month, day.day, int(hh), int(mi or 0), int(ss or 0),
                         tzinfo=timezone(offset))
    except ValueError:
        return day
    return stamp.astimezone(_CHINA).date()
