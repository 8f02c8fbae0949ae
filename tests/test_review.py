"""Issue 15: finding keys, reviewers' decisions, revisions, and the review-and-return loop."""
from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from conftest import demo_project

from kit.cli import main
from kit.errors import ReviewError
from kit.registry import Registry
from kit.report.excel import write_template
from kit.store import Store

STORES = Path(__file__).parent / "stores"


def test_a_store_written_by_the_schema_2_kit_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(STORES / "store-v2.sqlite", path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    before = {(a, y, c): v for a, y, c, v in db.execute(
        "SELECT agency_id, year, cell_id, value FROM cells JOIN reports ON reports.id = report_id")}
    db.close()
    with Store(path) as s:
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == 3 and s.integrity_ok()
        assert len(s.entries()) == 6
        for a, y, _ in s.entries():
            (rev,) = s.revisions(a, y)
            assert rev["revision"] == 1 and rev["current"] and rev["source"] == s.get(a, y).provenance.source
            assert s.get(a, y, 1).cells == s.get(a, y).cells
        after = {(a, y, c): v for a, y, c, v in s.db.execute(
            "SELECT agency_id, year, cell_id, value FROM cells JOIN reports ON reports.id = report_id")}
        assert after == before and sum(v for v in after.values() if v is not None) == pytest.approx(19313.7)
        # the file the v2 kit read again adds nothing; a corrected one becomes revision 2, the first kept
        r = s.get("331101", 2024)
        assert s.put(r) is None
        r.cells["t3.new.natural"] = (r.cells["t3.new.natural"] or 0) + 1
        r.provenance.sha256, r.provenance.source = "f" * 64, "corrected.xlsx"
        assert s.put(r) == 2
        assert [x["revision"] for x in s.revisions("331101", 2024)] == [1, 2]
        assert s.get("331101", 2024, 1).cells["t3.new.natural"] == r.cells["t3.new.natural"] - 1
        assert s.get("331101", 2024).revision == 2 and s.get("331101", 2024, 1).revision == 1
    with Store(path) as s:  # opened again: nothing to migrate
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == 3 and s.integrity_ok()


def test_decisions_are_append_only(tmp_path):
    with Store(tmp_path / "s.sqlite") as s:
        s.db.execute("INSERT INTO decisions (agency_id, year, finding, status, at, revision) "
                     "VALUES ('A', 2024, 'S1/t3.new.total', '待整改', 'now', 1)")
        for sql in ("UPDATE decisions SET status = '已整改'", "DELETE FROM decisions"):
            with pytest.raises(sqlite3.DatabaseError, match="audit trail"):
                s.db.execute(sql)
        s.db.execute("UPDATE decisions SET agency_id = 'B'")  # a re-link moves them
        assert s.db.execute("SELECT agency_id, status FROM decisions").fetchall() == [("B", "待整改")]


# -- the loop on the demo county ------------------------------------------------------------------
@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return demo_project(tmp_path_factory.mktemp("county"), years=(2023, 2024))


def _cli(root: Path, *args: str) -> int:
    return main(["--config", str(root / "xxgk.toml"), *args])


def _keys(root: Path, capsys, *args: str) -> dict[str, dict]:
    capsys.readouterr()
    _cli(root, "check", "--json", "--fail-on", "warning", *args)
    found = json.loads(capsys.readouterr().out)
    return {f["key"]: f for f in found}


def _resubmit(root: Path, agency: str, name: str, change=None) -> Path:
    """The agency's 2024 report, changed by ``change``, as the official workbook a re-submission is."""
    with Store(root / "s.sqlite") as s:
        r = s.get(agency, 2024)
    if change:
        change(r)
    path = root / "inbox" / name
    path.parent.mkdir(exist_ok=True)
    return write_template(path, report=r)


def _scores(root: Path) -> dict[str, float]:
    from kit.region.view import build

    view = build("青禾县", 2024, root / "s.sqlite", Registry.load(root / "data" / "registry.csv"))
    return {s.agency_id: s.score for s in view.scores}


NR_X1 = ("331101/2024/X1/t3.carried_in.natural", "331101/2024/X1/t3.carried_in.total")
CZ_O1 = ("331111/2024/O1/t3.new.natural+t3.carried_in.natural+t3.total.natural+t3.carried_out.natural",
         "331111/2024/O1/t3.new.total+t3.carried_in.total+t3.total.total+t3.carried_out.total")
GOV_O1 = "331100/2024/O1/t3.new.natural+t3.carried_in.natural+t3.total.natural+t3.carried_out.natural"


@pytest.mark.slow
def test_the_whole_review_loop_on_the_demo_county(county, capsys):
    from kit.region.problems import read_problems

    root = county
    keys = _keys(root, capsys, "--year", "2024")
    assert set(NR_X1) | set(CZ_O1) | {GOV_O1} <= set(keys)
    assert len(keys) == len(json.loads(json.dumps(list(keys))))  # unique
    assert _scores(root)["331101"] == 8 and _scores(root)["331111"] == 8 and _scores(root)["331100"] == 7

    # the region's problem list, filled in by a reviewer
    assert _cli(root, "render", "--region", "青禾县", "--year", "2024", "--to", "html") == 0
    sheet = root / "out" / "regions" / "2024" / "青禾县" / "问题清单.xlsx"
    rows = read_problems(sheet)
    assert {r["问题编号"] for r in rows} >= set(NR_X1) | set(CZ_O1) | {GOV_O1}
    wb = openpyxl.load_workbook(sheet)
    ws = wb.active
    head = next(r for r in range(1, 5) if ws.cell(r, 1).value == "问题编号")
    col = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(head + 1, ws.max_row + 1):
        key = ws.cell(r, 1).value
        if key in NR_X1 or key == GOV_O1:
            ws.cell(r, col["整改状态"], "待整改")
            ws.cell(r, col["审核人"], "王审核")
        elif key in CZ_O1:
            ws.cell(r, col["整改状态"], "不是问题")
            ws.cell(r, col["说明"], "表注说明：2件申请跨年度合并办理，已核实")
            ws.cell(r, col["审核人"], "李复核")
    wb.save(sheet)
    assert _cli(root, "review", "import", str(sheet), "--region", "青禾县") == 0
    capsys.readouterr()
    assert _cli(root, "review", "list", "--json") == 0
    decided = {d["key"]: d for d in json.loads(capsys.readouterr().out)}
    assert set(decided) == set(NR_X1) | set(CZ_O1) | {GOV_O1}
    assert decided[CZ_O1[0]]["status"] == "不是问题" and decided[CZ_O1[0]]["reviewer"] == "李复核"
    assert decided[GOV_O1]["origin"] == "问题清单.xlsx" and decided[GOV_O1]["revision"] == 1
    assert _cli(root, "review", "import", str(sheet)) == 0  # the same sheet again records nothing new
    assert "0 decisions recorded" in capsys.readouterr().out
    scores = _scores(root)
    assert scores["331111"] == 10 and scores["331101"] == 8  # dismissed: no longer deducted

    # 自然资源局 corrects its carried-over figures; the county government re-submits without correcting
    def correct(r):
        for c in ("natural", "total"):
            r.cells[f"t3.carried_in.{c}"] -= 2
            r.cells[f"t3.carried_out.{c}"] -= 2
        was = f"结转下年度{r.cells['t3.carried_out.total'] + 2}件"  # the narrative says it too
        r.sections = {k: t.replace(was, f"结转下年度{r.cells['t3.carried_out.total']}件") for k, t in r.sections.items()}

    _resubmit(root, "331101", "自然资源局2024-修改.xlsx", correct)
    _resubmit(root, "331100", "县政府2024-重报.xlsx", lambda r: r.sections.update({"六": r.sections["六"] + "（重新报送）"}))
    capsys.readouterr()
    assert _cli(root, "ingest", str(root / "inbox")) == 0
    out = capsys.readouterr()
    assert "revision 2" in out.out and "2 of those read are new revisions" in out.err
    after = _keys(root, capsys, "--year", "2024")
    assert not set(NR_X1) & set(after) and GOV_O1 in after and set(CZ_O1) <= set(after)
    assert after[GOV_O1]["status"] == "待整改"

    from kit.region.view import build, problem_rows

    view = build("青禾县", 2024, root / "s.sqlite", Registry.load(root / "data" / "registry.csv"))
    by = {m.agency.id: m for m in view.ry.members}
    assert by["331101"].review.counts() == {"found": 0, "dismissed": 0, "corrected": 2, "returned": 0,
                                            "not_corrected": 0}
    assert by["331100"].review.counts()["not_corrected"] == 1 and by["331111"].review.counts()["dismissed"] == 2
    states = {r.key: r.state for r in problem_rows(view)}
    assert states[NR_X1[0]] == "已整改（不再发现）" and states[GOV_O1] == "退回未整改"
    assert states[CZ_O1[0]] == "不是问题"
    scores = {s.agency_id: s for s in view.scores}
    assert scores["331101"].score == 10 and scores["331100"].score == 2  # 7, and −5 returned and not corrected
    assert any(d.label == "退回后未整改" for d in scores["331100"].deductions)

    # the region report says it
    assert _cli(root, "render", "--region", "青禾县", "--year", "2024", "--to", "html") == 0
    html = (root / "out" / "regions" / "2024" / "青禾县" / "region.html").read_text(encoding="utf-8")
    assert "审核与整改" in html and "退回未整改" in html and "已整改（不再发现）" in html
    row = re.search(r"<tr><td>青禾县自然资源局</td>(.*?)</tr>", html[html.index("审核与整改"):]).group(1)
    assert re.findall(r"<td>(\d*)</td>", row)[:5] == ["0", "0", "2", "0", "0"]
    # and the agency's report lists the dismissed ones apart, with the reason
    assert _cli(root, "render", "--agency", "青禾县财政局", "--year", "2024", "--to", "html") == 0
    report = (root / "out" / "2024" / "青禾县财政局" / "report.html").read_text(encoding="utf-8")
    dismissed = report[report.index("经审核不是问题的发现"):]
    assert "2件申请跨年度合并办理" in dismissed and "李复核" in dismissed and CZ_O1[1] in dismissed
    assert "sev-error" not in report[report.index('id="findings"'):report.index("经审核不是问题的发现")]
    # the audit history: every change, who and when
    capsys.readouterr()
    assert _cli(root, "review", "set", GOV_O1, "--status", "不是问题", "--reason", "汇总口径不同", "--by", "赵") == 0
    assert capsys.readouterr().out.startswith(f"{GOV_O1}\t不是问题\t赵\t")
    assert _cli(root, "review", "set", GOV_O1, "--status", "dismissed") == 1  # no reason
    assert "needs a reason" in capsys.readouterr().err
    assert _cli(root, "review", "list", "--history", "--agency", "331100", "--json") == 0
    trail = [d for d in json.loads(capsys.readouterr().out) if d["key"] == GOV_O1]
    assert [(d["status"], d["reviewer"]) for d in trail] == [("待整改", "王审核"), ("不是问题", "赵")]
    assert all(re.match(r"\d{4}-\d\d-\d\dT", d["at"]) for d in trail)
    out_xlsx = root / "decisions.xlsx"
    assert _cli(root, "review", "export", "-o", str(out_xlsx)) == 0
    book = openpyxl.load_workbook(out_xlsx)
    assert len(list(book["审核记录"].iter_rows(min_row=2))) == 6
    assert _scores(root)["331100"] == 10 - 3 + 0  # dismissed now: neither its error nor "not corrected"


def _bad(root: Path, sheet: Path, tmp_path: Path, fill) -> str:
    wb = openpyxl.load_workbook(sheet)
    ws = wb.active
    fill(ws)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with Store(root / "s.sqlite") as s:
        n = s.db.execute("SELECT count(*) FROM decisions").fetchone()[0]
    from kit.region.reviewing import import_problems

    with pytest.raises(ReviewError) as e:
        import_problems(path, root / "s.sqlite", Registry.load(root / "data" / "registry.csv"), region="青禾县")
    with Store(root / "s.sqlite") as s:
        assert s.db.execute("SELECT count(*) FROM decisions").fetchone()[0] == n
    return str(e.value)


@pytest.mark.slow
def test_a_bad_import_changes_nothing_and_names_the_rows(county, tmp_path):
    root = county
    assert _cli(root, "render", "--region", "禾川市", "--year", "2024", "--to", "html") == 0
    city = root / "out" / "regions" / "2024" / "禾川市" / "问题清单.xlsx"  # the city's: 青禾县's rows among them
    assert _cli(root, "render", "--region", "青禾县", "--year", "2024", "--to", "html") == 0
    sheet = root / "out" / "regions" / "2024" / "青禾县" / "问题清单.xlsx"
    # J: 整改状态, K: 说明, A: 问题编号 (row 2 the header)

    def mixed(ws):
        ws["J3"] = "待整改"              # fine
        ws["A4"], ws["J4"] = "331101/2024/S9/t3.new.total", "待整改"  # unknown key
        ws["J5"] = "改好了"               # not a status
        ws["J6"] = "不是问题"             # no reason
    msg = _bad(root, sheet, tmp_path, mixed)
    assert "row 4" in msg and "unknown key" in msg and "row 5" in msg and "改好了" in msg and "row 6" in msg
    assert "needs a reason" in msg and "row 3" not in msg
    msg = _bad(root, city, tmp_path, lambda ws: ws.__setitem__("J3", "待整改"))
    assert "a sheet of 禾川市" in msg and "not of 青禾县" in msg and "rows 3, 4" in msg

    def smuggled(ws):  # a 溪口县 key in 青禾县's sheet
        ws["A3"], ws["J3"] = "331206/2024/late", "待整改"
    msg = _bad(root, sheet, tmp_path, smuggled)
    assert "row 3" in msg and "331206" in msg and "not one of 青禾县" in msg


def _decide(store: str, keys: list[str], known: dict, who: str) -> None:
    from kit.review import Proposed, record

    with Store(store) as s:
        for k in keys:  # one transaction each: the three processes interleave
            record(s, [Proposed(k, "待整改", f"{who} {k}")], known, who=who)


def _ingest(store: str, paths: list[str]) -> None:
    from kit.ingest import ingest

    with Store(store) as s:
        assert not [g.error for g in ingest(paths, s) if g.error]


@pytest.mark.slow
def test_two_reviewers_and_an_ingest_at_once_lose_nothing(tmp_path):
    from kit.demo import write_demo
    from kit.ingest import ingest
    from kit.review import decisions, known_findings

    paths = write_demo(tmp_path / "d", departments=6, years=(2023, 2024))
    reg = Registry.load(tmp_path / "d" / "registry.csv")
    st = tmp_path / "s.sqlite"
    first = [p for p in paths if p.name.startswith("2023")]
    with Store(st) as s:
        assert not [g.error for g in ingest(first, s, registry=reg) if g.error]
    pairs = {(a, y) for a, y, _ in Store(st).entries()}
    known = known_findings(st, reg, pairs)
    keys = sorted(known)
    extra = [f"{a}/{y}/S1/t3.x{i}" for i, (a, y) in enumerate(sorted(pairs))]
    known.update({k: (None, None) for k in extra})
    keys += extra
    assert len(keys) >= 8
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_decide, args=(str(st), keys[0::2], known, "甲")),
             ctx.Process(target=_decide, args=(str(st), keys[1::2], known, "乙")),
             ctx.Process(target=_ingest, args=(str(st), [str(p) for p in paths if p not in first]))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with Store(st) as s:
        rows = decisions(s, history=True)
        assert sorted(d.key for d in rows) == sorted(keys) and len(rows) == len(keys)
        assert {d.reviewer for d in rows} == {"甲", "乙"}
        assert len(s.entries()) == len(paths) and s.integrity_ok()


