"""The publication date (kit.readers.dates): taken where the source states it, never invented.

The corpus table below was made by reading the top and the end of every file (and, for the PDFs,
their text and document information through pdfplumber).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_dir
from kit.demo import make_report, numbers
from kit.demo.forms import html_page, text as demo_text, write_docx
from kit.readers import read_file
from kit.readers.dates import date_lines, parse_stamp, pdf_dates, published
from kit.readers.text import read_text

# file -> (date, source), as each file states it
CORPUS_DATES: dict[str, tuple[str | None, str]] = {
    # "。 平潭综合实验区财政金融局 2020年1月2日" ends the one-line body (the page header says 2020-01-06 20:04)
    "fujian-pingtan_caizhengjinrongju_2019.txt": ("2020-01-02", "落款"),
    # "…财政全融局 2022年1月13日" (the agency's own typo in the signature; header 2022-01-13 08:38)
    "fujian-pingtan_caizhengjinrongju_2021.txt": ("2022-01-13", "落款"),
    # "。 平潭综合实验区财政全融局2023年1月4日" (header 2023-01-05 10:14)
    "fujian-pingtan_caizhengjinrongju_2022.txt": ("2023-01-04", "落款"),
    # "。 平潭综合实验区公安局2022年1月7日" (header 2022-01-14 17:29)
    "fujian-pingtan_gonganju_2021.txt": ("2022-01-07", "落款"),
    # no signature: the scraper's header "发布时间: 2023-01-09 19:52"
    "fujian-pingtan_gonganju_2022.txt": ("2023-01-09", "网页元数据"),
    "fujian-pingtan_guanweihui_2019.txt": ("2020-01-20", "网页元数据"),
    "fujian-pingtan_guanweihui_2020.txt": ("2021-03-05", "网页元数据"),
    "fujian-pingtan_guanweihui_2021.txt": ("2022-02-08", "网页元数据"),
    "fujian-pingtan_guanweihui_2022.txt": ("2023-02-20", "网页元数据"),
    # the saved page: <meta name="PubDate" content="2025-03-10 15:35"/>, no signature
    "fujian-pingtan_guanweihui_2024.html": ("2025-03-10", "网页元数据"),
    "fujian-pingtan_guanweihui_2024.txt": ("2025-03-10", "网页元数据"),
    "fujian-pingtan_guanweihui_2025.txt": ("2026-03-10", "网页元数据"),
    "fujian-pingtan_guanweihuibangongshi_2020.txt": ("2021-01-29", "网页元数据"),
    "fujian-pingtan_guanweihuibangongshi_2023.txt": ("2024-01-31", "网页元数据"),
    # no date in the text (only the statistical period); CreationDate D:20240226144123+06'41'
    "jiangsu-huaian_hongzequ_2023.pdf": ("2024-02-26", "PDF元数据"),
    # no date in the text; CreationDate D:20250225100250+08'00'
    "jiangsu-huaian_shizhengfu_2024.pdf": ("2025-02-25", "PDF元数据"),
    # pages 4-5 of a PDF as text: no title, no date
    "jiangsu-huaian_shizhengfu_2024_sec3excerpt.txt": (None, ""),
    # "(2026年1月23日)" under the title and "沐阳县人民政府\n2026年1月23日" at the end
    "jiangsu-suqian_shuyangxian_2025.txt": ("2026-01-23", "落款"),
    # a "发布日期：2020-01-31" line under the title of the page fragment
    "shanghai_shizhengfubangongting_2019.html": ("2020-01-31", "网页元数据"),
    # the report's markdown: no date anywhere (only the statistical period)
    "shanghai_shizhengfubangongting_2025.md": (None, ""),
}


def _corpus_names() -> list[str]:
    if not CORPUS.is_dir():
        return sorted(CORPUS_DATES)
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".txt", ".md", ".html", ".pdf"))


@pytest.mark.corpus
def test_every_corpus_file_has_a_recorded_date():
    assert _corpus_names() == sorted(CORPUS_DATES)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_DATES))
def test_corpus_file_gets_the_date_it_states(name):
    report = read_file(corpus_dir() / name)
    assert (report.published, report.published_from) == CORPUS_DATES[name]
    assert report.to_dict()["published"] == CORPUS_DATES[name][0]


@pytest.mark.corpus
def test_a_page_without_a_report_still_states_its_date():
    # the body is the title only (read_file refuses it: no tables); its header states the date
    text = (corpus_dir() / "odd" / "fujian-pingtan_gonganju_2020_EMPTYBODY.txt").read_text(encoding="utf-8")
    assert published(text, 2020) == ("2021-01-28", "网页元数据")


# -- tiny texts ----------------------------------------------------------------------------------
TITLE = "测试县财政局2024年政府信息公开工作年度报告"
BODY = (f"{TITLE}\n本报告所列数据统计期限为2024年1月1日至2024年12月31日。\n一、总体情况\n"
        "2024年3月15日，我局召开政务公开工作会议。\n六、其他需要报告的事项\n本机关未收取信息处理费。\n")


def signed(date_line: str, agency: str = "测试县财政局") -> str:
    return BODY + f"{agency}\n{date_line}\n"


@pytest.mark.parametrize("line, iso", [
    ("2025年1月26日", "2025-01-26"),
    ("2025 年 1 月 26 日", "2025-01-26"),
    ("2025年01月06日", "2025-01-06"),
    ("二〇二五年一月二十六日", "2025-01-26"),
    ("二〇二五年一月十日", "2025-01-10"),
    ("二○二四年十二月三十一日", "2024-12-31"),
    ("二零二五年元月八日", "2025-01-08"),
    ("２０２５年１月２６日", "2025-01-26"),
    ("**2025年1月26日**", "2025-01-26"),
])
def test_the_signature_date_line(line, iso):
    assert published(signed(line), 2024) == (iso, "落款")


def test_the_statistical_period_and_event_dates_are_never_taken():
    assert published(BODY, 2024) == (None, "")
    # the period alone on the last line, and a sentence with a date at the end
    assert published(BODY + "2024年1月1日至2024年12月31日\n", 2024) == (None, "")
    assert published(BODY + "本报告于2025年1月20日在县政府网站发布。\n", 2024) == (None, "")
    assert published(BODY + "截至2025年1月20日\n", 2024) == (None, "")
    # a date line in the middle of the report, with the report going on after it
    middle = BODY.replace("六、其他", "2024年12月20日\n六、其他")
    assert published(middle, 2024) == (None, "")
    # a line broken inside a sentence: the date is followed by the rest of the sentence
    assert published(BODY + "本机关于\n2025年1月5日\n召开年报编制会议，审定本报告。\n", 2024) == (None, "")


def test_a_date_outside_the_plausible_range_is_ignored():
    assert published(signed("2023年11月30日"), 2024) == (None, "")
    assert published(signed("2024年12月1日"), 2024) == ("2024-12-01", "落款")
    assert published(signed("2026年12月31日"), 2024) == ("2026-12-31", "落款")
    assert published(signed("2027年1月1日"), 2024) == (None, "")
    assert published(signed("2014年1月26日"), 2024) == (None, "")  # a typo for 2025? never guessed
    assert published(signed("2025年2月30日"), 2024) == (None, "")  # no such day
    assert published(signed("2025年1月26日"), None) == (None, "")  # no year: nothing to check it against


def test_a_date_in_brackets_under_the_title():
    text = f"# {TITLE}\n\n测试县财政局\n(2025年1月23日)\n\n一、总体情况\n……\n六、其他需要报告的事项\n无。\n"
    assert published(text, 2024) == ("2025-01-23", "落款")
    assert published(text.replace("(2025年1月23日)", "（２０２５年１月２３日）"), 2024) == ("2025-01-23", "落款")
    assert published(f"{TITLE}（2025年1月23日）\n一、总体情况\n", 2024) == ("2025-01-23", "落款")
    # the same date under the title and at the end: one date
    assert published(text + "测试县财政局\n2025年1月23日\n", 2024) == ("2025-01-23", "落款")


def test_two_different_dates_in_the_text_give_none_from_the_text():
    text = f"{TITLE}\n(2025年1月23日)\n一、总体情况\n……\n六、其他需要报告的事项\n无。\n测试县财政局\n2025年1月24日\n"
    assert date_lines(text) == [parse_stamp("2025-01-24"), parse_stamp("2025-01-23")]
    assert published(text, 2024) == (None, "")
    assert published(text, 2024, html_meta={"PubDate": "2025-01-27 10:00"}) == ("2025-01-27", "网页元数据")
    # PDF metadata only when the text has no date line
    assert published(text, 2024, pdf_meta={"CreationDate": "D:20250127100000+08'00'"}) == (None, "")


def test_a_one_line_dump_ends_with_the_signature():
    # scraper dumps run the whole body into one line
    line = BODY.replace("\n", " ") + " 平潭综合实验区财政全融局2025年1月4日"
    assert published(line, 2024) == ("2025-01-04", "落款")
    line = BODY.replace("\n", " ") + " 测试县财政局 2025年1月13日 附件下载"
    assert published(line, 2024) == ("2025-01-13", "落款")
    # a fragment that is no agency's name
    assert published(BODY.replace("\n", " ") + " 全区2025年1月4日", 2024) == (None, "")


def test_page_chrome_after_the_signature():
    text = signed("2025年1月26日") + "附件下载\n扫一扫在手机上查看当前页面\n使用帮助\n|\n联系我们\n网站标识码：0000000000\n- 6 -\n"
    assert published(text, 2024) == ("2025-01-26", "落款")


def test_html_metadata():
    for meta, iso in [({"PubDate": "2025-01-20 15:07"}, "2025-01-20"),
                      ({"publishdate": "2025/1/20"}, "2025-01-20"),
                      ({"article:published_time": "2025-01-20T09:00:00+08:00"}, "2025-01-20"),
                      # read in China Standard Time: 20:00 UTC on the 31st is 1 February in Beijing
                      ({"article:published_time": "2025-01-31T20:00:00Z"}, "2025-02-01"),
                      ({"dc.date": "2025-01-20"}, "2025-01-20"),
                      ({"firstpublishedtime": "2025-01-20-15:07:00"}, "2025-01-20")]:
        assert published(BODY, 2024, html_meta=meta) == (iso, "网页元数据"), meta
    # a modification time is no publication date; an implausible one is ignored
    assert published(BODY, 2024, html_meta={"lastmodifiedtime": "2025-01-20"}) == (None, "")
    assert published(BODY, 2024, html_meta={"PubDate": "2019-01-20"}) == (None, "")
    # the text's date line is trusted first
    assert published(signed("2025年1月18日"), 2024, html_meta={"PubDate": "2025-01-20"}) == ("2025-01-18", "落款")


def test_a_pages_published_line_at_the_top():
    header = "标题: " + TITLE + "\n发布时间: 2025-01-20 15:07\n文号: \n==================== 正文 ====================\n"
    assert published(header + BODY, 2024) == ("2025-01-20", "网页元数据")
    assert published(TITLE + "\n发布日期：2025-01-31\n" + BODY[len(TITLE) + 1:], 2024) == ("2025-01-31", "网页元数据")
    # only at the top: a 发布时间 line further down (a list of other pages) is not the report's
    assert published(BODY + "相关文章 发布时间：2025-01-20\n", 2024) == (None, "")


def test_pdf_metadata_is_the_fallback_only():
    meta = {"CreationDate": "D:20250126093000+08'00'", "ModDate": "D:20250301093000+08'00'"}
    assert published(BODY, 2024, pdf_meta=meta) == ("2025-01-26", "PDF元数据")
    assert published(signed("2025年1月20日"), 2024, pdf_meta=meta) == ("2025-01-20", "落款")
    # a date line that is implausible still means the text states a date: no PDF date instead
    assert published(signed("2014年1月20日"), 2024, pdf_meta=meta) == (None, "")
    # web metadata before PDF metadata
    assert published(BODY, 2024, html_meta={"PubDate": "2025-01-22"}, pdf_meta=meta) == ("2025-01-22", "网页元数据")
    # CreationDate implausible (a reused template): ModDate; both implausible: none
    assert published(BODY, 2024, pdf_meta={"CreationDate": "D:20190101", "ModDate": "D:20250120"}) == \
        ("2025-01-20", "PDF元数据")
    assert published(BODY, 2024, pdf_meta={"CreationDate": "D:20190101", "ModDate": "D:20200101"}) == (None, "")
    assert published(BODY, 2024, pdf_meta={"CreationDate": b"D:20250126", "Title": "x"}) == ("2025-01-26", "PDF元数据")
    assert published(BODY, 2024, pdf_meta={"CreationDate": "junk"}) == (None, "")


def test_pdf_time_stamps():
    assert pdf_dates({"CreationDate": "D:20250131200000Z"}) == [parse_stamp("2025-02-01")]  # Beijing time
    assert pdf_dates({"CreationDate": "D:20250131200000+08'00'"}) == [parse_stamp("2025-01-31")]
    # an offset that is no time zone (WPS writes +06'41'): the date as printed
    assert pdf_dates({"CreationDate": "D:20240226234123+06'41'"}) == [parse_stamp("2024-02-26")]
    assert pdf_dates({"ModDate": "D:20240226145645"}) == [parse_stamp("2024-02-26")]


# -- through the readers: the demo's forms with a date line at the end -----------------------------
def _demo_report():
    return make_report("测试县财政局", 2024, numbers(random.Random(3), 40, {"natural": 2, "commercial": 1}))


@pytest.mark.parametrize("form", ["pipe", "glued"])
def test_demo_text_with_a_date_line(form):
    report = _demo_report()
    text = demo_text(report, form) + "测试县财政局\n2025年1月26日\n"
    got = read_text(text, "demo.txt")
    assert (got.published, got.published_from) == ("2025-01-26", "落款")
    assert got.cells == report.cells
    assert read_text(demo_text(report, form), "demo.txt").published is None


def test_demo_html_with_a_date_line_and_metadata(tmp_path: Path):
    page = html_page(_demo_report())
    signed_page = page.replace('<div class="footer">', "<p>测试县财政局</p><p>2025年1月26日</p><div class=\"footer\">")
    p = tmp_path / "signed.html"
    p.write_text(signed_page, encoding="utf-8")
    got = read_file(p)
    assert (got.published, got.published_from) == ("2025-01-26", "落款")
    p = tmp_path / "meta.html"
    p.write_text(page.replace('<meta charset="utf-8">', '<meta charset="utf-8"><meta name="PubDate" '
                              'content="2025-01-28 09:30">'), encoding="utf-8")
    got = read_file(p)
    assert (got.published, got.published_from) == ("2025-01-28", "网页元数据")
    p = tmp_path / "plain.html"
    p.write_text(page, encoding="utf-8")
    assert (read_file(p).published, read_file(p).published_from) == (None, "")


def test_demo_docx_with_a_date_line(tmp_path: Path):
    import docx

    path = write_docx(_demo_report(), tmp_path / "r.docx")
    d = docx.Document(str(path))
    d.add_paragraph("测试县财政局")
    d.add_paragraph("二〇二五年一月二十六日")
    d.save(str(path))
    got = read_file(path)
    assert (got.published, got.published_from) == ("2025-01-26", "落款")
