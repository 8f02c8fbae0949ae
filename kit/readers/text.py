"""The plain-text reader: report pages saved as text, with ``|`` cells, spaces, or glued digits.

Works on a normalised copy of the text that has the same length as the original (full-width
digits and punctuation mapped one-to-one), so that every printed cell text can be cut from the
original at the offsets found in the copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import InputError
from ..model import Finding, Report
from ..schema import FormatVersion, Row, Table, get_format, version_for_year
from . import tables
from .dates import published
from .segment import PLACEHOLDERS, Token

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x3001: ord("、"),
                   0x2014: 0x2014, 0x3002: 0x3002, 0x00B7: 0x20, 0x2022: 0x20, 0xFEFF: 0x20})
_CJK = r"\u3400-\u9fff"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?(?:br|p|span|div|font|b|strong|td|tr|o:p)\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp);", re.I)
_PAGE_MARK = re.compile(r"(?m)(?:^|(?<=\s))[-—–]\s*\d{1,3}\s*[-—–](?=\s|$)")

_NUM = re.compile(r"-?\d(?:[\d.,]|-(?=\d))*")
_UNIT = re.compile(r"\s*(万元|元)")
_ANNOT = re.compile(r"\s*\((?:其中|含)[^()]{0,40}\)")
_REPORT = r"政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告"
_TITLE_A = re.compile(r"(?P<a>[^\s:#|,。;、《》()\d]{2,60}?)\s*(?P<y>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?\s*" + _REPORT)
_TITLE_Y = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*度?\s*(?P<a>[^\s:#|,。;、《》()\d]{2,60}?)\s*" + _REPORT)


# the caller's look-up of an agency's report of the year before: (agency as titled, this year) -> report
LastYear = Callable[[str | None, int | None], Report | None]

_TOP = r"(?:^|(?<=[\s。>]))[一二三四五六七八九十]{1,2}\s*[、.]\s*"  # a numbered part's heading starts so


# wording around the agency's name in a title that is not the name: a cover letter's ("XX局关于报送
# 2020年…年度报告的函", "关于印发…的通知"), a site's path and labels ("首页>政务公开>", "标题:")
_COVER_TAIL = re.compile(r"(?:关于)(?:报送|印发|公布|发布|转发|上报|呈报|提交|公开|做好)?(?:本单位|我局|我委|本机关)?$")
_COVER_HEAD = re.compile(r"^(?:.*[>»›]|(?:标题|题名|名称)[:：]?|【[^】]*】|转发|印发|关于|公布|发布)+")


def agency_from_title(text: str) -> str:
    """The agency's name from the words a title prints before its year (or after it): spaces, markup,
    a cover letter's and a site's wording stripped; "" when nothing is left."""
    name = re.sub(r"\s+", "", text).lstrip("#*").strip()
    name = _COVER_HEAD.sub("", name)
    return _COVER_TAIL.sub("", name)


def normalise(text: str) -> str:
    """Same-length copy with full-width ASCII folded, for matching only."""
    return text.translate(_FULLWIDTH)


def clean(text: str) -> str:
    """Drop markup that scrapers leak into text dumps (Word comments, stray tags, &nbsp;)."""
    text = _COMMENT.sub("", text)
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fuzzy(word: str) -> str:
    """Regex for a label that tolerates spaces and line breaks between its characters."""
    return r"\s*".join(re.escape(ch) for ch in normalise(word) if not ch.isspace())


def _ordinal_re(ordinal: str) -> str:
    if ordinal.startswith("("):
        return r"\(\s*" + re.escape(ordinal[1:-1]) + r"\s*\)"
    if ordinal.isdigit():
        return re.escape(ordinal) + r"\s*[.、]"
    return re.escape(ordinal) + r"\s*[、.]"


@dataclass
class Located:
    """Where a thing was found in the text: [start, end) in both copies."""

    start: int
    end: int
    alt: int = 0  # which of the label's keywords matched (0: the standard wording)


class TextDoc:
    """A report's text with the positions of its sections and table rows."""

    def __init__(self, original: str, path: str) -> None:
        self.path = path
        self.orig = clean(original)
        self.norm = normalise(self.orig)
        blanked = _PAGE_MARK.sub(lambda m: " " * len(m.group(0)), self.norm)
        self.norm = blanked

    # -- title --------------------------------------------------------------------------
    def title(self) -> tuple[str | None, int | None, str]:
        head = self.norm[:4000]
        m = re.search(r"(?m)^\s*标题\s*:\s*(.+)$", head)
        scopes = [m.group(1)] if m else []
        scopes.append(head)
        for scope in scopes:
            hits = [h for h in (_TITLE_A.search(scope), _TITLE_Y.search(scope)) if h]
            if hits:
                h = min(hits, key=lambda x: x.start())
                agency = agency_from_title(h.group("a"))
                return agency or None, int(h.group("y")), re.sub(r"\s+", " ", h.group(0)).strip()
        return None, None, ""

    # -- sections -----------------------------------------------------------------------
    def headings(self, fmt: FormatVersion) -> tuple[dict[str, Located], list[Finding]]:
        """Where each of the six parts starts: its heading by number and keyword; else renumbered (any
        numeral, the keyword); else renamed (any numeral, a word of its topic: "一、概述", "五、当前存在
        的突出问题"). Renumbered and renamed parts are findings; a part headed by two numbered headings
        ("五、…问题" then "六、…改进举措") starts at the first."""
        found: dict[str, Located] = {}
        findings: list[Finding] = []
        pos = 0
        for sec in fmt.sections:
            tail = self._tail(sec.keywords)
            m = re.compile(re.escape(sec.key) + r"\s*[、.,]\s*" + tail).search(self.norm, pos)
            how = ""
            if m is None:
                # renumbered ("六、存在的主要问题…" after an added part): any numeral, then the keyword
                m = re.compile(_TOP + tail, re.M).search(self.norm, pos)
                how = "编号"
            if m is None and sec.topic:
                m = re.compile(_TOP + r"[^。\n]{0,14}?(?:" + "|".join(fuzzy(k) for k in sec.topic) + r")[^。\n(（]{0,16}",
                               re.M).search(self.norm, pos)
                how = "名称"
            if m is None or (sec.key == "四" and "结转" in m.group(0)):
                continue
            if how:
                printed = self.orig[m.start():m.end()].strip()
                findings.append(Finding("format.section_heading", "info",
                                        f"第{sec.key}部分“{sec.title}”的标题印作“{printed}”，{how}与规定格式不同。",
                                        expected=f"{sec.key}、{sec.title}", actual=printed))
            found[sec.key] = Located(m.start(), m.end())
            pos = m.end()
        return found, findings

    @staticmethod
    def _tail(keywords: tuple[str, ...]) -> str:
        kw = "|".join(fuzzy(k) for k in keywords)
        return r"[^。\n]{0,14}?(?:" + kw + r")(?:[^。\n]{0,12}?(?:情况|事项|计划))?"

    def passages(self, fmt: FormatVersion, heads: dict[str, Located], spans: list[Located]) -> list[Finding]:
        """Parts without any heading found by what they say: a line or sentence outside the tables that
        opens on the part's topic ("（一）2024年工作中存在问题的改进情况" for part 五), between the parts
        around it. Adds them to ``heads``; each is a finding saying where the part was taken to start."""
        findings: list[Finding] = []
        keys = [s.key for s in fmt.sections]
        for sec in fmt.sections:
            if sec.key in heads or not sec.topic or sec.key == "一":
                continue  # part 一 without a heading is the opening text: nothing marks where it starts
            i = keys.index(sec.key)
            before = [heads[k].end for k in keys[:i] if k in heads]
            after = [heads[k].start for k in keys[i + 1:] if k in heads]
            lo = max(before + [s.end for s in spans if s.end <= (min(after) if after else len(self.norm))] or [0])
            hi = min(after) if after else len(self.norm)
            topic = "|".join(fuzzy(k) for k in sec.keywords + sec.topic)
            m = re.compile(r"(?:^|(?<=[\n。]))[ \t]*(?:\([一二三四五六七八九十]{1,2}\)|\d{1,2}[.、])?[^。\n|]{0,16}?(?:"
                           + topic + r")[^。\n|]{0,24}", re.M).search(self.norm, lo, hi)
            if m is None:
                continue
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            heads[sec.key] = Located(start, start)  # the passage itself is the part's text
            printed = self.orig[start:m.end()].strip()
            findings.append(Finding("format.section_heading", "info",
                                    f"第{sec.key}部分“{sec.title}”没有标题，按内容自“{printed}”起识别。",
                                    expected=f"{sec.key}、{sec.title}", actual=printed))
        return findings

    def find_label(self, row: Row, start: int, end: int) -> Located | None:
        pats: list[tuple[int, str]] = []
        for k, kw in enumerate(row.keywords):
            if row.ordinal:
                pats.append((k, _ordinal_re(row.ordinal) + r"\s*" + fuzzy(kw)))
            if not row.strict:
                pats.append((k, fuzzy(kw)))
        for k, p in pats:
            m = re.compile(p).search(self.norm, start, end)
            if m:
                return Located(m.start(), m.end(), k)
        return None


