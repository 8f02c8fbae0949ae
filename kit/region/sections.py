"""The region report's sections as HTML, in Chinese: each table or chart with a one-line caption
saying what to see. Every text from a report or the registry is escaped."""
from __future__ import annotations

import html
from collections import Counter
from typing import Any

from ..checks import FAMILIES, family
from ..report.layout import keep_end, table_html
from ..report.names import safe_name
from ..schema import number_text
from .view import RegionView

__all__ = ["title_html", "coverage_html", "rollup_html", "findings_html", "copying_html", "scores_html",
           "trend_html"]

esc = html.escape
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def _section(sid: str, title: str, body: str) -> str:
    return f'<section class="kit-section" id="{sid}"><h2>{esc(title)}</h2>{body}</section>'


def _caption(text: str) -> str:
    return f'<p class="caption">{esc(text)}</p>'


def _table(head: list[str], rows: list[list[str]], cls: str = "region", wrap: tuple[int, ...] = ()) -> str:
    """A table from already escaped cells (a cell may hold a link); columns in ``wrap`` may wrap."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="wrap">{c}</td>' if i in wrap else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<div class="table-wrap"><table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def report_link(view: RegionView, agency: str) -> str:
    """The agency's report from ``<outputs>/regions/<year>/<region>/region.html``."""
    return f"../../../{view.year}/{safe_name(agency)}/report.html"


def title_html(view: RegionView) -> str:
    title = f"{view.region}{view.year}年度政府信息公开工作年度报告检查情况"
    return (f'<header class="title-block"><h1>{keep_end(title, "政府信息公开工作年度报告检查情况")}</h1>'
            f'<p class="meta">应发布单位 {len(view.ry.members)} 家，已发布 {len(view.ry.present)} 家；'
            f"发布截止日 {view.ry.deadline.isoformat()}；评分方案：{esc(view.scheme['name'])}</p></header>")


def coverage_html(view: RegionView) -> str:
    ry = view.ry
    rows = []
    for m in ry.members:
        r = m.report
        late = m.late(ry.deadline)
        fmt = "" if r is None else esc(r.format) + (" <b class=\"flag\">旧版表格</b>" if m.old_format(ry.year) else "")
        date = "" if r is None else (f"{esc(r.published)}（{esc(r.published_from)}）" if r.published else "未载明")
        name = esc(m.agency.name) + (" <small>（汇总）</small>" if m.agency.aggregate else "")
        rows.append([name, "已发布" if r else '<b class="flag">未发布</b>', esc(m.form), fmt, date,
                     '<b class="flag">逾期</b>' if late else ("按时" if late is False else "—")])
    late_n = sum(1 for m in ry.members if m.late(ry.deadline))
    head = (f"<p>应发布 {len(ry.members)} 家，已发布 {len(ry.present)} 家，发布率 {ry.coverage:.1%}；"
            f"逾期 {late_n} 家；截止日 {ry.deadline.isoformat()}。</p>")
    return _section("coverage", "一、报送情况", head + _table(
        ["单位", "报告", "来源形式", "格式版本", "发布日期", "是否逾期"], rows) + _caption(
        "名录中应发布的每个单位一行：看哪些单位未发布、逾期或用了旧版表格；发布日期取自报告落款、网页或PDF信息，没有的不推测。"))


def rollup_html(view: RegionView) -> str:
    n = len(view.ry.parts)
    tables = "".join(table_html(view.total, t) for t in ("t2", "t3", "t4"))
    body = (f"<p>以下为 {n} 家单位（不含汇总报告、格式版本与年度不符的报告）各单元格之和；"
            f"任一单元格最少由 {min(view.contributors.values(), default=0)} 家、最多由 "
            f"{max(view.contributors.values(), default=0)} 家单位的数字相加。</p>" + tables)
    if view.differences:
        by_agency: dict[str, list[dict[str, Any]]] = {}
        for d in view.differences:
            by_agency.setdefault(d["agency"], []).append(d)
        rows = [[esc(a), str(len(ds)), f'{ds[0]["children"]}/{ds[0]["expected"]}',
                 esc("；".join(f'{d["cell"]} 所填 {number_text(d["printed"])}、之和 {number_text(d["sum"])}'
                               for d in ds[:4]) + (f" 等 {len(ds)} 处" if len(ds) > 4 else ""))]
                for a, ds in by_agency.items()]
        body += "<h3>汇总报告与所属单位之和不一致的单元格</h3>" + _table(
            ["汇总报告", "不一致的单元格数", "参与相加的单位", "单元格：汇总报告所填、所属单位之和"], rows, wrap=(3,)) + _caption(
            "汇总报告（如县政府报告）应等于其所属单位报告之和：不一致的单元格需核实哪一方填错（全部单元格见问题清单）。")
    else:
        body += _caption("汇总报告与所属单位报告之和逐格一致（或本区域没有汇总报告）。")
    return _section("rollup", "二、汇总", body)


