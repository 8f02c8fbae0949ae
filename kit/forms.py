"""Writing a report in the forms agencies publish: text dumps, an HTML page, a DOCX file.

Used by the demo county and by tests (the readers must read back what these write). Every
number and name comes from the :class:`Report` given; the layouts are the official ones.
"""
from __future__ import annotations

import html
from pathlib import Path

from .model import Report
from .schema import Row, get_format, number_text


def shown(report: Report, cid: str) -> str:
    """A cell as printed: its printed text when it has one (a placeholder, a blank), else the number."""
    v = report.cells.get(cid)
    raw = report.raw.get(cid)
    if raw is not None and (v is None or raw.strip() not in ("", _num(v))):
        return raw
    return "" if v is None else _num(v)


def _num(v: float | int) -> str:
    return number_text(v)


def title(report: Report) -> str:
    return f"{report.agency}{report.year}年政府信息公开工作年度报告"


def _t3_label(row: Row) -> str:
    return f"{row.group}{row.label}" if row.group and row.label[0].isdigit() else row.label


def text(report: Report, form: str = "pipe") -> str:
    """The report as a text dump: ``pipe`` (| cells) or ``glued`` (表三 rows as digit runs)."""
    fmt = get_format(report.format)
    t2, t3, t4 = fmt.table("t2"), fmt.table("t3"), fmt.table("t4")
    secs = report.sections
    lines = [title(report), "", "一、总体情况", secs.get("一", ""), "", "二、主动公开政府信息情况"]
    block = None
    for r in t2.rows:
        if r.block != block:
            block = r.block
            lines.append(f"{block} 信息内容 " + " ".join(c.label for c in r.columns))
        vals = [shown(report, r.cell_id("t2", c)) for c in r.columns]
        lines.append(f"| {r.label} | " + " | ".join(vals) + " |" if form == "pipe" else f"{r.label} " + " ".join(vals))
    lines += ["", "三、收到和处理政府信息公开申请情况", t3.note or ""]
    for r in t3.rows:
        vals = [shown(report, r.cell_id("t3", c)) for c in r.columns]
        lines.append(f"| {_t3_label(r)} | " + " | ".join(vals) + " |" if form == "pipe" else _t3_label(r) + "".join(vals))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计"]
    vals = [shown(report, cid) for cid in t4.cell_ids()]
    lines.append("| " + " | ".join(vals) + " |" if form == "pipe" else " ".join(vals))
    lines += ["", "五、存在的主要问题及改进情况", secs.get("五", ""), "", "六、其他需要报告的事项", secs.get("六", ""), ""]
    return "\n".join(lines)


def html_page(report: Report) -> str:
    """A government-site style page: navigation, the report with its official tables, a footer."""
    from .layout import section_html

    def esc(s: str) -> str:
        return html.escape(s)

    body = [f'<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div><h1>{esc(title(report))}</h1>']
    for key in "一二三四五六":
        part = section_html(report, key)
        body.append(part)
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + esc(title(report)) + "</title></head><body>"
            + "".join(body) + '<div class="footer">主办单位：' + esc(report.agency or "") + "　网站标识码 0000000000</div>"
            "</body></html>")


