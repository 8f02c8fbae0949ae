"""The batch's ``outputs/index.html``: the way in to every report and region summary a batch wrote.

One self-contained file that opens from the file system (``file://``: nothing is fetched), usable at
3,000 agencies × 7 years:

- **地区汇总** first: one row per region-year (coverage present/expected with a percentage, late
  reports, errors, warnings, links to every output), newest year first. Rendered here, so it reads
  without JavaScript too.
- **机关报告**: every agency report, grouped by year (newest first), with a search box (agency name, agency
  id, key), filters (year, status, only reports whose checks found errors) and a count of what matches.

The data is embedded as JSON in ``<script type="application/json" id="data">`` (``<``, ``>`` and ``&``
written as ``\\u003c`` … so no name can close the script) and a small inline script sorts, filters and
pages it in memory, keeping at most :data:`PAGE_SIZE` rows of each table in the DOM. The first page of
each table is also rendered here (the same markup the script renders), with a noscript line with the
counts for a browser without JavaScript.

Every text is escaped; links are the manifest's relative output paths, percent-encoded segment by
segment (an absolute path or a URL scheme is never made a link). Names are embedded as UTF-8, not
``\\uXXXX`` escapes, so :func:`kit.report.render.with_embedded_font` finds their glyphs.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

__all__ = ["PAGE_SIZE", "STATUS_NAMES", "index_html"]

PAGE_SIZE = 100
"""Rows of a table in the DOM at a time (one page)."""

STATUS_NAMES: dict[str, str] = {"done": "已生成", "failed": "失败", "stopped": "已中止"}
"""How a report's or region's status reads on the page."""

FONT_STACK = '"XXGK Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

_REPORT_FIELDS = ("key", "agency", "agency_id", "year", "status", "format", "findings", "outputs", "error")
_REGION_FIELDS = ("key", "region", "year", "status", "expected", "present", "late", "findings", "outputs", "error")
_KIND_ORDER = ("html", "pdf", "docx", "xlsx", "ipynb")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_REPORT_HEAD = ("机关", "年度", "格式", "状态", "错误", "警告", "提示", "文件", "失败原因")
_REGION_HEAD = ("地区", "年度", "状态", "覆盖", "逾期", "错误", "警告", "文件")


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: Any) -> str:
    """A count as the page shows it ('' when absent); the script's ``num``."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _thousands(n: int) -> str:
    return f"{n:,}"


def _year(entry: dict[str, Any]) -> int:
    try:
        return int(entry.get("year") or 0)
    except (TypeError, ValueError):
        return 0


def _href(path: str) -> str | None:
    """A relative link to ``path`` (each segment percent-encoded like JavaScript's encodeURIComponent);
    None for an absolute path or anything with a scheme or drive letter."""
    p = path.replace("\\", "/")
    if not p or p.startswith("/") or _SCHEME.match(p):
        return None
    return "/".join(quote(seg, safe="!*'()") for seg in p.split("/"))


def _kind_rank(kind: str) -> tuple[int, str]:
    if kind == "error":
        return 99, kind
    return (_KIND_ORDER.index(kind) if kind in _KIND_ORDER else 50), kind


def _links(outputs: Any) -> str:
    if not isinstance(outputs, dict):
        return ""
    parts = []
    for kind in sorted((k for k, v in outputs.items() if isinstance(v, str)), key=_kind_rank):
        path = outputs[kind]
        label = "错误信息" if kind == "error" else kind.upper()
        href = _href(path)
        if href is None:
            parts.append(f'<span class="nolink" title="{_esc(path)}">{_esc(label)}</span>')
        else:
            name = path.replace("\\", "/").split("/")[-1]
            parts.append(f'<a href="{_esc(href)}" title="{_esc(name)}">{_esc(label)}</a>')
    return " ".join(parts)


def _findings(entry: dict[str, Any]) -> dict[str, Any]:
    f = entry.get("findings")
    return f if isinstance(f, dict) else {}


def _status(entry: dict[str, Any]) -> str:
    status = entry.get("status")
    return "" if status is None else str(status)


