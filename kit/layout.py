"""HTML for the report's parts in the official layout (title block, sections, the three tables).

Every text that comes from a report (agency, narrative, printed cell text) goes through
``html.escape``: input is shown, never interpreted.
"""
from __future__ import annotations

import html
from typing import Any, Iterable

from .model import Report
from .schema import FormatVersion, Row, Table, get_format, number_text

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
SECTION_TABLE = {"二": "t2", "三": "t3", "四": "t4"}


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


def _td(report: Report, cid: str, flags: dict[str, list[str]], colspan: int = 1) -> str:
    v = report.cells.get(cid)
    raw = report.raw.get(cid, "")
    text = fmt_value(v, raw)
    note = ""
    if raw and v is not None and raw.strip() != text and not raw.strip().startswith(text + "元"):
        note = f'<span class="annot">{esc(raw[len(text):].strip() if raw.startswith(text) else raw)}</span>'
    attrs = f' colspan="{colspan}"' if colspan > 1 else ""
    cls = "num"
    if cid in flags:
        cls += " flag"
        attrs += f' title="{esc("；".join(flags[cid]))}"'
    return f'<td class="{cls}" data-cell="{esc(cid)}"{attrs}>{esc(text)}{note}</td>'


def title_block(report: Report) -> str:
    fmt = get_format(report.format)
    return (f'<header class="title-block"><h1>{esc(report.agency)}{esc(report.year)}年政府信息公开工作年度报告</h1>'
            f'<p class="meta">格式版本：{esc(fmt.version)}（{esc(fmt.issued_by)}）</p></header>')


def narrative_html(text: str) -> str:
    paras = [p.strip() for p in (text or "").split("\n") if p.strip()]
    if not paras:
        return '<p class="empty">（本部分无文字内容）</p>'
    return "".join(f"<p>{esc(p)}</p>" for p in paras)


def section_html(report: Report, key: str) -> str:
    fmt = get_format(report.format)
    sec = next(s for s in fmt.sections if s.key == key)
    parts = [f'<section class="report-section" id="sec-{esc(key)}"><h2>{esc(sec.key)}、{esc(sec.title)}</h2>']
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
    fmt = get_format(report.format)
    table = fmt.table(table_id)
    flags = flagged_cells(report)
    body = {"t2": _t2, "t3": _t3, "t4": _t4}[table_id](report, fmt, table, flags)
    return (f'<div class="table-wrap"><table class="official {table_id}"><caption>{TABLE_NAMES[table_id]}　'
            f'{esc(table.title)}</caption>{body}</table></div>')


def _t2(report: Report, fmt: FormatVersion, table: Table, flags: dict[str, list[str]]) -> str:
    width = max(len(r.columns) for r in table.rows)
    out = ["<tbody>"]
    blocks: dict[str, list[Row]] = {}
    for r in table.rows:
        blocks.setdefault(r.block or "", []).append(r)
    for item, rows in blocks.items():
        cols = rows[0].columns
        out.append(f'<tr class="block"><th colspan="{width + 1}">{esc(item)}</th></tr>')
        span = width // len(cols)
        heads = "".join(f'<th colspan="{span + (width - span * len(cols) if i == len(cols) - 1 else 0)}">{esc(c.label)}</th>'
                        for i, c in enumerate(cols))
        out.append(f"<tr class=\"head\"><th>信息内容</th>{heads}</tr>")
        for r in rows:
            tds = "".join(_td(report, r.cell_id("t2", c), flags,
                              span + (width - span * len(cols) if i == len(cols) - 1 else 0))
                          for i, c in enumerate(cols))
            out.append(f'<tr><th class="label">{esc(r.label)}</th>{tds}</tr>')
    out.append("</tbody>")
    return "".join(out)