@pytest.mark.slow
def test_five_revisions_and_the_first_rendered_again(county, capsys):
    root = county
    agency, cid = "青禾县教育局", "t2.rules.issued"
    with Store(root / "s.sqlite") as s:
        first = s.get(agency, 2024)
        start = len(s.revisions(agency, 2024))
    for n in range(1, 5):
        _resubmit(root, agency, f"教育局-{n}.xlsx", lambda r, n=n: r.cells.update({cid: (first.cells[cid] or 0) + 10 * n}))
        assert _cli(root, "ingest", str(root / "inbox" / f"教育局-{n}.xlsx")) == 0
    capsys.readouterr()
    assert _cli(root, "history", "--agency", agency, "--year", "2024") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == start + 4 and lines[-1].endswith("current") and "教育局-4.xlsx" in lines[-1]
    assert _cli(root, "ingest", str(root / "inbox" / "教育局-2.xlsx"), "--reread") == 0  # same bytes, same reading
    assert "identical to a stored revision" in capsys.readouterr().out
    with Store(root / "s.sqlite") as s:
        assert len(s.revisions(agency, 2024)) == start + 4
        assert s.get(agency, 2024).cells[cid] == first.cells[cid] + 40
    assert _cli(root, "render", "--agency", agency, "--year", "2024", "--revision", "1", "--to", "html") == 0
    html = (root / "out" / "2024" / agency / "revision-1" / "report.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'data-cell="([^"]+)"[^>]*>([^<]*)<', html))
    assert shown[cid] == str(first.cells[cid]) and shown["t3.total.total"] == str(first.cells["t3.total.total"])
    assert not (root / "out" / "2024" / agency / "report.html").exists()  # the current one is not written over
    import csv

    for rev, want in ((1, first.cells[cid]), (3, first.cells[cid] + 20), (None, first.cells[cid] + 40)):
        out_csv = root / f"rev-{rev}.csv"
        assert _cli(root, "export", "--agency", agency, "--year", "2024", "--to", "csv", "-o", str(out_csv),
                    *(["--revision", str(rev)] if rev else [])) == 0
        rows = {r["cell_id"]: r["value"] for r in csv.DictReader(out_csv.open(encoding="utf-8-sig"))}
        assert float(rows[cid]) == want
    capsys.readouterr()
    assert _cli(root, "check", "--agency", agency, "--year", "2024", "--revision", "1", "--json") in (0, 1)
    assert {f["key"].split("/")[0] for f in json.loads(capsys.readouterr().out)} <= {"331109"}
    capsys.readouterr()
    assert _cli(root, "check", "--agency", agency, "--year", "2024", "--revision", "9", "--json") == 1
    assert "no revision 9" in capsys.readouterr().err


def _report(rev: int, **cells):
    from kit.model import Provenance, Report

    r = Report("甲局", 2024, "gov2021", {k.replace("__", "."): v for k, v in cells.items()}, {}, {"一": "总体"},
               Provenance("a.txt", "x", "text"), agency_id="A1")
    r.revision = rev
    return r


def _finding(rule: str, *cells: str, severity: str = "error"):
    from kit.model import Finding

    f = Finding(rule, severity, f"{rule} 不平衡", list(cells))
    f.key = f"A1/2024/{rule}/{'+'.join(cells)}"
    return f


def test_each_finding_s_state_across_decisions_and_re_submissions():
    from kit.review import Decision, evidence, review

    first = _report(1, t3__new__total=5, t3__total__total=7)
    s1, o1, x1 = _finding("S1", "t3.new.total"), _finding("O1", "t3.total.total"), _finding("X1", "t3.carried_in.total")

    def decided(f, status, rev=1, report=first, reason="", n=[0]):
        n[0] += 1
        return Decision(n[0], f.key, status, reason, "审核人", "2025-02-01T00:00:00+00:00", rev, evidence(report, f), "cli")

    # first revision: a dismissal holds, a returned one waits, an undecided one is open
    got = review(first, [s1, o1, x1], [decided(s1, "不是问题", reason="表注"), decided(o1, "待整改")])
    assert {r.key: r.state for r in got.items} == {s1.key: "dismissed", o1.key: "returned", x1.key: "open"}
    assert got.open == [o1, x1] and got.counts() == {"found": 3, "dismissed": 1, "corrected": 0, "returned": 1,
                                                     "not_corrected": 0}
    # revision 2 with the same values: still dismissed; O1 found again: returned and not corrected; X1 gone
    second = _report(2, t3__new__total=5, t3__total__total=7)
    earlier = {f.key: f for f in (s1, o1, x1)}
    got = review(second, [s1, o1], [decided(s1, "不是问题", reason="表注"), decided(o1, "待整改")], earlier,
                 earlier_revision=1)
    assert {r.key: r.state for r in got.items} == {s1.key: "dismissed", o1.key: "not_corrected", x1.key: "resolved"}
    assert got.counts()["not_corrected"] == 1 and got.counts()["corrected"] == 1
    # a dismissed finding whose cells changed reopens; one marked corrected and still found says so
    third = _report(3, t3__new__total=6, t3__total__total=7)
    got = review(third, [s1, o1], [decided(s1, "不是问题", reason="表注"), decided(o1, "已整改", rev=2)],
                 {f.key: f for f in (s1, o1)}, earlier_revision=2)
    assert {r.key: r.state for r in got.items} == {s1.key: "reopened", o1.key: "claimed"}
    assert got.open == [s1, o1] and got.counts()["not_corrected"] == 1
    # the dismissal's evidence is the values of its cells (and the severity), nothing else
    assert evidence(first, s1) == {"cells": {"t3.new.total": 5}, "severity": "error"}


@pytest.mark.slow
def test_a_decision_reruns_the_reports_that_show_it(small_store, tmp_path):
    from kit.batch import plan, run
    from kit.review import Proposed, known_findings, record

    reg_path = small_store.parent / "d" / "registry.csv"
    reg = Registry.load(reg_path)
    out = tmp_path / "out"

    def planned() -> list[str]:
        jobs = plan(small_store, out, years=(2024,), registry=reg_path)
        return sorted(k for k, _ in run(jobs, out, to=("html",), progress=False, root=tmp_path, dry_run=True).planned)

    run(plan(small_store, out, years=(2024,), registry=reg_path), out, to=("html",), progress=False, root=tmp_path)
    assert planned() == []
    known = known_findings(small_store, reg, {("331101", 2024)})
    key = next(k for k, (f, _) in known.items() if f is not None and f.severity == "error")
    with Store(small_store) as s:
        record(s, [Proposed(key, "不是问题", "已核实")], known, who="审核人")
    # the agency's report shows it, and so do its peers' comparisons and the region reports
    assert "2024/青禾县自然资源局" in planned() and "regions/2024/青禾县" in planned()
    html_before = (out / "2024" / "青禾县自然资源局" / "report.html").read_text(encoding="utf-8")
    assert "经审核不是问题的发现" not in html_before
    run(plan(small_store, out, years=(2024,), registry=reg_path), out, to=("html",), progress=False, root=tmp_path)
    html = (out / "2024" / "青禾县自然资源局" / "report.html").read_text(encoding="utf-8")
    assert "经审核不是问题的发现" in html and key in html[html.index("经审核不是问题的发现"):]
    assert planned() == []
