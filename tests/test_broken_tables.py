"""Issue 17: tables as PDF-to-text converters leave them, rebuilt from the official row order and the
identities, or flagged; never a guess. Variants of a report of our own (the demo's text form)."""
from __future__ import annotations

import random

import pytest

from kit.demo import numbers, report_text
from kit.readers.text import read_text

AGENCY = "测试县某局"


def _cells(seed: int) -> dict:
    return numbers(random.Random(seed), 40, {"natural": 2, "commercial": 1})


def _t3_rows(lines: list[str]) -> range:
    first = next(i for i, x in enumerate(lines) if x.startswith("| 一、本年新收"))
    last = next(i for i, x in enumerate(lines) if x.startswith("| 四、结转下年度"))
    return range(first, last + 1)


def _rebuild(seed: int, layout) -> tuple[dict, object]:
    """The report's 表三 rows rewritten by ``layout(label, values) -> text``, then read."""
    cells = _cells(seed)
    lines = report_text(AGENCY, 2024, cells, "pipe").split("\n")
    for i in _t3_rows(lines):
        parts = [p.strip() for p in lines[i].strip("|").split("|")]
        lines[i] = layout(parts[0], parts[1:])
    return cells, read_text("\n".join(lines), "broken.txt")


def _t3(cells: dict) -> dict:
    return {k: v for k, v in cells.items() if k.startswith("t3.")}


@pytest.mark.parametrize("seed", range(4))
def test_labels_printed_after_their_numbers(seed):
    cells, r = _rebuild(seed, lambda label, values: " ".join(values) + "\n" + label)
    assert _t3(r.cells) == _t3(cells)
    assert [f.rule for f in r.findings] == ["format.labels_after_numbers"]


@pytest.mark.parametrize("seed", range(4))
def test_labels_split_over_lines_before_their_numbers(seed):
    def split(label: str, values: list[str]) -> str:
        h = len(label) // 2
        return f"{label[:h]}\n{label[h:]} " + " ".join(values)

    cells, r = _rebuild(seed, split)
    assert _t3(r.cells) == _t3(cells) and not r.findings


def test_a_stray_number_before_a_table_read_the_usual_way_changes_nothing():
    # the other reading is tried only when numbers stand before the first label and none after the last
    cells = _cells(5)
    lines = report_text(AGENCY, 2024, cells, "pipe").split("\n")
    first = _t3_rows(lines)[0]
    lines.insert(first, "7")
    r = read_text("\n".join(lines), "x.txt")
    assert _t3(r.cells) == _t3(cells)
    assert not [f for f in r.findings if f.rule == "format.labels_after_numbers"]


# Two assignments that both fit stay flagged: tests/test_false_alarms.py, rows whose labels fell out
# (numbers for two lost rows where three are lost).


def _t2_loose(notes: tuple[str, str]) -> tuple[dict, object]:
    cells = _cells(2)
    cells.update({"t2.rules.issued": 22, "t2.rules.repealed": 22, "t2.rules.in_force": 235,
                  "t2.normative.issued": 34, "t2.normative.repealed": 55, "t2.normative.in_force": 189})
    text = report_text(AGENCY, 2024, cells, "pipe")
    text = text.replace("| 规章 | 22 | 22 | 235 |", "| 规章 | 22 | 235 |")
    text = text.replace("| 行政规范性文件 | 34 | 55 | 189 |", "| 行政规范性文件 | 34 | 189 |")
    text = text.replace("第二十条第（一）项", f"第二十条第（一）项\n22\n{notes[0]}\n55\n{notes[1]}\n", 1)
    return cells, read_text(text, "x.txt")


def test_cells_a_converter_printed_above_the_table_go_back_by_row_order_and_their_notes():
    cells, r = _t2_loose(("（其中修订 16 件）", "（含自然失效 29 件）"))
    assert {k: r.cells[k] for k in cells if k.startswith("t2.")} == {k: v for k, v in cells.items() if k.startswith("t2.")}
    assert r.raw["t2.rules.issued"] == "22（其中修订16件）"
    assert [f.cells for f in r.findings if f.rule == "format.loose_cell"] == [["t2.rules.issued"],
                                                                             ["t2.normative.repealed"]]


def test_a_loose_cell_whose_note_names_no_single_column_stays_flagged():
    _, r = _t2_loose(("（其中修订 16 件）", "（含说明 29 件）"))
    assert r.cells["t2.normative.repealed"] is None and r.cells["t2.rules.issued"] is None
    assert [f for f in r.findings if f.rule == "extract.unreadable"]
