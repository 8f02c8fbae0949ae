"""Writing a report in the forms agencies publish: text dumps, an HTML page, a DOCX file.

Used by the demo county and by tests (the readers must read back what these write). Every
number and name comes from the :class:`Report` given; the tables are laid out from the schema's
model (rows, labels, the official grid), as every other writer of the kit does.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..model import Report
from ..schema import Grid, Row, get_format, number_text, official_grid, printed


def title(report: Report) -> str:
    return f"{report.agency}{report.year}年政府信息公开工作年度报告"


def _shown(report: Report, cid: str) -> str:
    return printed(report.cells.get(cid), report.raw.get(cid))


def _t3_label(row: Row) -> str:
    # text dumps print a sub-row with its group: "（三）不予公开1.属于国家秘密"
    return f"{row.group}{row.label}" if row.group and row.label[0].isdigit() else row.label


def text(report: Report, form: str = "pipe") -> str:
    """The report as a text dump: ``pipe`` (| cells) or ``glued`` (表三 rows as digit runs)."""
    fmt = get_format(report.format)
    t2, t3, t4 = fmt.table("t2"), fmt.table("t3"), fmt.table("t4")
    secs = report.sections
    lines = [title(report), ""]
    for sec in fmt.sections:
        lines.append(f"{sec.key}、{sec.title}")
        if sec.key == "二":
            for item, rows in t2.blocks():
                lines.append(f"{item} 信息内容 " + " ".join(c.label for c in rows[0].columns))
                for r in rows:
                    vals = [_shown(report, r.cell_id(t2.id, c)) for c in r.columns]
                    lines.append(f"| {r.label} | " + " | ".join(vals) + " |" if form == "pipe"
                                 else f"{r.label} " + " ".join(vals))
        elif sec.key == "三":
            lines.append(t3.note)
            for r in t3.rows:
                vals = [_shown(report, r.cell_id(t3.id, c)) for c in r.columns]
                lines.append(f"| {_t3_label(r)} | " + " | ".join(vals) + " |" if form == "pipe"
                             else _t3_label(r) + "".join(vals))
        elif sec.key == "四":
            groups = dict.fromkeys(r.group or r.label for r in t4.rows)
            lines.append(" ".join([*groups, *(c.label for c in t4.columns)]))
            vals = [_shown(report, cid) for cid in t4.cell_ids()]
            lines.append("| " + " | ".join(vals) + " |" if form == "pipe" else " ".join(vals))
        else:
            lines.append(secs.get(sec.key, ""))
        lines.append("")
    return "\n".join(lines)


def html_page(report: Report) -> str:
    """A government-site style page: navigation, the report with its official tables, a footer."""
    from ..report.layout import section_html

    esc = html.escape
    body = [f'<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div><h1>{esc(title(report))}</h1>']
    body += [section_html(report, sec.key) for sec in get_format(report.format).sections]
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + esc(title(report)) + "</title></head><body>"
            + "".join(body) + '<div class="footer">主办单位：' + esc(report.agency or "") + "　网站标识码 0000000000</div>"
            "</body></html>")


def write_docx(report: Report, path: str | Path, *, subtotals: bool = False) -> Path:
    """The report as DOCX in the official layout; ``subtotals`` adds a local template's 小计 column and rows."""
    import docx

    fmt = get_format(report.format)
    d = docx.Document()
    d.add_paragraph(title(report))
    for sec in fmt.sections:
        d.add_paragraph(f"{sec.key}、{sec.title}")
        for para in report.sections.get(sec.key, "").split("\n"):
            if para or sec.key not in ("二", "三", "四"):
                d.add_paragraph(para)
        table_id = {"二": "t2", "三": "t3", "四": "t4"}.get(sec.key)
        if table_id:
            _docx_table(d, official_grid(fmt, table_id, subtotals=subtotals), report)
    d.save(str(path))
    return Path(path)


def _docx_table(d: Any, grid: Grid, report: Report) -> None:
    tab = d.add_table(rows=grid.height, cols=grid.width)
    cells = tab._cells  # row-major, fetched once: python-docx recomputes the grid on every table.cell()
    for b in grid.boxes:  # texts first, on the plain grid; then the spans (a merge keeps the first cell's text)
        if b.cell:
            text = _shown(report, b.cell)
        elif b.kind == "subtotal":
            text = number_text(sum(report.cells.get(c) or 0 for c in b.parts))
        else:
            text = b.text
        cells[b.row * grid.width + b.col].text = text
    for b in grid.boxes:
        if b.rowspan > 1 or b.colspan > 1:
            cells[b.row * grid.width + b.col].merge(cells[b.last_row * grid.width + b.last_col])