def write_docx(report: Report, path: str | Path, *, subtotals: bool = False) -> Path:
    """The report as DOCX in the official layout; ``subtotals`` adds a local template's 小计 column and rows."""
    import docx

    fmt = get_format(report.format)
    d = docx.Document()
    d.add_paragraph(title(report))
    d.add_paragraph("一、总体情况")
    for para in report.sections.get("一", "").split("\n"):
        d.add_paragraph(para)
    d.add_paragraph("二、主动公开政府信息情况")
    t2 = fmt.table("t2")
    width = max(len(r.columns) for r in t2.rows)
    blocks: dict[str, list[Row]] = {}
    for r in t2.rows:
        blocks.setdefault(r.block or "", []).append(r)
    tab = d.add_table(rows=0, cols=width + 1)
    for item, rows in blocks.items():
        cells = tab.add_row().cells
        cells[0].merge(cells[width]).text = item
        cols = rows[0].columns
        head = tab.add_row().cells
        head[0].text = "信息内容"
        spans = _spans(len(cols), width)
        for (a, b), c in zip(spans, cols):
            head[1 + a].merge(head[b]).text = c.label
        for r in rows:
            line = tab.add_row().cells
            line[0].text = r.label
            for (a, b), c in zip(spans, cols):
                line[1 + a].merge(line[b]).text = shown(report, r.cell_id("t2", c))
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    _docx_t3(report, d, subtotals)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = fmt.table("t4")
    tab = d.add_table(rows=4, cols=15)
    r0, r1, r2, r3 = tab.rows
    r0.cells[0].merge(r0.cells[4]).text = "行政复议"
    r0.cells[5].merge(r0.cells[14]).text = "行政诉讼"
    labels = [c.label for c in t4.rows[0].columns]
    for j, lab in enumerate(labels):
        r1.cells[j].merge(r2.cells[j]).text = lab
    r1.cells[5].merge(r1.cells[9]).text = "未经复议直接起诉"
    r1.cells[10].merge(r1.cells[14]).text = "复议后起诉"
    for j, lab in enumerate(labels * 2):
        r2.cells[5 + j].text = lab
    for j, cid in enumerate(t4.cell_ids()):
        r3.cells[j].text = shown(report, cid)
    for key, name in (("五", "五、存在的主要问题及改进情况"), ("六", "六、其他需要报告的事项")):
        d.add_paragraph(name)
        for para in report.sections.get(key, "").split("\n"):
            d.add_paragraph(para)
    d.save(str(path))
    return Path(path)


def _spans(n: int, width: int) -> list[tuple[int, int]]:
    """Column ranges (first, last) that spread n value columns over width grid columns."""
    size = width // n
    out = []
    for i in range(n):
        a = i * size
        b = width if i == n - 1 else a + size
        out.append((a, b))
    return out


def _docx_t3(report: Report, d, subtotals: bool) -> None:  # type: ignore[no-untyped-def]
    t3 = get_format(report.format).table("t3")
    cols = [c.id for c in t3.rows[0].columns]
    orgs = [c.label for c in t3.rows[0].columns if c.group]
    ncols = 3 + len(cols) + (1 if subtotals else 0)
    tab = d.add_table(rows=3, cols=ncols)
    h = tab.rows
    h[0].cells[0].merge(h[2].cells[2]).text = t3.note
    h[0].cells[3].merge(h[0].cells[ncols - 1]).text = "申请人情况"
    h[1].cells[3].merge(h[2].cells[3]).text = "自然人"
    org_end = 3 + len(orgs) + (1 if subtotals else 0)
    h[1].cells[4].merge(h[1].cells[org_end]).text = "法人或其他组织"
    h[1].cells[ncols - 1].merge(h[2].cells[ncols - 1]).text = "总计"
    for j, lab in enumerate(orgs + (["小计"] if subtotals else [])):
        h[2].cells[4 + j].text = lab

    def num(row_id: str, col: str) -> float:
        return report.cells.get(f"t3.{row_id}.{col}") or 0

    def values(row_id: str) -> list[str]:
        vals = [shown(report, f"t3.{row_id}.{c}") for c in cols]
        if subtotals:
            vals = vals[:6] + [_num(sum(num(row_id, c) for c in cols[1:6]))] + vals[6:]
        return vals

    def add(vals: list[str]):  # type: ignore[no-untyped-def]
        row = tab.add_row().cells
        for j, v in enumerate(vals):
            row[3 + j].text = v
        return row

    result_rows = []
    group_rows: dict[str, list] = {}
    for r in t3.rows:
        row = add(values(r.id))
        if r.role in ("in", "out"):
            row[0].merge(row[2]).text = r.label
            continue
        result_rows.append(row)
        if r.group and not r.group.startswith("三、"):
            row[2].text = r.label
            group_rows.setdefault(r.group, []).append(row)
            members = [x for x in t3.rows if x.group == r.group]
            if subtotals and r.id == members[-1].id:
                sums = [sum(num(m.id, c) for m in members) for c in cols]
                sub = add([_num(v) for v in sums[:6]] + [_num(sum(sums[1:6]))] + [_num(sums[6])])
                sub[1].merge(sub[2]).text = f"{r.group}小计"
                result_rows.append(sub)
        else:
            row[1].merge(row[2]).text = r.label
    result_rows[0][0].merge(result_rows[-1][0]).text = "三、本年度办理结果"
    for group, rows in group_rows.items():
        rows[0][1].merge(rows[-1][1]).text = group
