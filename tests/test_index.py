"""The batch's index page (kit.report.index) as text: escaping, the embedded data, the region table,
links, the first page of reports grouped by year, a batch without regions. The page in a browser, at
21,000 reports: test_index_browser.py."""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

import lxml.html
import pytest

from kit.report.index import PAGE_SIZE, index_html

FONT = 'font-family: "XXGK Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'


def report(agency: str, year: int, status: str = "done", errors: int = 0, **extra: Any) -> dict[str, Any]:
    key = f"{year}/{agency}"
    e: dict[str, Any] = {"key": key, "agency": agency, "agency_id": extra.pop("agency_id", "331111"), "year": year,
                         "status": status, "format": "gov2021", "findings": {}, "outputs": {}}
    if status == "done":
        e["findings"] = {"error": errors, "warning": 1, "info": 2}
        e["outputs"] = {"html": f"{key}/report.html", "pdf": f"{key}/report.pdf"}
    elif status == "failed":
        e["outputs"] = {"ipynb": f"{key}/report.ipynb", "error": f"{key}/report.error.txt"}
        e["error"] = "NotFound: 没有这个局"
    e.update(extra)
    return e


def region(name: str, year: int, present: int = 30, expected: int = 31, status: str = "done") -> dict[str, Any]:
    base = f"regions/{year}/{name}"
    return {"key": base, "region": name, "year": year, "status": status, "expected": expected, "present": present,
            "late": 2, "findings": {"error": 21, "warning": 8},
            "outputs": {"html": f"{base}/region.html", "pdf": f"{base}/region.pdf", "docx": f"{base}/通报.docx",
                        "xlsx": f"{base}/问题清单.xlsx"}}


def make_doc(reports: list[dict[str, Any]], regions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"generated_at": "2025-02-01T08:00:00+00:00", "kit_version": "0.1.0", "reports": reports}
    if regions is not None:
        doc["regions"] = regions
    return doc


AGENCIES = ["青禾县财政局", "青禾县自然资源局", "青禾县人民政府"]
REPORTS = [report(a, y, errors=i % 3) for y in (2022, 2024, 2023) for i, a in enumerate(AGENCIES)] + \
    [report("青禾县公安局", 2024, "failed"), report("青禾县教育局", 2023, "stopped")]
REGIONS = [region("青禾县", 2023, 29), region("青禾县", 2024), region("白石区", 2024, 12, 12, "failed")]