def _report_row(e: dict[str, Any]) -> str:
    """One agency report as a table row; the script's ``reportRow`` writes the same markup."""
    f = _findings(e)
    st = _status(e)
    ident = f'<span class="id">{_esc(e["agency_id"])}</span>' if e.get("agency_id") else ""
    return (f'<tr class="{_esc(st)}"><td class="agency" title="{_esc(e.get("key"))}">{_esc(e.get("agency"))}{ident}'
            f'</td><td>{_esc(e.get("year"))}</td><td>{_esc(e.get("format"))}</td>'
            f'<td>{_esc(STATUS_NAMES.get(st, st))}</td><td class="n">{_num(f.get("error"))}</td>'
            f'<td class="n">{_num(f.get("warning"))}</td><td class="n">{_num(f.get("info"))}</td>'
            f'<td class="files">{_links(e.get("outputs"))}</td>'
            f'<td class="why" title="{_esc(e.get("error"))}">{_esc(e.get("error"))}</td></tr>')


def _coverage(r: dict[str, Any]) -> tuple[str, bool]:
    """'30/31 96.7%' (the percentage floored to one decimal, so 99.99% never reads 100.0%), and whether
    reports are missing; the script's ``coverage``."""
    present, expected = r.get("present"), r.get("expected")
    text = f"{_num(present) or '—'}/{_num(expected) or '—'}"
    if isinstance(present, int) and isinstance(expected, int) and expected > 0 \
            and not isinstance(present, bool) and not isinstance(expected, bool):
        q = present * 1000 // expected
        return f'{text} <span class="pct">{q // 10}.{q % 10}%</span>', present < expected
    return text, False


def _region_row(r: dict[str, Any]) -> str:
    """One region-year as a table row; the script's ``regionRow`` writes the same markup."""
    f = _findings(r)
    st = _status(r)
    cov, short = _coverage(r)
    return (f'<tr class="{_esc(st)}"><td title="{_esc(r.get("key"))}">{_esc(r.get("region"))}</td>'
            f'<td>{_esc(r.get("year"))}</td><td>{_esc(STATUS_NAMES.get(st, st))}</td>'
            f'<td class="n{" short" if short else ""}">{cov}</td><td class="n">{_num(r.get("late"))}</td>'
            f'<td class="n">{_num(f.get("error"))}</td><td class="n">{_num(f.get("warning"))}</td>'
            f'<td class="files">{_links(r.get("outputs"))}</td></tr>')


def _thead(names: tuple[str, ...]) -> str:
    return "<thead><tr>" + "".join(f'<th tabindex="0">{n}</th>' for n in names) + "</tr></thead>"


def _json_script(data: Any) -> str:
    """JSON for a ``<script type="application/json">``: no ``<`` (so no ``</script>`` or ``<!--``), ``>``
    or ``&`` in it, UTF-8 text otherwise."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _project(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: entry[k] for k in fields if k in entry}


def _report_groups(rows: list[dict[str, Any]], counts: Counter[str]) -> str:
    """The first page of reports, a heading and a table for each year; the script's ``drawReports``."""
    out: list[str] = []
    year: str | None = None
    for e in rows:
        y = _esc(e.get("year"))
        if y != year:
            if year is not None:
                out.append("</tbody></table></div>")
            year = y
            out.append(f'<h3 class="year">{y} 年度 <small>{_thousands(counts[y])} 份</small></h3>'
                       f'<div class="scroll"><table class="list">{_thead(_REPORT_HEAD)}<tbody>')
        out.append(_report_row(e))
    if year is not None:
        out.append("</tbody></table></div>")
    else:
        out.append('<p class="empty">没有符合条件的报告。</p>')
    return "".join(out)


def _pager(pages: int) -> str:
    return (f'<div class="pager"{"" if pages > 1 else " hidden"}><button type="button" data-go="first">首页</button>'
            '<button type="button" data-go="prev">上一页</button>'
            f'<span class="where">第 1 / {pages} 页</span>'
            '<button type="button" data-go="next">下一页</button><button type="button" data-go="last">末页</button></div>')