def tokens_in(doc: TextDoc, start: int, end: int, *, next_ordinal: str | None = None) -> tuple[list[Token], int]:
    """The printed values between a row label and the next one; also where they end."""
    text = doc.norm
    if next_ordinal and next_ordinal.isdigit():
        # "40000042.其他…": the next row's item number (and any label text before its keyword)
        m = re.search(r"(?<!\d)" + re.escape(next_ordinal) + r"\s*[.、][^\d|\n]{0,20}$", text[start:end])
        if not m:
            m = re.search(re.escape(next_ordinal) + r"\s*[.、][^\d|\n]{0,20}$", text[start:end])
        if m:
            end = start + m.start()
    toks: list[Token] = []
    started = False
    last_end = start
    for line_m in re.finditer(r"[^\n]*\n?", text[start:end]):
        line_start = start + line_m.start()
        line = line_m.group(0)
        if not line:
            break
        if re.match(r"\s*#+\s", line):
            continue  # markdown heading: a label, never a value
        if "|" in line:
            got = _pipe_tokens(doc, line_start, line, after_label=line_start == start)
            if got:
                toks.extend(got)
                started = True
                last_end = line_start + len(line.rstrip("\n"))
            continue
        i = 0
        glue = False
        while i < len(line):
            ch = line[i]
            if ch.isspace():
                glue = bool(toks) and started
                i += 1
                continue
            m = _NUM.match(line, i)
            if m and re.match(r"\s*[年月日号时]", line[m.end():]):
                # a date in prose ("2024 年"), never a table value
                if started:
                    return toks, last_end
                i = m.end()
                continue
            if m:
                run = m.group(0).rstrip(".,")
                j = i + len(run)
                suffix = ""
                u = _UNIT.match(line, j)
                a = _ANNOT.match(line, j)
                splittable = True
                if a:
                    j = a.end()
                    splittable = False
                elif u:
                    suffix = u.group(1)
                    j = u.end()
                core = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", run)
                printed = doc.orig[line_start + i:line_start + j].strip()
                for k, piece in enumerate(core.split(",")):
                    if piece:
                        toks.append(Token(printed if "," not in core else piece, piece,
                                          glue_before=glue and k == 0, splittable=splittable,
                                          suffix=suffix))
                started = True
                last_end = line_start + j
                glue = False
                i = j
                continue
            w = re.match(r"[^\s\d]+", line[i:])
            word = w.group(0) if w else ch
            if word in PLACEHOLDERS and (i == 0 or line[i - 1].isspace()):
                toks.append(Token(doc.orig[line_start + i:line_start + i + len(word)], "", splittable=False))
                started = True
                last_end = line_start + i + len(word)
            elif started and len(re.findall(f"[{_CJK}]", word)) >= 2:
                return toks, last_end  # prose after the values: the row has ended
            glue = False
            i += len(word)
    return toks, last_end