def findings_html(view: RegionView) -> str:
    ry = view.ry
    names = list(FAMILIES) + ["其他"]
    counts: dict[str, Counter[str]] = {}
    for m, f in ry.findings():
        if f.severity in ("error", "warning"):
            counts.setdefault(m.agency.name, Counter())[family(f.rule)] += 1
    used = [n for n in names if any(c[n] for c in counts.values())]
    rows = []
    for m in ry.members:
        if not m.present:
            continue
        c = counts.get(m.agency.name, Counter())
        link = f'<a href="{esc(report_link(view, m.agency.name))}">{esc(m.agency.name)}</a>'
        rows.append([link, str(m.count("error")), str(m.count("warning"))] + [str(c[n] or "") for n in used])
    table = _table(["单位", "错误", "警告", *used], rows) + _caption(
        "每个单位按规则类别计的错误和警告；点单位名称看它的报告。")
    spread = Counter(f.rule for m in ry.members for f in {x.rule: x for x in m.findings
                                                          if x.severity in ("error", "warning")}.values())
    top = _table(["规则", "类别", "涉及单位数"], [[esc(r), esc(family(r)), str(n)] for r, n in spread.most_common(10)]) \
        if spread else "<p>未发现错误或警告。</p>"
    return _section("findings", "三、核查结果", table + "<h3>最常见的问题</h3>" + top + _caption(
        "被最多单位违反的规则在前：适合作为培训和通报的重点。") + review_html(view))


def review_html(view: RegionView) -> str:
    """审核与整改: per agency, the errors and warnings found, dismissed, corrected, returned and not
    corrected (kit.review), then every reviewed or corrected problem by key."""
    reviewed = [m for m in view.ry.members if m.review is not None]
    counts = {m.agency.id: m.review.counts() for m in reviewed}
    if not any(c[k] for c in counts.values() for k in ("dismissed", "corrected", "returned", "not_corrected")):
        return "<h3>审核与整改</h3><p>尚无审核决定或重新报送。</p>" + _caption(
            "审核人在问题清单中填写整改状态后用 xxgk review import 导入；单位重新报送后，这里列出已整改和仍存在的问题。")
    shown = [m for m in reviewed if any(counts[m.agency.id].values())]
    rows = [[esc(m.agency.name)] + [str(counts[m.agency.id][k]) for k in
                                    ("found", "dismissed", "corrected", "returned", "not_corrected")] for m in shown]
    detail = [[esc(m.agency.name), esc(r.key), esc(r.label),
               esc("；".join(x for x in (r.decision.status, r.decision.reason, r.decision.reviewer) if x)
                   if r.decision else "")]
              for m in reviewed for r in m.review.items
              if r.state not in ("open", "still", "new") and r.severity in ("error", "warning")]
    return ("<h3>审核与整改</h3>" + _table(["单位", "发现", "不是问题", "已整改", "退回待整改", "退回未整改"], rows)
            + _caption(f"错误和警告按审核与整改情况计数（其余 {len(reviewed) - len(shown)} 家已发布单位均为 0）："
                       "“退回未整改”是退回后重新报送仍存在的问题，评分方案可据此扣分。")
            + _table(["单位", "问题编号", "核查情况", "审核决定"], detail, wrap=(1, 3)))


