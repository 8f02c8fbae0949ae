"""The kit's own sections of a report: the generated narrative and the comparisons with charts.

Each returns a whole ``<section>`` of HTML; a chart that has nothing to compare is replaced by a
sentence saying so, never drawn empty.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Iterable

from ..model import Finding, Report


def _section(sid: str, title: str, body: str) -> str:
    return f'<section class="kit-section" id="{sid}"><h2>{html.escape(title)}</h2>{body}</section>'


def _note(text: str) -> str:
    return f'<p class="kit-note">{html.escape(text)}</p>'


def narrative_section(report: Report, previous: Report | None, peers: Iterable[Report],
                      findings: Iterable[Finding]) -> str:
    from .narrative import narrative_html, sentences

    return _section("narrative", "数据解读", narrative_html(sentences(report, previous, peers, findings)))


def previous_report(report: Report, store: str | Path | None = None) -> Report | None:
    from ..errors import NotFound
    from ..store import Store

    if not report.key or not report.year:
        return None
    with Store(store, create=False) as s:
        try:
            return s.get(report.key, report.year - 1)
        except NotFound:
            return None


def history_section(agency: str, year: int, store: str | Path | None = None, years: int = 5) -> str:
    from .charts import applications_chart, cases_chart, decisions_chart, figure_html, outcomes_chart
    from .data import history_frame

    history = history_frame(agency, store, upto=year, years=years)
    if len(history) < 2:
        return _section("history", "历年比较", _note("库中只有本年度的报告，暂无可比较的历史数据。"))
    charts = [
        (applications_chart(history, agency), "柱高是当年需办理的申请总量（新收+上年结转）；看申请量是升是降。"),
        (outcomes_chart(history, agency), "各年办结申请中各类结果的占比；深红的“予以公开”和“部分公开”越多，公开程度越高。"),
        (decisions_chart(history, agency), "2019年格式和2021年格式的表二口径不同，分开画且不连线；看同一格式内的变化。"),
        (cases_chart(history, agency), "深红为结果纠正：纠正多说明答复存在问题，值得复盘。"),
    ]
    body = "".join(figure_html(fig, cap) for fig, cap in charts if fig is not None)
    if charts[3][0] is None:
        body += _note("所比较的年度均没有因政府信息公开引起的行政复议和行政诉讼。")
    return _section("history", f"历年比较（{history.index[0]}—{history.index[-1]}年）", body)


def peers_section(report: Report, peer_list: list[Report], registry: str | Path | None = None) -> str:
    """The report among its peers (from :func:`kit.peer_reports`), or a sentence when there are none."""
    from .charts import figure_html, peer_chart
    from .data import peers_frame

    agency, year = report.agency or "", report.year
    if not registry:
        return _section("peers", "同级比较", _note("未提供机关名录（registry），无法确定同级机关，本节从略。"))
    peers = peers_frame(report, peer_list)
    if len(peers) < 2:
        return _section("peers", "同级比较", _note(f"名录中没有与本机关同地区同级、且有{year}年报告的机关，暂无可比较的对象。"))
    n = len(peers)
    parts = []
    specs = [("新收申请", f"{year}年同级{n}个机关的新收申请量（件）", False,
              "红色为本机关，虚线为同级中位数；看本机关收到的申请在同级中多还是少。"),
             ("公开率", f"{year}年同级机关的公开率（%）", True,
              "公开率=（予以公开+部分公开）/（七）总计；红色为本机关，虚线为中位数。"),
             ("纠错率", f"{year}年同级机关复议、诉讼的纠错率（%）", True,
              "纠错率=结果纠正/已审结案件；只列有已审结案件的机关，红色为本机关。")]
    for column, title, percent, caption in specs:
        fig = peer_chart(peers, agency, column, title, percent=percent)
        if fig is None:
            what = {"新收申请": "申请量", "公开率": "公开率（本机关本年没有办结的申请）",
                    "纠错率": "纠错率（本机关本年没有已审结的复议、诉讼案件）"}[column]
            parts.append(_note(f"无法比较{what}。"))
        else:
            parts.append(figure_html(fig, caption))
    return _section("peers", f"同级比较（{n}个机关）", "".join(parts))