_VALUE_CELL = re.compile(r"-?\d[\d,]*(?:\.\d+)?\s*(?:万元|元)?(?:\s*\((?:其中|含)[^()]{0,40}\))?")


def _pipe_tokens(doc: TextDoc, line_start: int, line: str, *, after_label: bool = False) -> list[Token]:
    """Cells of a markdown/pipe row; empty cells are blank values in a row with values or a label."""
    if re.fullmatch(r"[\s|:\-]*\n?", line) and ("-" in line or not after_label):
        return []  # separator row |---|---|
    parts: list[tuple[int, str]] = []
    pos = 0
    for piece in line.rstrip("\n").split("|"):
        parts.append((pos, piece))
        pos += len(piece) + 1
    if line.strip().startswith("|"):
        parts = parts[1:]
    if line.rstrip().endswith("|"):
        parts = parts[:-1]
    out: list[Token] = []
    has_value = has_text = False
    for off, piece in parts:
        cell = piece.strip()
        lead = len(piece) - len(piece.lstrip())
        printed = doc.orig[line_start + off + lead:line_start + off + lead + len(cell)]
        if cell.startswith("⟦") and cell.endswith("⟧"):
            # an OCR cell the recogniser was not sure of: blank here, named by the OCR reader
            out.append(Token(printed, "", splittable=False))
            has_value = True
        elif _VALUE_CELL.fullmatch(cell):
            core = re.sub(r"[^\d.\-]", "", re.split(r"\(|万元|元", cell)[0])
            out.append(Token(printed, core, splittable=False,
                             suffix=("元" if "元" in cell and "万元" not in cell else "")))
            has_value = True
        elif cell in PLACEHOLDERS:
            out.append(Token(printed, "", splittable=False))
            has_value = True
        elif cell == "":
            out.append(Token("", "", splittable=False))
        else:
            has_text = True
    # a row of empty cells after its label is a row of blanks; a header row yields nothing
    return out if has_value or ((has_text or after_label) and out) else []