def _t3(report: Report, fmt: FormatVersion, table: Table, flags: dict[str, list[str]]) -> str:
    cols = table.rows[0].columns
    orgs = [c for c in cols if c.group]
    head = (
        "<thead>"
        f'<tr><th class="note" colspan="3" rowspan="3">{esc(table.note or "")}</th>'
        f'<th colspan="{len(cols)}">申请人情况</th></tr>'
        f'<tr><th rowspan="2">自然人</th><th colspan="{len(orgs)}">法人或其他组织</th><th rowspan="2">总计</th></tr>'
        "<tr>" + "".join(f"<th>{esc(c.label)}</th>" for c in orgs) + "</tr>"
        "</thead>"
    )
    results = [r for r in table.rows if r.role in ("result", "total")]
    group_sizes: dict[str, int] = {}
    for r in results:
        if r.group and not r.group.startswith("三、"):
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    out = ["<tbody>"]
    seen_groups: set[str] = set()
    first_result = True
    for r in table.rows:
        cells = "".join(_td(report, r.cell_id("t3", c), flags) for c in cols)
        if r.role in ("in", "out"):
            out.append(f'<tr><th class="label" colspan="3">{esc(r.label)}</th>{cells}</tr>')
            continue
        lead = ""
        if first_result:
            lead = f'<th class="vertical" rowspan="{len(results)}">三、本年度办理结果</th>'
            first_result = False
        if r.group and not r.group.startswith("三、"):
            if r.group not in seen_groups:
                seen_groups.add(r.group)
                lead += f'<th class="group" rowspan="{group_sizes[r.group]}">{esc(r.group)}</th>'
            out.append(f'<tr>{lead}<th class="label">{esc(r.label)}</th>{cells}</tr>')
        else:
            out.append(f'<tr>{lead}<th class="label" colspan="2">{esc(r.label)}</th>{cells}</tr>')
    out.append("</tbody>")
    return head + "".join(out)


def _t4(report: Report, fmt: FormatVersion, table: Table, flags: dict[str, list[str]]) -> str:
    cols = table.rows[0].columns
    n = len(cols)
    head = (
        "<thead>"
        f'<tr><th colspan="{n}">行政复议</th><th colspan="{2 * n}">行政诉讼</th></tr>'
        "<tr>" + "".join(f'<th rowspan="2">{esc(c.label)}</th>' for c in cols)
        + f'<th colspan="{n}">未经复议直接起诉</th><th colspan="{n}">复议后起诉</th></tr>'
        "<tr>" + "".join(f"<th>{esc(c.label)}</th>" for c in cols) * 2 + "</tr>"
        "</thead>"
    )
    cells = "".join(_td(report, r.cell_id("t4", c), flags) for r in table.rows for c in cols)
    return head + f"<tbody><tr>{cells}</tr></tbody>"


def findings_html(report: Report, findings: Iterable[Any] | None = None) -> str:
    items = list(findings if findings is not None else report.findings)
    if not items:
        return '<section class="kit-section" id="findings"><h2>核查发现</h2><p>未发现问题。</p></section>'
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    rows = "".join(
        f'<tr class="sev-{esc(f.severity)}"><td>{esc(names.get(f.severity, f.severity))}</td><td>{esc(f.rule)}</td>'
        f'<td>{esc(", ".join(f.cells[:6]) + (" 等" if len(f.cells) > 6 else ""))}</td><td>{esc(f.message)}</td></tr>'
        for f in items)
    return ('<section class="kit-section" id="findings"><h2>核查发现</h2><table class="findings"><thead><tr>'
            "<th>级别</th><th>规则</th><th>单元格</th><th>说明</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def provenance_html(report: Report, parameters: dict[str, Any], kit_version: str) -> str:
    p = report.provenance
    params = "，".join(f"{esc(k)}={esc(v)}" for k, v in parameters.items())
    return ('<footer class="provenance" id="provenance"><h2>数据来源</h2><dl>'
            f"<dt>来源文件</dt><dd>{esc(p.source)}</dd><dt>SHA-256</dt><dd class=\"mono\">{esc(p.sha256)}</dd>"
            f"<dt>读取方式</dt><dd>{esc(p.reader)}</dd><dt>工具版本</dt><dd>xxgk-kit {esc(kit_version)}</dd>"
            f"<dt>参数</dt><dd>{params}</dd></dl></footer>")
