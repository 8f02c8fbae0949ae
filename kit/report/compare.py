"""This year's report against last year's: the sentences changed in each section, the cells changed.

:func:`compare` aligns each section's sentences (split on 。！？； and line breaks) with
``difflib.SequenceMatcher``: a sentence edited even slightly counts as removed and added. Cells are
compared only between reports of one format version (表二's columns differ between gov2019 and
gov2021). :func:`comparison_html` marks the changes as a reviewer marks a draft: ``<del>`` and ``<ins>``.
Every text that comes from a report goes through ``html.escape``.
"""
from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

from ..model import Number, Report
from ..schema import SECTION_KEYS, get_format, number_text

_SENTENCE = re.compile(r"[^。！？；]*[。！？；]+[”’」』）)]*|[^。！？；]+")
_CJK_SPACE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")
NO_PREVIOUS = "库中没有本机关上年的报告，无法进行对比。"


@dataclass(frozen=True)
class Hunk:
    """One place where a section changed: the unchanged sentence before it (if any), then the change."""

    context: str | None
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class SectionChange:
    key: str                  # 一 .. 六
    title: str                # 总体情况 ...
    similarity: float         # 0..1, SequenceMatcher ratio of the whitespace-normalised text
    hunks: tuple[Hunk, ...]
    empty_before: bool
    empty_now: bool

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(s for h in self.hunks for s in h.removed)

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(s for h in self.hunks for s in h.added)

    @property
    def changed(self) -> bool:
        return bool(self.hunks)

    @property
    def heading(self) -> str:
        return f"{self.key}、{self.title}"


@dataclass(frozen=True)
class CellChange:
    cell_id: str
    table: str                # 表二, 表三, 表四
    row_label: str            # with its group: （三）不予公开·1.属于国家秘密
    column_label: str         # with its group: 法人或其他组织·商业企业
    old: Number | None
    new: Number | None

    @property
    def change(self) -> Number | None:
        """new − old; None when one year has no number (a blank is not a change of 0)."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def change_text(self) -> str:
        if self.old is None:
            return "上年为空"
        if self.new is None:
            return "本年为空"
        d = self.change
        assert d is not None
        return ("+" if d > 0 else "-") + number_text(abs(d))


@dataclass(frozen=True)
class Comparison:
    agency: str | None
    year: int | None
    previous_year: int | None
    format: str
    previous_format: str
    sections: tuple[SectionChange, ...]
    cells: tuple[CellChange, ...]   # in the tables' order; empty when the cells were not compared
    cells_compared: bool
    note: str                       # why the cells were not compared, else ""
    summary: tuple[str, ...]        # one to three sentences

    def section(self, key: str) -> SectionChange:
        return next(s for s in self.sections if s.key == key)

    @property
    def largest(self) -> CellChange | None:
        return largest(self.cells)


def largest(cells: tuple[CellChange, ...]) -> CellChange | None:
    """The cell that changed most (by absolute value); the first in the tables' order on a tie."""
    return max((c for c in cells if c.change is not None), key=lambda c: abs(c.change or 0), default=None)


def _normal(sentence: str) -> str:
    """Whitespace runs as one space, none beside a Chinese character or full-width punctuation."""
    return _CJK_SPACE.sub("", re.sub(r"\s+", " ", sentence)).strip()


def sentences(text: str) -> list[str]:
    """A section's sentences: split on 。！？； (closing quotes stay with their sentence) and line breaks."""
    out = []
    for line in (text or "").splitlines():
        for m in _SENTENCE.finditer(line):
            s = _normal(m.group(0))
            if s:
                out.append(s)
    return out