def index_html(doc: dict[str, Any]) -> str:
    """The index page of a batch's outputs (a complete HTML document, before the font is embedded).

    ``doc`` is ``{"state": str, "kit_version": str, "reports": [entry, ...], "regions": [region, ...]}`` (the
    state: a digest of the reports' inputs, so that equal data give an equal page; never the clock)
    (``regions`` may be absent or empty). A report entry: ``{"key", "agency", "agency_id", "year",
    "status": "done"|"failed"|"stopped", "format", "findings": {"error", "warning", "info"},
    "outputs": {kind: path}, "error"}``; a region entry: ``{"key", "region", "year", "status", "expected",
    "present", "late", "findings": {"error", "warning"}, "outputs": {kind: path}}``. Output paths are
    relative to the index file. Fields other than these are not embedded.
    """
    reports = sorted((_project(e, _REPORT_FIELDS) for e in doc.get("reports") or []),
                     key=lambda e: (-_year(e), str(e.get("agency", "")), str(e.get("key", ""))))
    regions = sorted((_project(r, _REGION_FIELDS) for r in doc.get("regions") or []),
                     key=lambda r: (-_year(r), str(r.get("region", "")), str(r.get("key", ""))))
    statuses = Counter(_status(e) for e in reports)
    year_counts = Counter(_esc(e.get("year")) for e in reports)
    years = sorted({str(e.get("year")) for e in reports if e.get("year") is not None},
                   key=lambda y: (-int(y) if y.lstrip("-").isdigit() else 0, y))
    total, failed = len(reports), statuses.get("failed", 0)
    pages = max(1, -(-total // PAGE_SIZE))
    region_pages = max(1, -(-len(regions) // PAGE_SIZE))

    year_options = "".join(f'<option value="{_esc(y)}">{_esc(y)} 年（{_thousands(year_counts[_esc(y)])}）</option>'
                           for y in years)
    known = [s for s in STATUS_NAMES if s in statuses] + sorted(s for s in statuses if s not in STATUS_NAMES)
    status_options = "".join(f'<option value="{_esc(s)}">{_esc(STATUS_NAMES.get(s, s) or "（无）")}'
                             f'（{_thousands(statuses[s])}）</option>' for s in known)
    by_status = "、".join(f"{STATUS_NAMES.get(s, s)} {_thousands(statuses[s])} 份" for s in known)
    shown_first = min(total, PAGE_SIZE)
    noscript = (f"本页的搜索、筛选、排序和翻页需要 JavaScript。共 {_thousands(total)} 份报告（{by_status or '无'}）"
                + (f"，{_thousands(len(regions))} 个地区年度汇总" if regions else "") + "；下面列出"
                + ("全部地区汇总和" if regions else "")
                + ("全部报告。" if total <= PAGE_SIZE else
                   f"最新的 {_thousands(shown_first)} 份报告，其余报告在输出文件夹中按“年度/机关”存放。"))

    if regions:
        region_failed = sum(1 for r in regions if _status(r) == "failed")
        region_section = (
            f'<section id="region-section"><h2>地区汇总</h2>'
            f'<p>{_thousands(len(regions))} 个地区年度'
            f'{f"，{region_failed} 个失败" if region_failed else ""}。覆盖：已收到 / 应公开的报告数；逾期：晚于法定期限公开的报告。</p>'
            f'<div class="scroll" id="regions"><table class="list regions">{_thead(_REGION_HEAD)}<tbody>'
            f'{"".join(_region_row(r) for r in regions)}</tbody></table></div>{_pager(region_pages)}</section>')
    else:
        region_section = ""

    data = _json_script({"reports": reports, "regions": regions})
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府信息公开工作年度报告 · 报告目录</title>
<style>
body {{ font-family: {FONT_STACK}; margin: 1.5rem; color: #1a1a1a; overflow-wrap: anywhere; }}
h1 {{ color: #a31515; font-size: 1.4rem; }}
h2 {{ color: #a31515; font-size: 1.15rem; margin: 1.6rem 0 .4rem; }}
h3.year {{ font-size: 1rem; margin: 1.2rem 0 .3rem; }}
h3.year small, .id, .muted {{ color: #666; font-weight: normal; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; overflow-wrap: normal; }}
th, td {{ border: 1px solid #ccc; padding: .3rem .5rem; }}
th {{ background: #f3efe6; cursor: pointer; user-select: none; position: sticky; top: 0; white-space: nowrap; }}
th:after {{ content: " ⇅"; color: #999; }}
th.asc:after {{ content: " ▲"; color: #a31515; }}
th.desc:after {{ content: " ▼"; color: #a31515; }}
td.n {{ text-align: right; white-space: nowrap; }}
td.short {{ color: #a31515; }}
td.files {{ white-space: nowrap; }}
td.why {{ max-width: 22rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
.id {{ font-size: 12px; margin-left: .4em; white-space: nowrap; }}
td.agency {{ min-width: 9em; }}
td:nth-child(2), td:nth-child(3) {{ white-space: nowrap; }}
.pct {{ color: #555; }}
.nolink {{ color: #999; text-decoration: line-through; }}
tr.failed td {{ background: #fde2e1; }}
tr.stopped td {{ background: #fff4d6; }}
.controls {{ display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: center; margin: .6rem 0; }}
.controls input[type=search] {{ flex: 1 1 16rem; min-width: 0; max-width: 100%; box-sizing: border-box; padding: .35rem .5rem; }}
input, select, button {{ font: inherit; }}
select {{ max-width: 100%; }}
#count {{ color: #444; margin: .4rem 0; }}
.pager {{ display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .8rem 0; }}
.pager[hidden], .controls[hidden] {{ display: none; }}
.empty, .note {{ color: #666; }}
.sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
@media (max-width: 720px) {{ body {{ margin: .5rem; }} table {{ font-size: 12px; }} .scroll {{ overflow-x: auto; }} }}
</style></head><body>
<h1>报告目录</h1>
<p>共 {_thousands(total)} 份报告，{_thousands(failed)} 份失败。数据指纹 {_esc(doc.get("state", ""))}，xxgk-kit {_esc(doc.get("kit_version"))}。点击表头排序。</p>
<noscript><p class="note">{noscript}</p></noscript>
{region_section}
<section id="report-section"><h2>机关报告</h2>
<div class="controls" id="controls" hidden>
<label class="sr" for="q">搜索机关名称、机关代码或路径</label>
<input type="search" id="q" placeholder="搜索机关名称、机关代码或路径" autocomplete="off">
<select id="year" aria-label="年度"><option value="">全部年度</option>{year_options}</select>
<select id="status" aria-label="状态"><option value="">全部状态</option>{status_options}</select>
<label><input type="checkbox" id="errors"> 只看有错误的</label>
</div>
<p id="count" aria-live="polite">共 {_thousands(total)} 份报告，显示第 {1 if total else 0}–{_thousands(shown_first)} 份。</p>
<div id="reports">{_report_groups(reports[:PAGE_SIZE], year_counts)}</div>
{_pager(pages)}
</section>
<script type="application/json" id="data">{data}</script>
<script>
{_SCRIPT}
</script>
</body></html>
"""


# kit.report.fonts embeds the glyphs of the document's text: every text this script shows is in it (as
# string literals), and the search box's placeholder, an attribute it does not read, is also the box's
# visually hidden label. The script never writes "data" followed by ":" (the fonts module cuts data URIs
# out before collecting glyphs, up to the next quote).
_SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var R = D.reports || [], G = D.regions || [];
  var PAGE = __PAGE__;
  var NAMES = {done: "已生成", failed: "失败", stopped: "已中止"};
  var KINDS = ["html", "pdf", "docx", "xlsx", "ipynb"];
  var REPORT_HEAD = ["机关", "年度", "格式", "状态", "错误", "警告", "提示", "文件", "失败原因"];
  var REGION_HEAD = ["地区", "年度", "状态", "覆盖", "逾期", "错误", "警告", "文件"];
  var collator = new Intl.Collator("zh-CN", {numeric: true});
  var own = Object.prototype.hasOwnProperty;

  function esc(v) {
    return (v == null ? "" : String(v)).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}[c];
    });
  }
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function num(v) { return isNum(v) ? String(v) : ""; }
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function str(v) { return v == null ? "" : String(v); }
  function statusName(s) { return own.call(NAMES, s) ? NAMES[s] : s; }
  function findings(e) { return e.findings && typeof e.findings === "object" ? e.findings : {}; }
  function href(p) {
    p = p.replace(/\\/g, "/");
    if (!p || p.charAt(0) === "/" || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(p)) return null;
    return p.split("/").map(encodeURIComponent).join("/");
  }
  function kindRank(k) { return k === "error" ? 99 : (KINDS.indexOf(k) < 0 ? 50 : KINDS.indexOf(k)); }
  function kinds(o) {
    if (!o || typeof o !== "object") return [];
    return Object.keys(o).filter(function (k) { return typeof o[k] === "string"; }).sort(function (a, b) {
      return kindRank(a) - kindRank(b) || (a < b ? -1 : a > b ? 1 : 0);
    });
  }
  function links(o) {
    return kinds(o).map(function (k) {
      var label = k === "error" ? "错误信息" : k.toUpperCase(), h = href(o[k]);
      if (h === null) return '<span class="nolink" title="' + esc(o[k]) + '">' + esc(label) + "</span>";
      return '<a href="' + esc(h) + '" title="' + esc(o[k].replace(/\\/g, "/").split("/").pop()) + '">' +
        esc(label) + "</a>";
    }).join(" ");
  }
  function reportRow(e) {
    var f = findings(e), st = str(e.status);
    return '<tr class="' + esc(st) + '"><td class="agency" title="' + esc(e.key) + '">' + esc(e.agency) +
      (e.agency_id ? '<span class="id">' + esc(e.agency_id) + "</span>" : "") + "</td><td>" + esc(e.year) +
      "</td><td>" + esc(e.format) + "</td><td>" + esc(statusName(st)) + '</td><td class="n">' + num(f.error) +
      '</td><td class="n">' + num(f.warning) + '</td><td class="n">' + num(f.info) + '</td><td class="files">' +
      links(e.outputs) + '</td><td class="why" title="' + esc(e.error) + '">' + esc(e.error) + "</td></tr>";
  }
  function isInt(v) { return isNum(v) && Math.floor(v) === v; }
  function coverage(r) {
    var p = r.present, x = r.expected, text = (num(p) || "—") + "/" + (num(x) || "—");
    if (isInt(p) && isInt(x) && x > 0) {
      var q = Math.floor(p * 1000 / x);
      return [text + ' <span class="pct">' + Math.floor(q / 10) + "." + (q % 10) + "%</span>", p < x];
    }
    return [text, false];
  }
  function ratio(r) { return isNum(r.present) && isNum(r.expected) && r.expected > 0 ? r.present / r.expected : -1; }
  function regionRow(r) {
    var f = findings(r), st = str(r.status), c = coverage(r);
    return '<tr class="' + esc(st) + '"><td title="' + esc(r.key) + '">' + esc(r.region) + "</td><td>" +
      esc(r.year) + "</td><td>" + esc(statusName(st)) + '</td><td class="n' + (c[1] ? " short" : "") + '">' +
      c[0] + '</td><td class="n">' + num(r.late) + '</td><td class="n">' + num(f.error) + '</td><td class="n">' +
      num(f.warning) + '</td><td class="files">' + links(r.outputs) + "</td></tr>";
  }

  // sort keys: one number per row and column, computed when a column is first sorted
  function ranks(values) {
    var uniq = Array.from(new Set(values)).sort(collator.compare), at = new Map();
    uniq.forEach(function (v, i) { at.set(v, i); });
    return values.map(function (v) { return at.get(v); });
  }
  function numbers(rows, get) { return rows.map(function (e) { var v = get(e); return isNum(v) ? v : -1; }); }
  function texts(rows, get) { return ranks(rows.map(function (e) { return str(get(e)); })); }
  var STATUS_ORDER = {done: 0, stopped: 1, failed: 2};
  function statusKey(e) { var s = str(e.status); return own.call(STATUS_ORDER, s) ? STATUS_ORDER[s] : 3; }
  function yearOf(e) { return isNum(e.year) ? e.year : (parseInt(e.year, 10) || 0); }
  var REPORT_KEYS = [
    function (rows) { return texts(rows, function (e) { return e.agency; }); },
    function (rows) { return numbers(rows, yearOf); },
    function (rows) { return texts(rows, function (e) { return e.format; }); },
    function (rows) { return numbers(rows, statusKey); },
    function (rows) { return numbers(rows, function (e) { return findings(e).error; }); },
    function (rows) { return numbers(rows, function (e) { return findings(e).warning; }); },
    function (rows) { return numbers(rows, function (e) { return findings(e).info; }); },
    function (rows) { return numbers(rows, function (e) { return kinds(e.outputs).length; }); },
    function (rows) { return texts(rows, function (e) { return e.error; }); }
  ];
  var REGION_KEYS = [
    function (rows) { return texts(rows, function (r) { return r.region; }); },
    function (rows) { return numbers(rows, yearOf); },
    function (rows) { return numbers(rows, statusKey); },
    function (rows) { return numbers(rows, ratio); },
    function (rows) { return numbers(rows, function (r) { return r.late; }); },
    function (rows) { return numbers(rows, function (r) { return findings(r).error; }); },
    function (rows) { return numbers(rows, function (r) { return findings(r).warning; }); },
    function (rows) { return numbers(rows, function (r) { return kinds(r.outputs).length; }); }
  ];

  function thead(names, col, dir) {
    return "<thead><tr>" + names.map(function (n, i) {
      var cls = i === col ? (dir > 0 ? "asc" : "desc") : "";
      return '<th tabindex="0"' + (cls ? ' class="' + cls + '" aria-sort="' + (dir > 0 ? "ascending" : "descending") + '"' : "") +
        ">" + n + "</th>";
    }).join("") + "</tr></thead>";
  }

  // A table over an in-memory array: sorted (the array's order, or a column's, years grouped newest first
  // unless the year column is the one sorted), filtered, one page of rows in the DOM.
  function View(o) {
    var self = this, all = o.rows.map(function (_, i) { return i; }), cache = [];
    this.col = -1; this.dir = 1; this.page = 0; this.pred = null; this.order = all; this.shown = all;
    this.sort = function () {
      var c = self.col, d = self.dir, k, y;
      if (c < 0) { self.order = all; return; }
      k = cache[c] || (cache[c] = o.keys[c](o.rows));
      y = o.group >= 0 ? (cache[o.group] || (cache[o.group] = o.keys[o.group](o.rows))) : null;
      var gd = c === o.group ? d : -1;
      self.order = all.slice().sort(function (a, b) {
        return (y ? gd * (y[a] - y[b]) : 0) || (c === o.group ? 0 : d * (k[a] - k[b])) || a - b;
      });
    };
    this.filter = function () { self.shown = self.pred ? self.order.filter(self.pred) : self.order; };
    this.render = function () {
      var pages = Math.max(1, Math.ceil(self.shown.length / PAGE));
      if (self.page >= pages) self.page = pages - 1;
      var start = self.page * PAGE, slice = self.shown.slice(start, start + PAGE);
      o.box.innerHTML = o.draw(slice, self);
      if (o.pager) {
        o.pager.hidden = pages <= 1;
        o.pager.querySelector(".where").textContent = "第 " + (self.page + 1) + " / " + pages + " 页";
        o.pager.querySelector('[data-go="first"]').disabled = o.pager.querySelector('[data-go="prev"]').disabled = self.page === 0;
        o.pager.querySelector('[data-go="last"]').disabled = o.pager.querySelector('[data-go="next"]').disabled = self.page >= pages - 1;
      }
      if (o.counted) o.counted(self, start, slice.length);
    };
    this.update = function (resort) { if (resort) self.sort(); self.filter(); self.page = 0; self.render(); };
    function sortBy(th) {
      var c = th.cellIndex;
      if (c === self.col) self.dir = -self.dir; else { self.col = c; self.dir = 1; }
      self.update(true);
    }
    o.box.addEventListener("click", function (ev) {
      var th = ev.target.closest && ev.target.closest("th");
      if (th && o.box.contains(th)) sortBy(th);
    });
    o.box.addEventListener("keydown", function (ev) {
      var th = ev.target.closest && ev.target.closest("th");
      if (th && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); sortBy(th); }
    });
    if (o.pager) o.pager.addEventListener("click", function (ev) {
      var go = ev.target.getAttribute && ev.target.getAttribute("data-go"), last = Math.ceil(self.shown.length / PAGE) - 1;
      if (!go) return;
      self.page = go === "first" ? 0 : go === "prev" ? self.page - 1 : go === "next" ? self.page + 1 : last;
      self.page = Math.max(0, Math.min(self.page, last));
      self.render();
      (o.top || o.box).scrollIntoView({block: "start"});
    });
  }

  // --- agency reports, grouped by year
  var reportsBox = document.getElementById("reports"), section = document.getElementById("report-section");
  var perYear = new Map();
  function drawReports(slice, v) {
    var out = [], year = null, head = thead(REPORT_HEAD, v.col, v.dir);
    var before = v.page * PAGE > 0 ? R[v.shown[v.page * PAGE - 1]] : null;
    for (var j = 0; j < slice.length; j++) {
      var e = R[slice[j]], y = esc(e.year);
      if (y !== year) {
        if (year !== null) out.push("</tbody></table></div>");
        var cont = j === 0 && before && esc(before.year) === y ? "（续）" : "";
        year = y;
        out.push('<h3 class="year">' + y + " 年度" + cont + " <small>" + thousands(perYear.get(y) || 0) + " 份</small></h3>" +
          '<div class="scroll"><table class="list">' + head + "<tbody>");
      }
      out.push(reportRow(e));
    }
    out.push(year !== null ? "</tbody></table></div>" : '<p class="empty">没有符合条件的报告。</p>');
    return out.join("");
  }
  var count = document.getElementById("count");
  var reports = new View({rows: R, keys: REPORT_KEYS, group: 1, box: reportsBox, draw: drawReports, top: section,
    pager: section.querySelector(".pager"),
    counted: function (v, start, n) {
      var filtered = v.shown.length !== R.length;
      count.textContent = (filtered ? "符合条件 " + thousands(v.shown.length) + " 份（共 " + thousands(R.length) + " 份）"
        : "共 " + thousands(R.length) + " 份报告") + "，显示第 " + thousands(n ? start + 1 : 0) + "–" + thousands(start + n) + " 份。";
    }});
  function countYears() {
    perYear = new Map();
    reports.shown.forEach(function (i) { var y = esc(R[i].year); perYear.set(y, (perYear.get(y) || 0) + 1); });
  }
  var origFilter = reports.filter;
  reports.filter = function () { origFilter(); countYears(); };

  // search and filters
  var q = document.getElementById("q"), yearSel = document.getElementById("year"),
    statusSel = document.getElementById("status"), errorsBox = document.getElementById("errors"), hay = null;
  function norm(s) { return str(s).normalize("NFKC").toLowerCase(); }
  function applyFilters() {
    var terms = norm(q.value).split(/\s+/).filter(Boolean), y = yearSel.value, s = statusSel.value, err = errorsBox.checked;
    if (terms.length && !hay) hay = R.map(function (e) { return norm(e.agency) + "\n" + norm(e.agency_id) + "\n" + norm(e.key); });
    reports.pred = !(terms.length || y || s || err) ? null : function (i) {
      var e = R[i];
      if (y && str(e.year) !== y) return false;
      if (s && str(e.status) !== s) return false;
      if (err && !(isNum(findings(e).error) && findings(e).error > 0)) return false;
      for (var t = 0; t < terms.length; t++) if (hay[i].indexOf(terms[t]) < 0) return false;
      return true;
    };
    reports.update(false);
  }
  q.addEventListener("input", function (ev) { if (!ev.isComposing) applyFilters(); });
  q.addEventListener("compositionend", applyFilters);
  [yearSel, statusSel, errorsBox].forEach(function (el) { el.addEventListener("change", applyFilters); });
  document.getElementById("controls").hidden = false;

  // --- region-years
  var regionsBox = document.getElementById("regions");
  var regions = regionsBox && new View({rows: G, keys: REGION_KEYS, group: -1, box: regionsBox,
    top: document.getElementById("region-section"),
    pager: document.getElementById("region-section").querySelector(".pager"),
    draw: function (slice, v) {
      return '<table class="list regions">' + thead(REGION_HEAD, v.col, v.dir) + "<tbody>" +
        slice.map(function (i) { return regionRow(G[i]); }).join("") + "</tbody></table>";
    }});

  if (regions) regions.update(false);
  applyFilters();  // the browser may have kept the inputs' values (back/forward)
  if (performance.mark) performance.mark("index-rendered");
})();
"""
_SCRIPT = _SCRIPT.replace("__PAGE__", str(PAGE_SIZE))
