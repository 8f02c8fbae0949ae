"""DOCX reports in the official layout, built here with python-docx (numbers are invented).

``subtotals=True`` gives the common local template: an extra 小计 column for 法人或其他组织 and
小计 rows under groups （三）–（六）; the reader must still map every value onto the official cells.
"""
from __future__ import annotations

from pathlib import Path

import docx

from kit.schema import get_format

ORGS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
APPL = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]


def _fmt(v) -> str:
    return "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def write_docx(path: Path, agency: str, year: int, cells: dict, *, subtotals: bool = False) -> Path:
    fmt = get_format("gov2021")
    d = docx.Document()
    d.add_paragraph(f"{agency}{year}年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph(f"{year}年，本机关依法做好主动公开、依申请公开、政府信息管理、平台建设和监督保障工作。")
    d.add_paragraph("二、主动公开政府信息情况")
    t2 = fmt.table("t2")
    blocks: dict[str, list] = {}
    for r in t2.rows:
        blocks.setdefault(r.block, []).append(r)
    tab = d.add_table(rows=0, cols=4)
    for item, rows in blocks.items():
        row = tab.add_row().cells
        row[0].merge(row[3]).text = item
        head = tab.add_row().cells
        head[0].text = "信息内容"
        cols = rows[0].columns
        if len(cols) == 1:
            head[1].merge(head[3]).text = cols[0].label
        else:
            for j, c in enumerate(cols):
                head[j + 1].text = c.label
        for r in rows:
            line = tab.add_row().cells
            line[0].text = r.label
            vals = [_fmt(cells[r.cell_id("t2", c)]) for c in cols]
            if len(vals) == 1:
                line[1].merge(line[3]).text = vals[0]
            else:
                for j, v in enumerate(vals):
                    line[j + 1].text = v
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t3 = fmt.table("t3")
    ncols = 3 + 7 + (1 if subtotals else 0)
    tab = d.add_table(rows=3, cols=ncols)
    h = tab.rows
    h[0].cells[0].merge(h[2].cells[2]).text = t3.note
    h[0].cells[3].merge(h[0].cells[ncols - 1]).text = "申请人情况"
    h[1].cells[3].merge(h[2].cells[3]).text = "自然人"
    org_end = 8 + (1 if subtotals else 0)
    h[1].cells[4].merge(h[1].cells[org_end]).text = "法人或其他组织"
    h[1].cells[ncols - 1].merge(h[2].cells[ncols - 1]).text = "总计"
    for j, lab in enumerate(ORGS + (["小计"] if subtotals else [])):
        h[2].cells[4 + j].text = lab

    def values(row_id):
        vals = [_fmt(cells[f"t3.{row_id}.{c}"]) for c in APPL]
        if subtotals:
            sub = sum(cells[f"t3.{row_id}.{c}"] for c in APPL[1:6])
            vals = vals[:6] + [str(sub)] + vals[6:]
        return vals

    def add(label_cells, vals):
        row = tab.add_row().cells
        for j, v in enumerate(vals):
            row[3 + j].text = v
        return row

    result_rows = []
    group_rows: dict[str, list] = {}
    for r in t3.rows:
        row = add(None, values(r.id))
        if r.role in ("in", "out"):
            row[0].merge(row[2]).text = r.label
            continue
        result_rows.append(row)
        if r.group and not r.group.startswith("三、"):
            row[2].text = r.label
            group_rows.setdefault(r.group, []).append(row)
            members = [x for x in t3.rows if x.group == r.group]
            if subtotals and r.id == members[-1].id:
                sums = [sum(cells[f"t3.{m.id}.{c}"] for m in members) for c in APPL]
                sub = add(None, [str(v) for v in sums[:6]] + [str(sum(sums[1:6]))] + [str(sums[6])])
                sub[1].merge(sub[2]).text = f"{r.group}小计"
                result_rows.append(sub)
        else:
            row[1].merge(row[2]).text = r.label
    result_rows[0][0].merge(result_rows[-1][0]).text = "三、本年度办理结果"
    for group, rows in group_rows.items():
        rows[0][1].merge(rows[-1][1]).text = group
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
        r3.cells[j].text = _fmt(cells[cid])
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("政策解读的形式还不够丰富。下一步将加强图解和视频解读。")
    d.add_paragraph("六、其他需要报告的事项")
    d.add_paragraph("本年度未收取信息处理费。")
    d.save(path)
    return path