def similarity(before: str, now: str) -> float:
    """SequenceMatcher ratio of two texts, whitespace normalised (line breaks do not count)."""
    a, b = "".join(sentences(before)), "".join(sentences(now))
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def diff_sentences(before: list[str], now: list[str]) -> tuple[Hunk, ...]:
    """The changed runs of sentences, each with the one unchanged sentence before it as context."""
    hunks = []
    matcher = difflib.SequenceMatcher(None, before, now, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        # opcodes alternate: the sentence before a change is always an unchanged one
        hunks.append(Hunk(before[i1 - 1] if i1 else None, tuple(before[i1:i2]), tuple(now[j1:j2])))
    return tuple(hunks)


def _labels(version: str, cell_id: str) -> tuple[str, str, str]:
    table, row, col = get_format(version).cell(cell_id)
    row_label = f"{row.group}·{row.label}" if row.group else row.label
    column_label = f"{col.group}·{col.label}" if col.group else col.label
    return table.name, row_label, column_label


def _cells(report: Report, previous: Report) -> tuple[CellChange, ...]:
    out = []
    for cid in get_format(report.format).cell_ids():
        old, new = previous.cells.get(cid), report.cells.get(cid)
        if old == new:  # 5 == 5.0; None never equals a number
            continue
        out.append(CellChange(cid, *_labels(report.format, cid), old, new))
    return tuple(out)


def _pct(v: float) -> str:
    """A similarity as a whole percent; a changed section never shows as 100%."""
    p = round(v * 100)
    return f"{min(p, 99) if v < 1 else 100}%"


def _edition(version: str) -> str:
    """gov2019 -> 2019年版格式（gov2019）."""
    return f"{version.removeprefix('gov')}年版格式（{version}）"


def _summary(previous: Report, sections: tuple[SectionChange, ...], cells: tuple[CellChange, ...],
             compared: bool, note: str, top: CellChange | None) -> tuple[str, ...]:
    changed = [s for s in sections if s.changed]
    than = f"与{previous.year}年报告相比" if previous.year else "与上年报告相比"
    if not changed:
        first = f"{than}，六个部分的文字均未改动。"
    else:
        most = min(changed, key=lambda s: s.similarity)
        counts = "、".join(f"{w}{n}句" for w, n in (("删去", len(most.removed)), ("新增", len(most.added))) if n)
        which = "只有" if len(changed) == 1 else f"{len(changed)}个部分的文字有改动，改动最大的是"
        first = (f"{than}，{which}“{most.heading}”{'的文字有改动' if len(changed) == 1 else ''}"
                 f"（相似度{_pct(most.similarity)}，{counts}）。")
    out = [first]
    if not compared:
        out.append(note)
    elif not cells:
        out.append("表格数据与上年完全相同。")
    elif top is None:
        out.append(f"表格中有{len(cells)}个数据与上年不同，均为一年有数、一年为空。")
    else:
        d = top.change or 0
        out.append(f"表格中有{len(cells)}个数据与上年不同，变化最大的是{top.table}“{top.row_label}”的"
                   f"“{top.column_label}”，由{number_text(top.old)}{'增至' if d > 0 else '减至'}"
                   f"{number_text(top.new)}（{top.change_text}）。")
    return tuple(out)


def compare(report: Report, previous: Report) -> Comparison:
    """This year's report against ``previous`` (the agency's report of the year before)."""
    fmt = get_format(report.format)
    sections = []
    for key in SECTION_KEYS:
        before, now = previous.sections.get(key, ""), report.sections.get(key, "")
        a, b = sentences(before), sentences(now)
        sections.append(SectionChange(key, fmt.section(key).title, similarity(before, now), diff_sentences(a, b),
                                      not a, not b))
    compared = report.format == previous.format
    note = "" if compared else (
        f"上年报告采用{_edition(previous.format)}、本年采用{_edition(report.format)}，两版格式的表格栏目不同，"
        "表格数据不作逐项对比。")
    cells = _cells(report, previous) if compared else ()
    summary = _summary(previous, tuple(sections), cells, compared, note, largest(cells))
    return Comparison(report.agency, report.year, previous.year, report.format, previous.format, tuple(sections),
                      cells, compared, note, summary)


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _section_html(s: SectionChange) -> str:
    head = (f'<h3 class="compare-head">{esc(s.heading)}<span class="compare-sim">相似度 {_pct(s.similarity)}</span>'
            "</h3>")
    if not s.changed:
        note = "未改动（两年均无文字）" if s.empty_before and s.empty_now else "未改动"
        return head + f'<p class="compare-same">{note}</p>'
    parts = []
    if s.empty_before or s.empty_now:
        parts.append(f'<p class="compare-same">{"上年" if s.empty_before else "本年"}本部分无文字。</p>')
    for h in s.hunks:
        ctx = f'<span class="compare-context">{esc(h.context)}</span>' if h.context else ""
        marks = "".join(f"<del>{esc(t)}</del>" for t in h.removed) + "".join(f"<ins>{esc(t)}</ins>" for t in h.added)
        parts.append(f'<p class="compare-hunk">{ctx}{marks}</p>')
    return head + "".join(parts)


def _value(v: Number | None) -> str:
    return number_text(v, blank="（空）")


def _cells_html(c: Comparison) -> str:
    if not c.cells_compared:
        return f'<p class="kit-note compare-note">{esc(c.note)}</p>'
    if not c.cells:
        return '<p class="compare-same">表格数据未改动。</p>'
    rows = "".join(
        f'<tr><td>{esc(x.table)}</td><td>{esc(x.row_label)}</td><td>{esc(x.column_label)}</td>'
        f'<td class="num">{esc(_value(x.old))}</td><td class="num">{esc(_value(x.new))}</td>'
        f'<td class="num{" compare-blank" if x.change is None else ""}">{esc(x.change_text)}</td></tr>'
        for x in c.cells)
    return ('<table class="compare-cells"><colgroup><col class="compare-table"><col class="compare-row">'
            '<col class="compare-col"><col class="compare-val"><col class="compare-val"><col class="compare-val">'
            "</colgroup><thead><tr><th>表</th><th>项目</th><th>列</th><th>上年</th><th>本年</th><th>变化</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def comparison_html(report: Report, previous: Report | None) -> str:
    """The section 当年与上年对比: the summary, each section's changes, the changed cells."""
    open_ = '<section class="kit-section compare" id="compare"><h2>当年与上年对比</h2>'
    if previous is None:
        return open_ + f'<p class="kit-note">{esc(NO_PREVIOUS)}</p></section>'
    c = compare(report, previous)
    parts = [f'<p class="compare-summary">{esc("".join(c.summary))}</p>']
    if any(s.changed for s in c.sections):
        parts.append('<p class="compare-legend">删去的句子<span class="compare-del">标红并划去</span>，新增的句子'
                     '<span class="compare-ins">标绿并加下划线</span>，<span class="compare-context">灰色</span>'
                     "为改动处前一句未改的原文。</p>")
    parts += [_section_html(s) for s in c.sections]
    parts.append('<h3 class="compare-head">表格数据</h3>' + _cells_html(c))
    return open_ + "".join(parts) + "</section>"