def detect_format(doc: TextDoc, year: int | None) -> tuple[str, list[Finding]]:
    counts = {}
    for v in ("gov2021", "gov2019"):
        counts[v] = sum(1 for mk in get_format(v).shape_markers if re.search(fuzzy(mk), doc.norm))
    by_shape = None
    if counts["gov2021"] != counts["gov2019"]:
        by_shape = max(counts, key=lambda k: counts[k])
    findings: list[Finding] = []
    if year is not None:
        by_year = version_for_year(year)
        if by_shape and by_shape != by_year:
            findings.append(Finding("format.version_mismatch", "warning",
                                    f"{year}年度报告应使用{by_year}格式，但表格形态更像{by_shape}，按表格形态读取。"))
            return by_shape, findings
        return by_year, findings
    return by_shape or "gov2021", findings


def prose_numbers(doc: TextDoc, table: Table, spans: list[Located]) -> dict[str, set[float]]:
    """Numbers the report's prose states of a 表二 row's subject: after the row's name (or the words
    the format data says reports use for it), in the same clause ("制发规范性文件62件", "采购信息197
    批次涉及金额3601627.4元"), never past a comma, an enumeration mark or a sentence end
    ("规范性文件、财政预算、决算类4条" says nothing of the row)."""
    out: dict[str, set[float]] = {}
    for row in table.rows:
        said: set[float] = set()
        for kw in row.keywords + row.said_as:
            for m in re.finditer(fuzzy(kw), doc.norm):
                if any(sp.start <= m.start() < sp.end for sp in spans):
                    continue  # inside the table itself
                clause = _CLAUSE.match(doc.norm, m.end())
                said.update(float(n.group(1)) for n in _SAID.finditer(clause.group(0) if clause else ""))
        if said:
            out[row.id] = said
    return out


# the rest of the clause after a row's name, and the counts and amounts stated in it
_CLAUSE = re.compile(r"[^，,。；;、：:！!？?\n（(]{0,40}")
_SAID = re.compile(r"(\d+(?:\.\d+)?)\s*(?:件|条|个|项|批次|万元|元)")


