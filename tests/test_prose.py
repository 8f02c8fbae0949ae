"""Issue 19: the narrative as the agency wrote it, from layout lines (kit.readers.prose)."""
from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from conftest import corpus_files
from kit.checks import Context, run_checks
from kit.demo import numbers, report_text
from kit.readers import read_file
from kit.readers.prose import clean, repeated_lines
from kit.readers.text import TextDoc, read_text


def _chars(text: str) -> str:
    return re.sub(r"\s", "", text)


def _only_layout_removed(raw: str, cleaned: str, removed: list[str]) -> None:
    """Every character of ``raw`` is in ``cleaned``, in order, or in a removed piece."""
    assert Counter(_chars(raw)) == Counter(_chars(cleaned)) + Counter(_chars("".join(removed)))
    it = iter(_chars(raw))
    assert all(ch in it for ch in _chars(cleaned))  # a subsequence: nothing reordered


def test_pdf_lines_become_paragraphs_and_the_page_layout_goes():
    raw = ("2023 年，本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》相关规范\n"
           "要求，推进政府信息公开工作规范、有序健康发展 。\n"
           "（一）主动公开情况。主要通过政府门户网站主动公开政府\n"
           "- 1 -\n"
           "| 文件、项目审批等各类政府信息。 |\n"
           "| 1.加强审核。严格执行 “分级审核” 程序。 |\n"
           "第 2 页 / 共 10 页\n"
           "|---|---|\n"
           "| 21 | 0 | 0 |\n"
           "二是完善机制。")
    out = clean(raw)
    assert out.text.split("\n") == [
        "2023年，本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》相关规范要求，推进政府信息公开工作规范、有序健康发展。",
        "（一）主动公开情况。主要通过政府门户网站主动公开政府文件、项目审批等各类政府信息。",
        "1.加强审核。严格执行“分级审核”程序。",
        "二是完善机制。",
    ]
    assert out.removed == ["- 1 -", "|", "|", "|", "|", "第 2 页 / 共 10 页", "|---|---|", "| 21 | 0 | 0 |"]
    _only_layout_removed(raw, out.text, out.removed)


def test_a_running_header_is_removed_where_it_recurs():
    title = "某某局2023年政府信息公开工作年度报告"
    raw = f"{title}\n第一段文字在这一页结\n{title}\n束。第二句。\n{title}\n"
    out = clean(raw, repeated_lines(raw))
    assert out.text == "第一段文字在这一页结束。第二句。"


@pytest.mark.parametrize("path", corpus_files(".txt", ".md", ".html", ".pdf"), ids=lambda p: p.name)
def test_on_every_corpus_file_only_layout_is_removed(path):
    report = read_file(path)
    raw = TextDoc(_source_text(path), str(path)).orig
    out = clean(raw, repeated_lines(raw))
    _only_layout_removed(raw, out.text, out.removed)
    for key, text in report.sections.items():  # what the store keeps: no frame, no page number
        for line in text.split("\n"):
            assert not line.startswith("|") and not line.endswith("|"), (key, line)
            assert not re.fullmatch(r"[-—–]\s*\d+\s*[-—–]", line.strip()), (key, line)


def _source_text(path) -> str:
    from kit.readers.html import decode_html, html_to_text
    from kit.readers.pdf import pdf_to_text

    data = path.read_bytes()
    if path.suffix == ".pdf":
        return pdf_to_text(data, str(path), {})[0]
    if path.suffix == ".html":
        return html_to_text(decode_html(data, str(path)), str(path))
    from kit.readers import decode

    return decode(data, str(path))


def test_numbers_of_table_remnants_in_the_text_are_not_read_as_prose():
    # a converter left a table's column in the text (as the corpus's Shanghai 2025 markdown does):
    # "答复" over "9 件", "0 件", "2 件" once read as three statements "答复 9 件", "答复 0 件", "答复 2 件"
    cells = numbers(random.Random(3), 40, {"natural": 2, "commercial": 1})
    text = report_text("测试县某局", 2024, cells, "pipe")
    debris = ("依申请公开答复情况如下。\n| 办理结果 | 答复 9 件 |\n| 办理结果 | 答复 0 件 |\n| 办理结果 | 答复 2 件 |\n"
              "答复\n9 件\n0 件\n2 件\n")
    text = text.replace("\n四、政府信息公开行政复议", "\n" + debris + "\n四、政府信息公开行政复议", 1)
    r = read_text(text, "broken.md")
    assert r.sections["三"] == "依申请公开答复情况如下。"
    assert not [f for f in run_checks(Context(r)) if f.rule == "text_table"]


def test_a_web_pages_closing_links_are_not_part_six():
    raw = "2024年，无收取信息处理费情况。\n附件下载\n扫一扫在手机上查看当前页面\n省市政府网站\n福建省人民政府\n友情链接\n人民网\n" \
          "网站标识码：3590000001公安备案号：35012899001\n为确保最佳浏览效果，建议您使用以下浏览器版本：IE浏览器9.0版本及以上。"
    out = clean(raw)
    assert out.text == "2024年，无收取信息处理费情况。"
    _only_layout_removed(raw, out.text, out.removed)
    assert len(out.removed) == 8


def test_numbered_points_run_into_one_line_become_paragraphs():
    out = clean("总体情况如下。（一）主动公开方面，公开信息100条。（二）依申请公开方面，收到申请3件。")
    assert out.text.split("\n") == ["总体情况如下。", "（一）主动公开方面，公开信息100条。", "（二）依申请公开方面，收到申请3件。"]


def test_a_numbered_subheading_alone_on_its_line_stays_a_paragraph():
    out = clean("（一）主动公开方面\n全年主动公开市政府规章22件、\n行政规范性文件34件。")
    assert out.text.split("\n") == ["（一）主动公开方面", "全年主动公开市政府规章22件、行政规范性文件34件。"]
