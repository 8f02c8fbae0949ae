"""HTML for the report's parts in the official layout (title block, sections, the three tables).

Every text that comes from a report (agency, narrative, printed cell text) goes through
``html.escape``: input is shown, never interpreted.
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable

from ..model import Report
from ..schema import Box, Grid, cells_in_words, get_format, number_text, official_grid
from .params import PATH_PARAMETERS

SECTION_TABLE = {"二": "t2", "三": "t3", "四": "t4"}
LABEL_CLASSES = {"label", "note", "vertical", "group"}  # label boxes styled apart (report.css)
# The notebook's last output: the counts of its findings for the batch's index (never shown in a report).
SUMMARY_MIME = "application/vnd.xxgk.summary+json"


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def fmt_value(value: Any, raw: str = "") -> str:
    """A cell as shown: the number, or the printed placeholder for a blank cell."""
    if value is None:
        return raw.strip()
    return number_text(value)


def flagged_cells(report: Report) -> dict[str, list[str]]:
    """cell id -> messages of the findings that name it."""
    out: dict[str, list[str]] = {}
    for f in report.findings:
        if f.severity == "info":
            continue
        for c in f.cells:
            out.setdefault(c, []).append(f.message)
    return out


def _spans(box: Box) -> str:
    return "".join(f' {k}="{v}"' for k, v in (("rowspan", box.rowspan), ("colspan", box.colspan)) if v > 1)


def _td(report: Report, box: Box, flags: dict[str, list[str]]) -> str:
    cid = box.cell or ""
    v = report.cells.get(cid)
    raw = report.raw.get(cid, "")
    text = fmt_value(v, raw)
    note = ""
    if raw and v is not None and raw.strip() != text and not raw.strip().startswith(text + "元"):
        note = f'<span class="annot">{esc(raw[len(text):].strip() if raw.startswith(text) else raw)}</span>'
    attrs = _spans(box)
    cls = "num"
    if cid in flags:
        cls += " flag"
        attrs += f' title="{esc("；".join(flags[cid]))}"'
    return f'<td class="{cls}" data-cell="{esc(cid)}"{attrs}>{esc(text)}{note}</td>'


def _th(box: Box) -> str:
    cls = f' class="{box.kind}"' if box.kind in LABEL_CLASSES else ""
    return f"<th{cls}{_spans(box)}>{esc(box.text)}</th>"


def keep_end(text: str, tail: str = "", n: int = 4) -> str:
    """A heading's text escaped, its end kept on one line: ``tail`` when the text ends with it (a title's
    "政府信息公开工作年度报告"), else its last ``n`` characters. A heading that wraps then breaks
    between its name and that end, never before one lone character."""
    end = tail if tail and text.endswith(tail) else text[-n:]
    return f'{esc(text[:len(text) - len(end)])}<span class="nobr">{esc(end)}</span>'


REPORT_TITLE = "政府信息公开工作年度报告"


def title_block(report: Report) -> str:
    fmt = get_format(report.format)
    title = f"{report.agency}{report.year}年{REPORT_TITLE}"
    return (f'<header class="title-block"><h1>{keep_end(title, REPORT_TITLE)}</h1>'
            f'<p class="meta">格式版本：{esc(fmt.version)}（{esc(fmt.issued_by)}）</p></header>')


def narrative_html(text: str) -> str:
    paras = [p.strip() for p in (text or "").split("\n") if p.strip()]
    if not paras:
        return '<p class="empty">（本部分无文字内容）</p>'
    return "".join(f"<p>{esc(p)}</p>" for p in paras)


def section_html(report: Report, key: str) -> str:
    sec = get_format(report.format).section(key)
    parts = [f'<section class="report-section" id="sec-{esc(key)}"><h2>{keep_end(f"{sec.key}、{sec.title}")}</h2>']
    text = report.sections.get(key, "")
    if key in SECTION_TABLE:
        if text.strip():
            parts.append(narrative_html(text))
        parts.append(table_html(report, SECTION_TABLE[key]))
    else:
        parts.append(narrative_html(text))
    parts.append("</section>")
    return "".join(parts)


def table_html(report: Report, table_id: str) -> str:
    """One table in the official layout (the schema's grid), offending cells marked."""
    grid = official_grid(get_format(report.format), table_id)
    body = grid_html(report, grid, flagged_cells(report))
    return (f'<div class="table-wrap"><table class="official {table_id}"><caption>{grid.table.name}　'
            f'{esc(grid.table.title)}</caption>{body}</table></div>')


def grid_html(report: Report, grid: Grid, flags: dict[str, list[str]]) -> str:
    """The grid's rows: its header rows in ``<thead>`` (repeated on every printed page), the rest in ``<tbody>``."""
    out = ["<thead>"] if grid.header_rows else []
    for r, boxes in enumerate(grid.rows()):
        if r == grid.header_rows:
            out.append(("</thead>" if grid.header_rows else "") + "<tbody>")
        kind = boxes[0].kind if boxes else ""
        cls = f' class="{kind}"' if kind in ("block", "head") and r >= grid.header_rows else ""
        out.append(f"<tr{cls}>" + "".join(_td(report, b, flags) if b.cell else _th(b) for b in boxes) + "</tr>")
    out.append("</tbody>")
    return "".join(out)


def findings_html(report: Report, findings: Iterable[Any] | None = None, review: Any = None) -> str:
    """The findings section: the findings that count, each with its key (and, once reviewed, its state);
    with a :class:`kit.review.Review`, the dismissed ones apart with their reasons, and what an earlier
    revision had that this one no longer has."""
    items = list(findings if findings is not None else report.findings)
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    states = {r.key: r for r in review.items} if review is not None else {}
    parts = []
    if review is not None and review.earlier is not None:
        c = {s: sum(1 for r in review.items if r.state == s) for s in ("still", "new", "resolved", "not_corrected")}
        parts.append(f"<p>本报告为第 {review.revision} 次报送，与第 {review.earlier} 次相比：已消除 {c['resolved']} 个问题，"
                     f"仍存在 {c['still'] + c['not_corrected']} 个，新出现 {c['new']} 个。</p>")
    if items:
        rows = "".join(
            f'<tr class="sev-{esc(f.severity)}"><td>{esc(names.get(f.severity, f.severity))}</td><td>{_rule_id(f.rule)}</td>'
            f'<td>{_cells_cell(report, f.cells)}</td><td>{esc(f.message)}'
            + (f'<br><small class="review">{esc(_state(states[f.key]))}</small>'
               if f.key in states and states[f.key].state not in ("open", "still") else "")
            + (f'<br><small class="key">编号 {esc(f.key)}</small>' if f.key else "") + "</td></tr>"
            for f in items)
        parts.append('<table class="findings"><colgroup><col class="sev"><col class="rule"><col class="where">'
                     '<col class="what"></colgroup><thead><tr><th>级别</th><th>规则</th><th>涉及单元格</th><th>说明</th>'
                     f"</tr></thead><tbody>{rows}</tbody></table>")
    else:
        parts.append("<p>未发现问题。</p>")
    if review is not None and review.dismissed:
        rows = "".join(f"<tr><td>{esc(r.finding.rule)}</td><td>{esc(r.finding.message)}<br><small class=\"key\">编号 "
                       f"{esc(r.key)}</small></td><td>{esc(r.decision.reason)}</td><td>{esc(r.decision.reviewer)}，"
                       f"{esc(r.decision.at[:10])}</td></tr>" for r in review.dismissed if r.finding and r.decision)
        parts.append("<h3>经审核不是问题的发现</h3><table class=\"review-list\"><colgroup><col style=\"width:10%\">"
                     "<col style=\"width:48%\"><col style=\"width:27%\"><col style=\"width:15%\"></colgroup>"
                     "<thead><tr><th>规则</th><th>说明</th><th>理由</th><th>审核</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    if review is not None and review.gone:
        rows = "".join(f"<tr><td>{esc(r.label)}</td><td>{esc(r.key)}</td><td>{esc(r.was.message if r.was else '')}</td></tr>"
                       for r in review.gone)
        parts.append("<h3>已不再发现的问题</h3><table class=\"review-list\"><colgroup><col style=\"width:18%\">"
                     "<col style=\"width:37%\"><col style=\"width:45%\"></colgroup><thead><tr><th>情况</th><th>编号</th>"
                     f"<th>原说明</th></tr></thead><tbody>{rows}</tbody></table>")
    return '<section class="kit-section" id="findings"><h2>核查发现</h2>' + "".join(parts) + "</section>"


def _rule_id(rule: str) -> str:
    """A rule id that wraps at its dots and underscores only ("format.single_<wbr>other_<wbr>row")."""
    return re.sub(r"([._])", r"\1<wbr>", esc(rule))


def _cells_cell(report: Report, cells: list[str]) -> str:
    """Where a finding is, in words (:func:`kit.schema.cells_in_words`); its ids collapsed beneath."""
    if not cells:
        return ""
    words = esc(cells_in_words(get_format(report.format), cells))
    if len(cells) == 1:
        return f'{words}<br><small class="ids mono">{esc(cells[0])}</small>'
    return (f'{words}<details class="ids"><summary>{len(cells)} 个单元格编号</summary>'
            f'<small class="mono">{esc(" ".join(cells))}</small></details>')


def _state(r: Any) -> str:
    d = r.decision
    return r.label + (f"（{d.status}，{d.reviewer}，{d.at[:10]}" + (f"：{d.reason}" if d.reason else "") + "）" if d else "")


def provenance_html(report: Report, parameters: dict[str, Any], kit_version: str) -> str:
    from .names import shown_path

    p = report.provenance
    params = "，".join(f"{esc(k)}={esc(shown_path(v) if k in PATH_PARAMETERS and v else v)}"
                      for k, v in parameters.items())
    return ('<footer class="provenance" id="provenance"><h2>数据来源</h2><dl>'
            + (f"<dt>机关编码</dt><dd>{esc(report.key)}</dd>" if report.key != report.agency else "")
            + (f"<dt>所印机关名称</dt><dd>{esc(p.printed)}</dd>" if p.printed and p.printed != report.agency else "")
            + f"<dt>来源文件</dt><dd>{esc(p.source)}</dd><dt>SHA-256</dt><dd class=\"mono\">{esc(p.sha256)}</dd>"
            f"<dt>读取方式</dt><dd>{esc(p.reader)}</dd><dt>工具版本</dt><dd>xxgk-kit {esc(kit_version)}</dd>"
            f"<dt>参数</dt><dd>{params}</dd></dl></footer>")


def summary_bundle(report: Report) -> dict[str, Any]:
    """A display bundle with the report's format and finding counts, for ``display(..., raw=True)``."""
    counts = {sev: sum(1 for f in report.findings if f.severity == sev) for sev in ("error", "warning", "info")}
    return {SUMMARY_MIME: {"format": report.format, "findings": counts}}