def embedded(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def tree(page: str) -> Any:
    return lxml.html.fromstring(page)


def cells(row: Any) -> list[str]:
    return [c.text_content() for c in row.xpath("./td")]


def test_every_text_is_escaped_and_no_name_closes_the_script():
    evil = report("<script>x</script>", 2024, errors=1, agency_id='"><img src=x onerror=alert(1)>',
                  format="<b>gov</b>")
    bad = report("青禾县<!--<script>局", 2024, "failed", error="Traceback <module> & </script><p>")
    page = index_html({**make_doc([evil, bad], [region("<i>县</i>", 2024)]), "state": "<u>now</u>"})
    assert "<script>x" not in page and "<img" not in page and "<b>gov" not in page and "<u>now" not in page
    assert "<i>县" not in page and "<!--" not in page and "<module>" not in page
    assert page.count("</script") == 2 and page.count("<script") == 2  # the data and the code, nothing else
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;u&gt;now&lt;/u&gt;" in page
    rows = {cells(r)[0]: cells(r) for r in tree(page).xpath('//div[@id="reports"]//tbody/tr')}
    assert rows['<script>x</script>"><img src=x onerror=alert(1)>'][2] == "<b>gov</b>"
    assert rows["青禾县<!--<script>局331111"][8] == "Traceback <module> & </script><p>"
    data = embedded(page)
    assert {e["agency"] for e in data["reports"]} == {"<script>x</script>", "青禾县<!--<script>局"}
    assert data["regions"][0]["region"] == "<i>县</i>"


def test_the_data_block_parses_back_to_the_entries():
    extra = dict(REPORTS[0], fingerprint="abc", parts={"notebook": "1"})  # what the manifest also keeps
    line = report("青禾县\u2028局\u2029", 2022)  # the separators JavaScript once refused in literals
    page = index_html(make_doc([extra, *REPORTS[1:], line], REGIONS))
    data = embedded(page)
    by_key = sorted(REPORTS[1:] + [REPORTS[0], line], key=lambda e: e["key"])
    assert sorted(data["reports"], key=lambda e: e["key"]) == by_key  # the batch's own fields are not embedded
    assert sorted(data["regions"], key=lambda r: r["key"]) == sorted(REGIONS, key=lambda r: r["key"])
    assert "青禾县财政局" in page.split('id="data">')[1]  # UTF-8, not \\u escapes: the font subset finds its glyphs
    # newest year first, then by name: the order the page shows without sorting
    assert [e["year"] for e in data["reports"]] == sorted((e["year"] for e in data["reports"]), reverse=True)


def test_the_region_table_comes_first_with_coverage_and_every_output():
    page = index_html(make_doc(REPORTS, REGIONS))
    doc = tree(page)
    assert page.index("地区汇总") < page.index("机关报告")
    heads = [th.text_content() for th in doc.xpath('//div[@id="regions"]//thead//th')]
    assert heads == ["地区", "年度", "状态", "覆盖", "逾期", "错误", "警告", "文件"]
    rows = doc.xpath('//div[@id="regions"]//tbody/tr')
    assert [cells(r)[:2] for r in rows] == [["白石区", "2024"], ["青禾县", "2024"], ["青禾县", "2023"]]
    assert cells(rows[1]) == ["青禾县", "2024", "已生成", "30/31 96.7%", "2", "21", "8", "HTML PDF DOCX XLSX"]
    assert cells(rows[2])[3] == "29/31 93.5%" and "short" in rows[2].xpath("./td")[3].get("class")
    assert cells(rows[0])[2:4] == ["失败", "12/12 100.0%"] and rows[0].get("class") == "failed"
    links = [(a.text_content(), unquote(a.get("href")), a.get("title")) for a in rows[1].xpath(".//a")]
    assert links == [("HTML", "regions/2024/青禾县/region.html", "region.html"),
                     ("PDF", "regions/2024/青禾县/region.pdf", "region.pdf"),
                     ("DOCX", "regions/2024/青禾县/通报.docx", "通报.docx"),
                     ("XLSX", "regions/2024/青禾县/问题清单.xlsx", "问题清单.xlsx")]


def test_coverage_never_rounds_up_to_complete_and_tolerates_gaps():
    rows = [region("甲县", 2024, 9999, 10000), dict(region("乙县", 2024), expected=0), {"key": "regions/2024/丙县",
            "region": "丙县", "year": 2024, "status": "done"}]
    page = index_html(make_doc(REPORTS, rows))
    got = {cells(r)[0]: cells(r) for r in tree(page).xpath('//div[@id="regions"]//tbody/tr')}
    assert got["甲县"][3] == "9999/10000 99.9%" and got["乙县"][3] == "30/0" and got["丙县"][3:] == ["—/—", "", "", "", ""]


def test_links_are_relative_and_encoded_and_never_absolute():
    odd = report("青禾县#1%局", 2024)
    absolute = report("青禾县外局", 2024, outputs={"html": "/home/someone/outputs/2024/青禾县外局/report.html",
                                                 "pdf": "C:\\outputs\\report.pdf", "ipynb": "javascript:alert(1)"})
    page = index_html(make_doc([*REPORTS, odd, absolute], REGIONS))
    hrefs = [a.get("href") for a in tree(page).xpath("//a[@href]")]
    assert hrefs and all(not h.startswith(("/", "\\")) and ":" not in h and "//" not in h for h in hrefs)
    assert "2024/%E9%9D%92%E7%A6%BE%E5%8E%BF%231%25%E5%B1%80/report.html" in hrefs  # '#' and '%' in a folder name
    assert not any("%E5%A4%96" in h for h in hrefs)  # 外: none of the absolute paths is a link…
    assert len(tree(page).xpath('//span[@class="nolink"]')) == 3  # …they read as struck-out labels
    assert 'href="2024/' in page and "<script>" in page  # as tests/test_batch.py reads the page


def test_first_page_groups_reports_by_year_newest_first():
    page = index_html(make_doc(REPORTS, REGIONS))
    doc = tree(page)
    assert [h.text_content() for h in doc.xpath('//div[@id="reports"]/h3')] == \
        ["2024 年度 4 份", "2023 年度 4 份", "2022 年度 3 份"]
    tables = doc.xpath('//div[@id="reports"]//table')
    assert [[cells(r)[1] for r in t.xpath("./tbody/tr")] for t in tables] == [["2024"] * 4, ["2023"] * 4, ["2022"] * 3]
    heads = [th.text_content() for th in tables[0].xpath(".//th")]
    assert heads == ["机关", "年度", "格式", "状态", "错误", "警告", "提示", "文件", "失败原因"]
    rows = {cells(r)[0]: (r, cells(r)) for r in tables[0].xpath("./tbody/tr")}
    failed, text = rows["青禾县公安局331111"]
    assert failed.get("class") == "failed" and text[3] == "失败" and text[7] == "IPYNB 错误信息"
    assert text[4:7] == ["", "", ""] and text[8] == "NotFound: 没有这个局"
    assert rows["青禾县财政局331111"][1][3:8] == ["已生成", "0", "1", "2", "HTML PDF"]
    assert tree(page).xpath('//tr[@class="stopped"]/td[4]')[0].text_content() == "已中止"
    # the filters: years newest first with their counts, statuses as the page names them
    assert [o.text_content() for o in doc.xpath('//select[@id="year"]/option')] == \
        ["全部年度", "2024 年（4）", "2023 年（4）", "2022 年（3）"]
    assert [o.get("value") for o in doc.xpath('//select[@id="status"]/option')] == ["", "done", "failed", "stopped"]
    assert doc.xpath('//input[@id="q"][@type="search"]') and doc.xpath('//input[@id="errors"][@type="checkbox"]')
    assert FONT in page


def test_only_a_page_of_rows_is_rendered_and_the_rest_is_data():
    many = [report(f"青禾县第{i:04d}局", 2018 + i % 7, agency_id=f"{330000 + i}") for i in range(PAGE_SIZE * 3)]
    page = index_html(make_doc(many))
    doc = tree(page)
    assert len(doc.xpath('//div[@id="reports"]//tbody/tr')) == PAGE_SIZE
    years = [cells(r)[1] for r in doc.xpath('//div[@id="reports"]//tbody/tr')]
    assert years == sorted(years, reverse=True) and years[0] == "2024"
    assert [h.text_content() for h in doc.xpath('//div[@id="reports"]/h3')] == \
        ["2024 年度 42 份", "2023 年度 43 份", "2022 年度 43 份"]  # the year's whole count, not the page's
    assert len(embedded(page)["reports"]) == PAGE_SIZE * 3
    assert "第 1 / 3 页" in page and "共 300 份报告，显示第 1–100 份" in page
    noscript = doc.xpath("//noscript")[0].text_content()
    assert noscript.endswith("共 300 份报告（已生成 300 份）；下面列出最新的 100 份报告，其余报告在输出文件夹中按“年度/机关”存放。")


@pytest.mark.parametrize("regions", [None, []])
def test_without_regions_there_is_no_region_table(regions):
    page = index_html(make_doc(REPORTS, regions))
    doc = tree(page)
    for script in doc.xpath("//script"):
        script.drop_tree()
    assert "地区" not in doc.text_content() and not doc.xpath('//*[@id="regions" or @id="region-section"]')
    assert embedded(page)["regions"] == []
    assert len(tree(page).xpath("//a[@href]")) == sum(len(e["outputs"]) for e in REPORTS)
    assert "共 11 份报告（已生成 9 份、失败 1 份、已中止 1 份）；下面列出全部报告。" in page


def test_an_empty_batch_says_so():
    page = index_html(make_doc([]))
    assert "共 0 份报告，0 份失败" in page and "没有符合条件的报告" in page and embedded(page) == \
        {"reports": [], "regions": []}


def test_the_embedded_font_sees_every_character_shown():
    """kit.report.fonts subsets the font to the document's text with tags (and so attributes) removed: the
    search box's placeholder must be text somewhere too, and the names must be UTF-8 in the data."""
    import html

    page = index_html(make_doc([*REPORTS, report("青禾县鑫龘局", 2024)], REGIONS))
    text = html.unescape(re.sub(r"<[^>]+>|data:[^\"')]*", "", page))
    placeholder = tree(page).xpath('//input[@id="q"]')[0].get("placeholder")
    assert placeholder and set(placeholder) <= set(text)
    assert {"鑫", "龘", "续", "页"} <= set(text)  # a name only in the data; the script's own words
