"""Issue 19: every complete corpus report rendered to HTML and PDF, and the PDF's layout checked.

Invariants on the PDF text and pages: no line that starts or ends with ``|`` (a frame kept from the
source), no page-number line of the original inside a section, the findings section within one page
per 15 findings, and no table that leaves a lone row on a page.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from conftest import CORPUS

pytestmark = pytest.mark.slow

KIT_HEADINGS = ("当年与上年对比", "数据解读", "核查发现", "历年比较", "同级比较", "数据来源")
PAGE_NUMBER = re.compile(r"[-—–]\s*\d{1,4}\s*[-—–]")
PAGE_FOOTER = re.compile(r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")


def complete_reports() -> list[Path]:
    """The corpus's complete reports: the section excerpt and odd/ aside; of one report printed in two
    forms, both (each is rendered from its own store)."""
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".txt", ".md", ".html", ".pdf")
                  and "excerpt" not in p.name)


def layout_problems(pdf_path: Path, findings: int) -> list[str]:
    """What breaks the invariants in one rendered PDF (empty: none)."""
    import pdfplumber

    problems: list[str] = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        pages = [(p, (p.extract_text() or "").split("\n")) for p in pdf.pages]
        starts: dict[str, int] = {}
        for n, (page, lines) in enumerate(pages):
            for line in lines:
                s = line.strip()
                if s.startswith("|") or s.endswith("|"):
                    problems.append(f"page {n + 1}: a line framed in '|': {s[:40]}")
                if PAGE_NUMBER.fullmatch(s):
                    problems.append(f"page {n + 1}: the original's page number {s!r} inside the text")
                if s in KIT_HEADINGS:
                    starts.setdefault(s, n)
        if "核查发现" in starts:
            after = [v for k, v in starts.items() if KIT_HEADINGS.index(k) > KIT_HEADINGS.index("核查发现")]
            end = min(after) if after else len(pages) - 1
            spanned = end - starts["核查发现"]
            if spanned > max(1, math.ceil(findings / 15)):
                problems.append(f"the findings section runs over {spanned + 1} pages for {findings} findings")
        problems += _lone_rows(pages)
    return problems


def _lone_rows(pages: list) -> list[str]:
    """A table split over a page break with one row alone on either side (its repeated header aside)."""
    out: list[str] = []
    for n in range(len(pages) - 1):
        page, nxt = pages[n][0], pages[n + 1][0]
        here, there = page.find_tables(), nxt.find_tables()
        if not here or not there:
            continue
        last, first = max(here, key=lambda t: t.bbox[3]), min(there, key=lambda t: t.bbox[1])
        # the table runs to the bottom of this page's text and the next page opens with a table
        below = [w for w in page.extract_words() if w["top"] > last.bbox[3] and not PAGE_FOOTER.search(w["text"])]
        above = [w for w in nxt.extract_words() if w["bottom"] < first.bbox[1]]
        if below or above:
            continue
        a, b = last.extract(), first.extract()
        header = 0
        while header < min(len(a), len(b)) and a[header] == b[header]:
            header += 1  # the header rows the next page repeats
        if len(a) - header < 2 or len(b) - header < 2:
            out.append(f"pages {n + 1}–{n + 2}: a table leaves {min(len(a), len(b)) - header} row alone on a page")
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    from kit.batch import plan, run
    from kit.ingest import ingest
    from kit.store import Store

    root = tmp_path_factory.mktemp("corpus-render")
    outputs = root / "out"
    for i, path in enumerate(complete_reports()):
        store = root / f"s{i}.sqlite"
        with Store(store) as s:
            assert all(r.error is None for r in ingest([path], s))
        run(plan(store, outputs / path.name), outputs / path.name, to=("html", "pdf"), progress=False, workers=2,
            root=root)
    return outputs


def test_every_corpus_report_renders_within_the_layout_invariants(rendered):
    problems: dict[str, list[str]] = {}
    checked = 0
    for path in complete_reports():
        manifest = json.loads((rendered / path.name / "manifest.json").read_text("utf-8"))
        [entry] = manifest["reports"]
        assert entry["status"] == "done", (path.name, entry.get("error"))
        found = sum(entry["findings"].values())
        pdf = rendered / path.name / entry["outputs"]["pdf"]
        bad = layout_problems(pdf, found)
        checked += 1
        if bad:
            problems[path.name] = bad
    assert checked >= 19
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