def read_tables(doc: TextDoc, fmt: FormatVersion, heads: dict[str, Located], last: Report | None = None
                ) -> tuple[dict, dict, list[Finding], list[Located], bool]:
    cells: dict = {}
    raw: dict = {}
    findings: list[Finding] = []
    spans: list[Located] = []
    n = len(doc.norm)
    t2, t3, t4 = fmt.table("t2"), fmt.table("t3"), fmt.table("t4")

    def first(table: Table, start: int, end: int) -> Located | None:
        hits = [h for h in (doc.find_label(table.rows[0], start, end),) if h]
        return hits[0] if hits else None

    # Table regions: between the section headings when present, else by their first labels.
    s3 = heads["三"].start if "三" in heads else None
    t3_first = first(t3, heads["三"].end if "三" in heads else 0, n)
    t3_start = heads["三"].end if "三" in heads else (t3_first.start if t3_first else n)
    t2_start = heads["二"].end if "二" in heads else 0
    t2_end = s3 if s3 is not None else t3_start
    t4_start = heads["四"].end if "四" in heads else n
    t3_end = heads["四"].start if "四" in heads else n
    t4_end = heads["五"].start if "五" in heads else n

    any_found = False
    for table, start, end in ((t2, t2_start, t2_end), (t3, t3_start, t3_end)):
        row_tokens: tables.RowTokens = {}
        labels: list[tuple[Row, Located]] = []
        pos = start
        missing: list[Row] = []
        for row in table.rows:
            loc = doc.find_label(row, pos, end)
            if loc:
                labels.append((row, loc))
                pos = loc.end
            else:
                missing.append(row)
        if missing and labels:
            # Rows printed before the table's first row (markdown that moved a table below loose
            # text): looked for only there, so they can never split another row's values.
            pos, head_end = start, labels[0][1].start
            for row in missing[:]:
                loc = doc.find_label(row, pos, head_end)
                if loc:
                    labels.append((row, loc))
                    missing.remove(row)
                    pos = loc.end
        for row in missing:
            row_tokens[row.id] = None
        labels.sort(key=lambda rl: rl[1].start)
        single = _single_other_row(doc, fmt, table, labels, row_tokens, end)
        if single:
            labels.append(single)
            labels.sort(key=lambda rl: rl[1].start)
        found = len(labels) >= max(2, len(table.rows) // 3)
        if found:
            any_found = True
            span_end = labels[0][1].start
            for k, (row, loc) in enumerate(labels):
                if loc.alt:
                    findings.append(_label_finding(doc, table, row, loc))
                nxt = labels[k + 1] if k + 1 < len(labels) else None
                stop = nxt[1].start if nxt else end
                toks, stop_at = tokens_in(doc, loc.end, stop, next_ordinal=nxt[0].ordinal if nxt else None)
                row_tokens[row.id] = toks
                span_end = max(span_end, stop_at)
            # the table's header text runs back to the last sentence end or blank line
            first_at = labels[0][1].start
            cut = max(doc.norm.rfind("。", start, first_at), doc.norm.rfind("\n\n", start, first_at))
            spans.append(Located(cut + 1 if cut >= 0 else start, span_end))
        if single:
            findings.append(_single_other_finding(table, row_tokens.pop(single[0].id, None) or []))
            for rid in ("other.no_supplement", "other.unpaid", "other.other"):
                # not printed: blank cells, and the finding above says why
                row_tokens[rid] = [Token("", "", splittable=False) for _ in table.rows[0].columns]
        if found and table.id == "t2":
            findings.extend(_loose_cells(doc, table, labels, start, row_tokens))
        hints = prose_numbers(doc, table, spans) if table.id == "t2" and found else None
        prior = last.cells if last is not None and last.format == fmt.version else None
        c, r, f = tables.resolve(fmt, table, row_tokens, found=found, hints=hints, last=prior)
        if found and not single and table.id == "t3":
            c, r, f = _labels_after_numbers(doc, fmt, table, labels, start, row_tokens, (c, r, f))
        cells.update(c)
        raw.update(r)
        findings.extend(f)

    t4_found = "四" in heads
    t4_tokens: list[Token] = []
    if t4_found:
        t4_tokens, stop_at = tokens_in(doc, t4_start, t4_end)
        spans.append(Located(t4_start, stop_at))
        any_found = any_found or bool(t4_tokens)
    c, r, f = tables.resolve(fmt, t4, {"*": t4_tokens}, found=t4_found)
    cells.update(c)
    raw.update(r)
    findings.extend(f)
    return cells, raw, findings, spans, any_found


Resolved = tuple[dict, dict, list[Finding]]
_LOOSE = re.compile(r"(?<![\d.])(\d+)\s*([(（](?:其中|含)[^()（）\n]{1,30}[)）])")


def _loose_cells(doc: TextDoc, table: Table, labels: list[tuple[Row, Located]], start: int,
                 row_tokens: tables.RowTokens) -> list[Finding]:
    """Cells of two lines that a converter printed outside its table, above it ("22" then "（其中修订
    16件）"), the rows then one value short. Put back only when there are as many such values as rows
    one value short, in row order, each note naming exactly one column ("修订" 本年制发, "失效" 本年废止,
    the format data's words); the row's printed values fill its other columns in order."""
    if not labels:
        return []
    loose = list(_LOOSE.finditer(doc.norm, start, labels[0][1].start))
    short = [(row, toks) for row, _ in labels if (toks := row_tokens.get(row.id)) is not None
             and len(toks) == len(row.columns) - 1 and all(t.is_number for t in toks)
             and any(c.noted_as for c in row.columns)]
    if not loose or len(loose) != len(short):
        return []
    placed: list[tuple[Row, int, re.Match[str]]] = []
    for (row, _), m in zip(short, loose):
        note = re.sub(r"\s+", "", m.group(2))
        cols = [j for j, c in enumerate(row.columns) if any(w in note for w in c.noted_as)]
        if len(cols) != 1:
            return []
        placed.append((row, cols[0], m))
    out = []
    for row, j, m in placed:
        toks = list(row_tokens[row.id] or [])
        printed = re.sub(r"\s+", "", doc.orig[m.start():m.end()])
        toks.insert(j, Token(printed, m.group(1), splittable=False))
        row_tokens[row.id] = toks
        out.append(Finding("format.loose_cell", "info",
                           f"“{row.label}”一行的“{row.columns[j].label}”（{printed}）印在表格之外，按行序和说明文字归入该格。",
                           cells=[row.cell_id(table.id, row.columns[j])], actual=printed))
    return out


def _labels_after_numbers(doc: TextDoc, fmt: FormatVersion, table: Table, labels: list[tuple[Row, Located]],
                          start: int, after: tables.RowTokens, read: Resolved) -> Resolved:
    """A converted table whose row labels come after their numbers (each number row printed above its
    label): read with the numbers after each label, every row takes the next row's numbers, and each
    row still adds up while the columns do not. When numbers stand before the first label and none
    after the last, the table is read the other way too, and kept so only when strictly more of its
    identities hold (then a ``format.labels_after_numbers`` note says so)."""
    lead, _ = tokens_in(doc, start, labels[0][1].start)
    last_row = labels[-1][0].id
    if not lead or after.get(last_row):
        return read
    before: tables.RowTokens = {k: v for k, v in after.items() if v is None}
    prev_end = start
    for row, loc in labels:
        before[row.id], _ = tokens_in(doc, prev_end, loc.start)
        prev_end = loc.end
    other = tables.resolve(fmt, table, before, found=True)
    ours, theirs = tables.holding(table, read[0]), tables.holding(table, other[0])
    if theirs < ours:
        return read
    if theirs == ours:  # both layouts fit as well: where they differ, nothing is certain
        differ = sorted(c for c in read[0] if read[0][c] != other[0].get(c))
        if not differ:
            return read
        cells = {**read[0], **{c: None for c in differ}}
        return cells, read[1], read[2] + [Finding(
            "extract.ambiguous", "warning",
            f"{table.name}的数字印在行标签之前还是之后无法确定（两种读法的勾稽关系同样成立），"
            f"{len(differ)} 个单元格两种读法不同，请核对原件后补录。", cells=differ,
            actual={c: [read[0][c], other[0].get(c)] for c in differ})]
    note = Finding("format.labels_after_numbers", "info",
                   f"{table.name}的行标签印在各行数字之后（转换工具所致）：按每个标签之前的数字读取，"
                   "各行各列的勾稽关系由此成立。", cells=[])
    return other[0], other[1], other[2] + [note]


def _label_finding(doc: TextDoc, table: Table, row: Row, loc: Located) -> Finding:
    # the printed label: from the previous line/cell break to the keyword's end
    line_start = max(doc.norm.rfind(ch, 0, loc.start) for ch in "\n|")
    tail = re.match(r"[^\d|\n]{0,30}", doc.norm[loc.end:])
    end = loc.end + (len(tail.group(0)) if tail else 0)
    printed = doc.orig[max(line_start + 1, loc.start - 20):end].strip(" |")
    ids = [row.cell_id(table.id, c) for c in row.columns]
    return Finding("format.label", "info",
                   f"行标签印作“{printed}”，规定格式为“{row.label}”；已按“{row.label}”读取。", cells=ids,
                   expected=row.label, actual=printed)


_SINGLE_OTHER = Row("other", "（六）其他处理", ("其他处理",), (), group="三、本年度办理结果", ordinal="(六)",
                    strict=True)


def _single_other_row(doc: TextDoc, fmt: FormatVersion, table: Table, labels: list[tuple[Row, Located]],
                      row_tokens: tables.RowTokens, end: int) -> tuple[Row, Located] | None:
    """A gov2021 表三 that prints the gov2019 single （六）其他处理 row instead of its three sub-rows."""
    if table.id != "t3" or fmt.version != "gov2021":
        return None
    if any(row_tokens.get(r, 0) is not None for r in ("other.no_supplement", "other.unpaid", "other.other")):
        return None
    before = [loc for row, loc in labels if row.id == "reject.confirm"]
    after = [loc for row, loc in labels if row.id == "total"]
    start = before[0].end if before else 0
    stop = after[0].start if after else end
    loc = doc.find_label(_SINGLE_OTHER, start, stop)
    return (_SINGLE_OTHER, loc) if loc else None


def _single_other_finding(table: Table, toks: list[Token]) -> Finding:
    ids = [r.cell_id("t3", c) for r in table.rows if r.id.startswith("other.") for c in r.columns]
    printed = " ".join(t.text for t in toks if t.text)
    return Finding("format.single_other_row", "warning",
                   f"表三按2019年格式只印了一行“（六）其他处理”（{printed}），没有分列1.逾期不补正、2.逾期未缴费、"
                   "3.其他三项；这三行按空白记录，印出的合计值保留在本条发现中。", cells=ids, actual=printed)


def section_texts(doc: TextDoc, fmt: FormatVersion, heads: dict[str, Located], spans: list[Located]) -> dict[str, str]:
    """Each part's narrative: the text between its heading and the next, the tables cut out, the
    paragraphs rebuilt and the page layout removed (:mod:`kit.readers.prose`)."""
    from .prose import clean, repeated_lines

    repeated = repeated_lines(doc.orig)
    order = [k for k in (s.key for s in fmt.sections) if k in heads]
    out: dict[str, str] = {}
    for i, key in enumerate(order):
        start = heads[key].end
        end = heads[order[i + 1]].start if i + 1 < len(order) else len(doc.orig)
        pieces: list[str] = []
        cur = start
        for sp in sorted(spans, key=lambda s: s.start):
            if sp.end <= cur or sp.start >= end:
                continue
            pieces.append(doc.orig[cur:max(cur, sp.start)])
            cur = max(cur, sp.end)
        pieces.append(doc.orig[cur:end])
        text = "\n\n".join(p.strip() for p in pieces if p.strip())  # a table between pieces ends a paragraph
        out[key] = clean(text, repeated, last=i == len(order) - 1).text
    return out


def read_text(text: str, path: str, *, agency: str | None = None, year: int | None = None,
              reader: str = "text", html_meta: dict[str, str] | None = None,
              pdf_meta: dict[str, Any] | None = None, previous: LastYear | None = None) -> Report:
    """Read one report from its text; raises InputError when it holds no statutory table.

    ``previous``: see :func:`kit.readers.read_file`.

    ``html_meta`` (the page's <meta> names and contents) and ``pdf_meta`` (the PDF's document
    information) are the other sources of the publication date (:mod:`kit.readers.dates`).
    """
    from ..model import Provenance

    doc = TextDoc(text, path)
    t_agency, t_year, title = doc.title()
    agency = agency or t_agency
    year = year or t_year
    version, findings = detect_format(doc, year)
    fmt = get_format(version)
    heads, hfind = doc.headings(fmt)
    findings.extend(hfind)
    last = previous(agency, year) if previous is not None and agency and year else None
    cells, raw, tfind, spans, any_found = read_tables(doc, fmt, heads, last)
    if not any_found:
        raise InputError(path, "no statutory table (表二/表三/表四) found: the page may hold the report "
                               "only as an image or attachment")
    if all(v is None for v in cells.values()):
        raise InputError(path, "the tables hold no numbers (a blank template?)")
    findings.extend(tfind)
    findings.extend(doc.passages(fmt, heads, spans))
    for sec in fmt.sections:
        if sec.key not in heads:
            findings.append(Finding("format.section_heading", "info",
                                    f"未找到第{sec.key}部分“{sec.title}”的标题。"))
    if agency is None or year is None:
        findings.append(Finding("extract.no_title", "warning",
                                "未找到“XX20XX年政府信息公开工作年度报告”标题行，机关名称或年度未知，可用 --agency/--year 指定。"))
    report = Report(agency, year, version, cells, raw, section_texts(doc, fmt, heads, spans),
                    Provenance(path, "", reader), findings, title)
    report.published, report.published_from = published(doc.orig, year, html_meta=html_meta, pdf_meta=pdf_meta)
    return report
