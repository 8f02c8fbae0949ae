"""Every real report of the shared corpus, in every form, against its expected cells.

Contract: every cell is read exactly or named in an ``extract.*`` finding (never silently wrong), and
no file reads fewer cells exactly than it does today: a reader that flagged everything would break
the floors below. The totals are computed by a test of their own and printed in the test summary.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import corpus_files, expected, tally
from kit.model import Report
from kit.readers import read_file

pytestmark = pytest.mark.corpus
FILES = corpus_files(".txt", ".md", ".html", ".pdf")
# Cells read exactly per file (of 200, or 198 for a gov2019 file): raise a floor when a reader gets better.
FLOORS = {
    "fujian-pingtan_caizhengjinrongju_2019.txt": 194, "fujian-pingtan_caizhengjinrongju_2021.txt": 200,
    "fujian-pingtan_caizhengjinrongju_2022.txt": 200, "fujian-pingtan_gonganju_2021.txt": 200,
    "fujian-pingtan_gonganju_2022.txt": 200, "fujian-pingtan_guanweihui_2019.txt": 179,
    "fujian-pingtan_guanweihui_2020.txt": 182, "fujian-pingtan_guanweihui_2021.txt": 197,
    "fujian-pingtan_guanweihui_2022.txt": 200, "fujian-pingtan_guanweihui_2024.html": 200,
    "fujian-pingtan_guanweihui_2024.txt": 198, "fujian-pingtan_guanweihui_2025.txt": 197,
    "fujian-pingtan_guanweihuibangongshi_2020.txt": 196, "fujian-pingtan_guanweihuibangongshi_2023.txt": 197,
    "jiangsu-huaian_hongzequ_2023.pdf": 200, "jiangsu-huaian_shizhengfu_2024.pdf": 200,
    "jiangsu-huaian_shizhengfu_2024_sec3excerpt.txt": 200, "jiangsu-suqian_shuyangxian_2025.txt": 200,
    "shanghai_shizhengfubangongting_2019.html": 198, "shanghai_shizhengfubangongting_2025.md": 173,
}
TOTALS: dict[str, int] = {}  # set by the summary test, printed by conftest


@lru_cache(maxsize=None)
def read(path: Path) -> Report:
    return read_file(path)


def test_corpus_is_there():
    assert len(FILES) == 20 and {p.name for p in FILES} == set(FLOORS), [p.name for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_cell_exact_or_flagged(path):
    exp = expected(path)
    r = read(path)
    assert r.format == exp["format"]
    assert r.year in (exp["year"], None)
    exact, _, silent = tally(r, exp)
    assert silent == {}, f"silent mismatches in {path.name}"
    assert exact >= FLOORS[path.name], f"{path.name}: {exact} cells exact, fewer than the {FLOORS[path.name]} of today"
    for table in exp.get("missing_tables", []):
        assert any(f.rule == "extract.table_missing" and f.cells[0].startswith(table) for f in r.findings)


def _identities(report: Report, cells: dict) -> dict[str, bool | None]:
    """Every identity of the report's format over the given cells (None where a cell has no number)."""
    from kit.schema import get_format

    return {f"{i.rule} {i.key}": i.holds(cells.get) for i in get_format(report.format).identities()}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_identities_hold_wherever_the_printed_report_keeps_them(path):
    exp = expected(path)
    r = read(path)
    theirs = {k for k, v in _identities(r, exp["cells"]).items() if v}
    ours = {k for k, v in _identities(r, r.cells).items() if v}
    if path.suffix == ".md":  # the markdown dump loses rows; what is read must not break them
        theirs &= {k for k, v in _identities(r, r.cells).items() if v is not None}
    assert theirs <= ours


def test_summary_counts():
    # counted here over every file, whatever else ran: alone or with -k this still checks all 20
    exact = flagged = silent = cells = 0
    for path in FILES:
        exp = expected(path)
        e, f, s = tally(read(path), exp)
        exact, flagged, silent, cells = exact + e, flagged + f, silent + len(s), cells + len(exp["cells"])
    TOTALS.update(files=len(FILES), cells=cells, exact=exact, flagged=flagged, silent=silent)
    assert (len(FILES), cells, silent) == (20, 3990, 0)
    assert exact >= sum(FLOORS.values()) == 3911 and exact + flagged == cells
