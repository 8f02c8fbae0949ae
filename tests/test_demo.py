"""The demo county: every form, the registry, and the seeded errors found with nothing else."""
from __future__ import annotations

import collections
import json

import pytest

from kit.cli import main
from kit.demo import DEPARTMENTS, GOV, YEARS, write_demo
from kit.demo.county import MISSING, SECOND_DEPARTMENTS
from kit.registry import Registry
from kit.findings import check_store
from kit.store import Store


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    paths = write_demo(root / "data")
    store = root / "s.sqlite"
    assert main(["ingest", str(root / "data"), "--store", str(store), "--registry", str(root / "data" / "registry.csv")]) == 0
    return root, paths, store


def test_county_shape(county):
    root, paths, store = county
    # two counties: 青禾县 (30 departments and its government), 溪口县 (8 and its government), one report missing
    assert len(paths) == (len(DEPARTMENTS) + 1 + len(SECOND_DEPARTMENTS) + 1) * len(YEARS) - len(MISSING) == 279
    forms = collections.Counter(p.suffix for p in paths)
    assert set(forms) == {".txt", ".html", ".docx", ".xlsx"} and min(forms.values()) >= 30
    glued = [p for p in paths if p.suffix == ".txt" and "|" not in p.read_text(encoding="utf-8")]
    assert len(glued) >= 20
    reg = Registry.load(root / "data" / "registry.csv")
    assert len(reg.children(GOV)) == 30 and len(reg.peers(reg.agencies[1].name)) == 29
    assert [a.name for a in reg.peers(GOV)] == ["溪口县人民政府"]  # consolidated reports: the sibling county's
    assert len(reg.members("禾川市")) == 40 and len(reg.members("溪口县")) == 9 and reg.chain("溪口县") == ["溪口县", "禾川市"]
    with Store(store) as s:
        rows = s.entries()
        assert {f for *_, f in rows} == {"gov2019", "gov2021"}
        history = s.history("青禾县自然资源局")
        assert [r.year for r in history] == list(YEARS)
        # carry-overs chain from year to year
        for a, b in zip(history, history[1:]):
            if a.format == b.format and (a.agency, b.year) != ("青禾县自然资源局", 2024):
                assert a.cells["t3.carried_out.total"] == b.cells["t3.carried_in.total"]
        sizes = sorted(s.get(a, 2024).cells["t3.new.total"] for a, y, _ in rows if y == 2024 and a != GOV)
    assert sizes[len(sizes) // 2] < 15 and sizes[-1] > 100  # most receive few, a few receive hundreds


def test_every_demo_cell_read_as_the_demo_meant_it(county):
    # The demo writes each report in its form whatever the reader makes of it; this is the reader's
    # real result on all 279, against the numbers the demo meant to print.
    from kit.demo import county as demo_county

    root, paths, store = county
    meant = {(p.agency, p.report.year): p for p in demo_county()}
    assert len(meant) == 279 and {p.form for p in meant.values()} == {"pipe", "glued", "html", "docx", "xlsx"}
    exact = flagged = 0
    silent: list[tuple] = []
    with Store(store) as s:
        for (agency, year), pub in meant.items():
            got = s.get(agency, year)
            unknown = got.unknown_cells()
            for cid, v in pub.report.cells.items():
                if got.cells[cid] == v:
                    exact += 1
                elif cid in unknown:
                    flagged += 1
                else:
                    silent.append((agency, year, pub.form, cid, v, got.cells[cid]))
    assert silent == []
    assert (exact, flagged) == (40 * (2 * 198 + 5 * 200) - 200, 0)  # every cell of 279 reports, none flagged


def test_seeded_errors_found_and_nothing_else(county):
    root, paths, store = county
    expected = json.loads((root / "data" / "errors.json").read_text(encoding="utf-8"))
    assert len(expected["seeded"]) >= 10
    want = {(e["agency"], e["year"], e["rule"]) for e in expected["expected_findings"]}
    got = {(a, y, f.rule) for a, y, f in check_store(store, registry=Registry.load(root / "data" / "registry.csv"))
           if f.severity != "info"}
    assert got == want


def test_seeded_errors_in_check_output(county, capsys):
    root, paths, store = county
    capsys.readouterr()
    assert main(["check", "--store", str(store), "--registry", str(root / "data" / "registry.csv"), "--json"]) == 1
    items = json.loads(capsys.readouterr().out)
    seeded = json.loads((root / "data" / "errors.json").read_text(encoding="utf-8"))["seeded"]
    for e in seeded:
        for rule in e["rules"]:
            assert any(i["agency"] == e["agency"] and i["year"] == e["year"] and i["rule"] == rule for i in items), e


def test_demo_is_deterministic(tmp_path):
    a = write_demo(tmp_path / "a", departments=3, years=(2020, 2021))
    b = write_demo(tmp_path / "b", departments=3, years=(2020, 2021))
    for x, y in zip(a, b):
        if x.suffix in (".txt", ".html"):
            assert x.read_bytes() == y.read_bytes()


ROWS = {  # 表三 result rows by outcome group, written out here independently of kit.narrative
    "予以公开": ["granted"], "部分公开": ["partial"],
    "不予公开": ["deny.state_secret", "deny.law_forbidden", "deny.three_safety", "deny.third_party", "deny.internal",
             "deny.process", "deny.enforcement_file", "deny.inquiry"],
    "无法提供": ["unable.not_held", "unable.need_create", "unable.unclear"],
    "不予处理": ["reject.petition", "reject.duplicate", "reject.publication", "reject.excessive", "reject.confirm"],
    "其他处理": ["other", "other.no_supplement", "other.unpaid", "other.other"],
}


def test_narrative_numbers_match_the_tables(county):
    """Every number in every generated sentence, for every demo report, recomputed from the cells."""
    import re
    import statistics

    from kit.report.narrative import pct, sentences
    from kit.schema import number_text as n

    root, paths, store = county
    reg = Registry.load(root / "data" / "registry.csv")
    with Store(store) as s:
        reports = {(a, y): s.get(a, y) for a, y, _ in s.entries()}
    checked = 0
    for (agency, year), r in reports.items():
        c = r.cells.get
        prev = reports.get((agency, year - 1))
        peers = [reports[(p.name, year)] for p in reg.peers(agency) if (p.name, year) in reports]
        facts = {}
        for sent in sentences(r, prev, peers, []):
            facts.update(sent.facts)
            if "核查" in sent.text:
                continue
            shown = {n(v) for v in sent.facts.values()} | {f"{v:.1f}%" for v in sent.facts.values()}
            for num in re.findall(r"\d+(?:\.\d+)?%?", sent.text):
                assert num in shown, (agency, year, num, sent.text)
        assert facts["new"] == c("t3.new.total") and facts["carried_in"] == c("t3.carried_in.total")
        assert facts["demand"] == c("t3.new.total") + c("t3.carried_in.total")
        total = c("t3.total.total")
        for name, rows in ROWS.items():
            v = sum(c(f"t3.{row}.total") or 0 for row in rows if f"t3.{row}.total" in r.cells)
            if v and total:
                assert facts[name] == v and facts[f"{name}_pct"] == round(v / total * 100, 1), (agency, year, name)
        if total:
            assert facts["rate_pct"] == round((c("t3.granted.total") + c("t3.partial.total")) / total * 100, 1)
        if prev is not None:
            assert facts["prev_new"] == prev.cells["t3.new.total"]
            if prev.format == r.format:
                assert facts["prev_penalty"] == prev.cells["t2.penalty.decisions"]
            else:
                assert "prev_penalty" not in facts  # never compared across the 2020/2021 boundary
        if peers:
            everyone = [p.cells["t3.new.total"] for p in peers] + [c("t3.new.total")]
            assert facts["peers"] == len(peers) + 1
            assert facts["rank"] == 1 + sum(1 for v in everyone[:-1] if v > c("t3.new.total"))
            assert facts["median"] == statistics.median(everyone)
        review = c("t4.review.total")
        suits = c("t4.suit_direct.total") + c("t4.suit_after_review.total")
        if review or suits:
            assert facts["review"] == review and facts["suits"] == suits
        checked += 1
    assert checked == 279 and pct(0.5) == "50.0%"


def test_names_printed_differently_still_make_one_history_each(county):
    """Some demo reports print their agency's name otherwise (a short form, without or with a prefix, an
    old name, a slip); through the registry every history chart still has all its years."""
    from kit.demo import PRINTED
    from kit.demo.county import registry as demo_registry
    from kit.report.data import history_frame

    root, paths, store = county
    with Store(store) as s:
        stored = s.printed()
        years: dict[str, list[int]] = collections.defaultdict(list)
        for key, year, _, _ in stored:
            years[key].append(year)
        printed = {(name, y): p for _, y, name, p in stored if p != name}
    assert set(years) == {a.id for a in demo_registry().agencies}
    missing = {(a.id, y) for a in demo_registry().agencies for y in YEARS if (a.name, y) in MISSING}
    assert {(k, y) for k in years for y in YEARS if y not in years[k]} == missing
    assert printed == {**PRINTED, ("青禾县民政局", 2020): "青禾县民正局"}
    for name in {n for n, _ in printed} | {GOV}:
        for year in YEARS:  # the chart's window: the last five years up to the report's
            assert list(history_frame(name, store, upto=year, years=5).index) == [y for y in YEARS if year - 5 < y <= year]