def copying_html(view: RegionView) -> str:
    if not view.copies:
        return _section("copying", "四、雷同", "<p>未发现同年不同单位之间的雷同内容。</p>" + _caption(
            "比较时已去除规定标题、套话、单位名称和数字；相似度超过一半的单位对才列出。"))
    rows = [[esc(p.a_name), esc(p.b_name), f"{p.similarity:.0%}", esc("、".join(f"第{s}部分" for s in p.sections)),
             "<br>".join(esc(x[:80]) for x in p.passages[:2])] for p in view.copies]
    return _section("copying", "四、雷同", _table(["单位", "单位", "相似度", "部分", "相同段落（节选）"], rows,
                                               wrap=(4,)) + _caption(
        "同年两个单位的正文在去除规定标题、套话、单位名称和数字后仍大段相同：需核实是否相互照搬。"))


def scores_html(view: RegionView) -> str:
    rows = [[f"{s.rank}" + ("（并列）" if s.tied else ""), esc(s.agency), f"{s.score:g}", esc(s.summary())]
            for s in view.scores]
    ranked = _table(["名次", "单位", "得分", "扣分情况"], rows, wrap=(3,))
    detail = []
    for sc in view.scores:
        if sc.deductions:
            why = "；".join(f"{d.label}：" + "、".join(w[:60] + ("…" if len(w) > 60 else "") for w in d.why[:2])
                           + (f" 等 {len(d.why)} 项" if len(d.why) > 2 else "") for d in sc.deductions)
            detail.append([esc(sc.agency), esc(why)])
    scheme = view.scheme
    body = (f"<p>评分方案：{esc(scheme['name'])}（满分 {scheme['points']:g} 分）。</p>"
            + ranked
            + _caption("得分相同的单位名次并列；每项扣分都能在下表找到依据。")
            + "<h3>扣分依据</h3>" + (_table(["单位", "依据（扣分项：问题编号：说明）"], detail, wrap=(1,))
                                 if detail else "<p>没有扣分。</p>"))
    return _section("scores", "五、评分与排名", body)


def trend_html(view: RegionView) -> str:
    from ..report.charts import figure_html, use_chinese_font

    rows = view.trend
    if len(rows) < 2:
        return _section("trend", "六、趋势", "<p>库中只有一个年度的数据，暂无趋势可比。</p>")
    import matplotlib.pyplot as plt

    use_chinese_font()
    years = [r["年度"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.5, 3), dpi=110)
    ax1.bar([str(y) for y in years], [(r["新收申请"] or 0) + (r["上年结转"] or 0) for r in rows], color="#8c1c13")
    ax1.set_title("需办理的申请（新收+上年结转，件）", fontsize=10)
    for label, key, color in (("公开率", "公开率", "#8c1c13"), ("纠错率", "纠错率", "#2f5d8a")):
        ax2.plot([str(y) for y in years], [r[key] for r in rows], marker="o", label=label, color=color)
    ax2.set_title("公开率与复议诉讼纠错率（%）", fontsize=10)
    ax2.legend(fontsize=8)
    change = next((i for i in range(1, len(rows)) if rows[i]["格式"] != rows[i - 1]["格式"]), None)
    if change is not None:
        for ax in (ax1, ax2):
            ax.axvline(change - 0.5, color="#999", linestyle=":", linewidth=1)
            ax.text(change - 0.45, ax.get_ylim()[1] * 0.95, "格式变更", fontsize=7, color="#666")
    fig.tight_layout()
    chart = figure_html(fig, "区域各年汇总：柱为需办理的申请量，折线为公开率和纠错率；虚线处表格格式由2019年版改为2021年版。")
    keys = ["年度", "格式", "报告数", "新收申请", "上年结转", "予以公开", "部分公开", "行政复议", "公开率", "纠错率"]

    def shown(v: Any, k: str) -> str:
        return "" if v is None else f"{v:.1f}%" if k in ("公开率", "纠错率") else esc(str(v))

    table = _table(keys, [[shown(r.get(k), k) for k in keys] for r in rows], cls="region trend")
    versions = sorted({r["格式"] for r in rows})
    decisions = [[esc(str(r["年度"]))] + [shown(r.get(f"{label}（{v}）"), "") if r["格式"] == v else ""
                                          for v in versions for label in ("行政许可", "行政处罚", "行政强制")]
                 for r in rows]
    table += _table(["年度"] + [f"{label}（{v}）" for v in versions for label in ("行政许可", "行政处罚", "行政强制")],
                    decisions, cls="region trend")
    return _section("trend", "六、趋势", chart + table + _caption(
        "表二的行政决定数量按格式版本分列，两种格式的口径不同，不跨版本相连。"))
