"""Issue 21: the checker's findings on every corpus report against what a careful reviewer raises.

``tests/corpus_review/<file>.json`` holds, for each corpus report, the findings a reviewer would
raise (``expected``), those a naive checker might raise but a reviewer would not (``not_expected``)
and the undecided (``uncertain``), each with its reason. They were written by reading the reports and
their labelled cells (``../shared/corpus/expected``), not from the checker's output.

Each report is checked as ``xxgk check FILE`` checks a file before submission, against a store
holding the rest of the corpus (so last year's report is there for the cross-year rules). A false
error fails the test, and so does an error the reviewer saw that the checker misses; false warnings
and infos are counted and printed. A finding marked
inconclusive (an identity touching a cell the reader could not read) claims nothing and is counted
apart.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kit.findings import check_files
from kit.ingest import ingest
from kit.model import Finding
from kit.store import Store

from conftest import CORPUS

REVIEW = Path(__file__).parent / "corpus_review"


def reviewed() -> list[Path]:
    return sorted(REVIEW.glob("*.json"))


def matches(f: Finding, e: dict[str, Any]) -> bool:
    """A finding is the reviewer's entry when the rule is the same, what it is about agrees where both
    say, and the cells overlap where both name some."""
    if f.rule != e["rule"]:
        return False
    if e.get("about") and f.about and e["about"] != f.about:
        return False
    if e.get("cells") and f.cells:
        return bool(set(e["cells"]) & set(f.cells))
    return True


def judge(f: Finding, review: dict[str, Any]) -> str:
    """true, uncertain, inconclusive or false (an error is true only where the reviewer saw an error)."""
    if f.inconclusive:
        return "inconclusive"
    for e in review.get("expected", []):
        if matches(f, e) and (f.severity != "error" or e.get("severity", "error") == "error"):
            return "true"
    if any(matches(f, e) for e in review.get("uncertain", [])):
        return "uncertain"
    return "false"


def missed(found: list[Finding], review: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in review.get("expected", []) if not any(matches(f, e) for f in found)]


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("precision") / "corpus.sqlite"
    files = [CORPUS / json.loads(p.read_text("utf-8"))["file"] for p in reviewed()]
    # the two forms of one report: the HTML (every value in its own cell) last, so it is the current one
    files.sort(key=lambda f: (f.suffix == ".html", f.name))
    with Store(path) as s:
        for result in ingest(files, s):
            # a fragment without a title (the section excerpt) cannot be stored: it is checked alone
            assert result.error is None or "no title" in str(result.error), result.error
    return path


def test_every_corpus_report_is_reviewed():
    names = {json.loads(p.read_text("utf-8"))["file"] for p in reviewed()}
    complete = {p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix != ".tsv"}
    assert names == complete
    for p in reviewed():
        doc = json.loads(p.read_text("utf-8"))
        for part in ("expected", "not_expected", "uncertain"):
            for e in doc.get(part, []):
                assert e["rule"] and e.get("reason"), (p.name, part, e)


def test_no_false_error_on_the_corpus_and_the_count_of_false_warnings_and_infos(corpus_store, capsys):
    tally: Counter[str] = Counter()
    false: list[str] = []
    gaps: list[str] = []
    for p in reviewed():
        review = json.loads(p.read_text("utf-8"))
        found = [f for _, _, f in check_files([CORPUS / review["file"]], corpus_store)]
        for f in found:
            verdict = judge(f, review)
            tally[verdict if verdict != "false" else f"false {f.severity}"] += 1
            if verdict == "false":
                false.append(f"{review['file']}: {f.severity} {f.rule} {f.about} {f.message[:90]}")
        gaps += [f"{review['file']}: {e.get('severity', 'error')} {e['rule']} {e.get('about', '')} "
                 f"{','.join(e.get('cells', [])[:2])}" for e in missed(found, review)]
    with capsys.disabled():
        print(f"\nprecision: {sum(tally.values())} findings: {tally['true']} true, "
              f"{tally['false error']} false errors, {tally['false warning']} false warnings, "
              f"{tally['false info']} false infos, {tally['uncertain']} uncertain, "
              f"{tally['inconclusive']} inconclusive; {len(gaps)} expected findings not raised")
        for line in false:
            print("  false:", line)
        for line in gaps:
            print("  not raised:", line)
    assert not [x for x in false if ": error " in x], false
    assert not [x for x in gaps if ": error " in x], gaps  # every error the reviewer saw printed is found
    assert tally["true"] > 60  # the reviewer's findings are found, not only the false ones avoided
