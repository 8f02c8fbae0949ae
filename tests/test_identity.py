"""One agency, one identity: printed names resolved through the registry (kit.identity), the store
keyed by the agency's id and migrated in place, re-linking after an alias is added."""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from kit.cli import main
from kit.demo import numbers, report_text
from kit.errors import InputError, StoreError
from kit.identity import Resolver, forms, probable_duplicates
from kit.registry import Agency, Registry
from kit.store import Store

from conftest import CORPUS

REG = Registry([
    Agency("hz", "淮安市洪泽区人民政府", "区级政府", "淮安市"),
    Agency("hzga", "淮安市洪泽区公安局", "区直部门", "洪泽区"),
    Agency("sy", "沭阳县人民政府", "县级政府", "宿迁市"),
    Agency("gxj", "沭阳县工业和信息化局", "县直部门", "沭阳县"),
    Agency("pt", "平潭综合实验区管委会", aliases=("平潭综合实验区",)),
    Agency("ptb", "平潭综合实验区管委会办公室"),
    Agency("ty", "青禾县体育局"), Agency("jy", "青禾县教育局"),
])


@pytest.mark.parametrize("printed, how, agency", [
    ("淮安市洪泽区人民政府", "exact", "hz"),
    ("hz", "exact", "hz"),
    (" 淮安市洪泽区人民政府 ", "exact", "hz"),
    ("平潭综合实验区", "alias", "pt"),
    ("洪泽区人民政府", "normalised", "hz"),               # the city dropped
    ("江苏省淮安市洪泽区人民政府", "normalised", "hz"),    # the province added
    ("沭阳县工信局", "normalised", "gxj"),                # a short form
    ("县工信局", "normalised", "gxj"),                    # the county only as its level
    ("平潭综合实验区管理委员会", "normalised", "pt"),      # 管委会 written out
    ("平潭综合实验区管委会办公室", "exact", "ptb"),        # a different agency, not its parent
    ("沐阳县人民政府", "fuzzy", "sy"),                     # a slip
    ("青禾县教肓局", "fuzzy", "jy"),                       # one from 教育局, two from 体育局
    ("青禾县育局", "unresolved", None),                    # one from both: never a guess
    ("淮安市公安局", "unresolved", None),                  # the city's bureau is not the district's
    ("沭阳县公安局", "unresolved", None),
    ("甲局", "unresolved", None),
])
def test_each_step_of_resolution(printed, how, agency):
    res = Resolver(REG).resolve(printed)
    assert (res.how, res.agency.id if res.agency else None) == (how, agency)
    f = res.finding()
    if how == "exact":
        assert f is None
    else:
        assert f.rule == f"identity.{how}" and printed.strip() in f.message
        assert f.severity == {"alias": "info", "normalised": "info"}.get(how, "warning")
    if printed == "青禾县育局":
        assert [a.id for a in res.candidates] == ["jy", "ty"] and "青禾县教育局" in f.message


def test_forms_keep_the_most_specific_place():
    assert forms("江苏省淮安市洪泽区人民政府") == ["江苏省淮安市洪泽区政府", "淮安市洪泽区政府", "洪泽区政府"]
    assert forms("淮安市洪泽区公安局", registered=True) == ["淮安市洪泽区公安局", "洪泽区公安局", "区公安局", "公安局"]
    assert forms("市场监督管理局") == ["市场监管局"]           # 市 at the start is no place
    assert forms("青禾县城市管理局") == ["青禾县城管局"]


def test_registry_aliases_round_trip_and_clashes(tmp_path):
    old = tmp_path / "old.csv"  # a registry written before aliases existed
    old.write_text("id,name,level,region,parent,aggregate\n1,甲县乙局,县直部门,甲县,,\n", encoding="utf-8")
    reg = Registry.load(old)
    assert reg.agencies[0].aliases == ()
    reg = reg.with_alias(reg.agencies[0], "甲县乙局（原）")
    reg.save(old)
    assert "aliases" in old.read_text(encoding="utf-8").splitlines()[0]
    assert Registry.load(old).find("甲县乙局（原）").id == "1"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,aliases\n1,甲局,乙局;丙局\n2,乙局,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: name '乙局' is already the alias of line 2"):
        Registry.load(bad)
    bad.write_text("id,name,aliases\n1,甲局,\n1,乙局,\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: id '1' is already the id of line 2"):
        Registry.load(bad)
    with pytest.raises(InputError, match="already names"):
        Registry.load(old).with_alias(Agency("2", "x"), "甲县乙局")


def _report(folder: Path, printed: str, year: int, cells: dict) -> Path:
    p = folder / f"{year}-{printed}.txt"
    p.write_text(report_text(printed, year, cells, "pipe"), encoding="utf-8")
    return p


def _two_years(tmp_path: Path) -> tuple[Path, Path, Path]:
    """甲县丙局, printed 甲县乙局 (its old name) in 2023; 2024 carries in two more than 2023 carried out."""
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(7)
    c23 = numbers(rng, 20, {"natural": 1})
    c24 = numbers(rng, 20, {"natural": int(c23["t3.carried_out.natural"]) + 2})
    _report(folder, "甲县乙局", 2023, c23)
    _report(folder, "甲县丙局", 2024, c24)
    reg = tmp_path / "registry.csv"
    reg.write_text("id,name,aliases,level,region,parent,aggregate\nB1,甲县丙局,,县直部门,甲县,,\n"
                   "B2,甲县丁局,,县直部门,甲县,,\n", encoding="utf-8")
    return folder, reg, tmp_path / "s.sqlite"


def test_two_years_under_two_names_link_through_an_alias(tmp_path, capsys):
    from kit.findings import check_store
    from kit.report.data import history_frame

    folder, reg, st = _two_years(tmp_path)
    assert main(["ingest", str(folder), "--store", str(st), "--registry", str(reg)]) == 0
    out = capsys.readouterr().out
    assert "甲县乙局 2023" in out and "[identity.unresolved: printed 甲县乙局]" in out
    with Store(st) as s:
        assert s.entries() == [("B1", 2024, "gov2021"), ("甲县乙局", 2023, "gov2021")]
    rules = {(a, y, f.rule) for a, y, f in check_store(st, registry=Registry.load(reg))}
    assert ("甲县丙局", 2024, "X1") not in rules and ("甲县乙局", 2023, "identity.unresolved") in rules
    assert list(history_frame("甲县丙局", st).index) == [2024]

    assert main(["registry", "alias", "B1", "甲县乙局", "--store", str(st), "--registry", str(reg)]) == 0
    captured = capsys.readouterr()
    assert "relink 甲县乙局 2023 -> B1" in captured.err
    with Store(st) as s:
        assert s.entries() == [("B1", 2023, "gov2021"), ("B1", 2024, "gov2021")]
        old = s.get("B1", 2023)
        assert (old.agency, old.provenance.printed) == ("甲县丙局", "甲县乙局")
        assert [f.rule for f in old.findings if f.rule.startswith("identity.")] == ["identity.alias"]
        assert s.get("甲县乙局", 2023).key == "B1"  # the printed name still finds it
    x1 = [f for a, y, f in check_store(st, registry=Registry.load(reg)) if f.rule == "X1"]
    assert sorted(c for f in x1 for c in f.cells) == ["t3.carried_in.natural", "t3.carried_in.total"]
    assert all(f.expected + 2 == f.actual for f in x1)
    assert list(history_frame("甲县丙局", st).index) == [2023, 2024]
    for name in ("B1", "甲县乙局"):  # --agency takes an id or an alias
        assert main(["check", "--store", str(st), "--registry", str(reg), "--agency", name, "--json"]) == 1
        items = json.loads(capsys.readouterr().out)
        assert {(i["agency"], i["year"]) for i in items} >= {("甲县丙局", 2023), ("甲县丙局", 2024)}
    assert main(["registry", "reports", "--store", str(st), "--registry", str(reg), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["year"], r["printed"], r["how"], r["id"]) for r in rows] == [
        (2023, "甲县乙局", "alias", "B1"), (2024, "甲县丙局", "exact", "B1")]


def test_a_slip_near_two_agencies_stays_unresolved(tmp_path, capsys):
    folder, reg, st = _two_years(tmp_path)
    slip = _report(folder, "甲县戊局", 2022, numbers(random.Random(1), 5, {}))  # one from 丙局 and from 丁局
    assert main(["ingest", str(slip), "--store", str(st), "--registry", str(reg)]) == 0
    with Store(st) as s:
        r = s.get("甲县戊局", 2022)
    assert r.key == "甲县戊局"
    (f,) = [f for f in r.findings if f.rule.startswith("identity.")]
    assert f.rule == "identity.unresolved" and f.severity == "warning" and f.expected == ["B1", "B2"]
    assert "甲县丙局" in f.message and "甲县丁局" in f.message


def test_relink_that_would_merge_two_reports_changes_nothing(tmp_path, capsys):
    folder, reg, st = _two_years(tmp_path)
    _report(folder, "甲县丙局", 2023, numbers(random.Random(2), 5, {}))  # 甲县丙局 2023 under both names
    assert main(["ingest", str(folder), "--store", str(st), "--registry", str(reg)]) == 0
    with Store(st) as s:
        before = s.printed()
    registry = reg.read_bytes()
    capsys.readouterr()
    assert main(["registry", "alias", "B1", "甲县乙局", "--store", str(st), "--registry", str(reg)]) == 1
    err = capsys.readouterr().err
    assert "2023-甲县丙局.txt (printed 甲县丙局) and" in err and "would both be B1 2023; nothing re-linked" in err
    with Store(st) as s:
        assert s.printed() == before and s.integrity_ok()
    assert reg.read_bytes() == registry  # the alias is not written either


V0 = """
CREATE TABLE reports (id INTEGER PRIMARY KEY, agency TEXT NOT NULL, year INTEGER NOT NULL, format TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, sha256 TEXT NOT NULL, reader TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0, ingested_at TEXT NOT NULL, UNIQUE (agency, year));
CREATE TABLE cells (report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE, cell_id TEXT NOT NULL,
  value NUMERIC, raw TEXT NOT NULL DEFAULT '', PRIMARY KEY (report_id, cell_id));
CREATE TABLE sections (report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE, key TEXT NOT NULL,
  text TEXT NOT NULL, PRIMARY KEY (report_id, key));
CREATE TABLE findings (report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  rule TEXT NOT NULL, severity TEXT NOT NULL, cells TEXT NOT NULL, message TEXT NOT NULL, expected TEXT, actual TEXT,
  PRIMARY KEY (report_id, seq));
INSERT INTO reports VALUES (7, '甲县乙局', 2023, 'gov2021', 't', 'a.txt', 'abc', 'text', 10, '2025-01-01');
INSERT INTO cells VALUES (7, 't3.new.total', 5, '5');
INSERT INTO sections VALUES (7, '一', '总体情况');
INSERT INTO findings VALUES (7, 0, 'S1', 'error', '["t3.new.total"]', 'm', NULL, NULL);
"""


def test_a_store_of_the_earlier_kit_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V0)
    db.commit()
    db.close()
    with Store(path) as s:
        r = s.get("甲县乙局", 2023)
        assert (r.key, r.agency, r.provenance.printed, r.cells["t3.new.total"]) == ("甲县乙局", "甲县乙局", "甲县乙局", 5)
        assert r.sections["一"] == "总体情况" and [f.rule for f in r.findings] == ["S1"]
        assert s.integrity_ok() and s.db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert r.published is None and r.published_from == ""
        # the new key: its revision moves with it; the same file again adds no revision
        r.agency_id = "B1"
        s.relink(lambda printed: ("B1", "甲县丙局", []))
        assert s.entries() == [("B1", 2023, "gov2021")]
        assert [x["revision"] for x in s.revisions("B1", 2023)] == [1]
        assert s.put(s.get("B1", 2023)) is None
        assert s.db.execute("SELECT count(*) FROM cells").fetchone()[0] == 1
    with Store(path) as s:  # opened again: nothing to migrate
        assert s.get("甲县丙局", 2023).provenance.source == "a.txt"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 9")
    db.close()
    with pytest.raises(StoreError, match="newer xxgk-kit"):
        Store(path)


def test_without_a_registry_check_names_probable_duplicates(tmp_path, capsys):
    years = {"淮安市洪泽区人民政府": [2023], "洪泽区人民政府": [2021, 2022], "沐阳县人民政府": [2025],
             "沭阳县人民政府": [2024], "青禾县体育局": [2023, 2024], "青禾县教育局": [2023, 2024]}
    assert probable_duplicates(years) == [("沐阳县人民政府", "沭阳县人民政府", "fuzzy"),
                                          ("洪泽区人民政府", "淮安市洪泽区人民政府", "normalised")]
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(3)
    for name, ys in years.items():
        for y in ys:
            _report(folder, name, y, numbers(rng, 3, {}))
    st = tmp_path / "s.sqlite"
    assert main(["ingest", str(folder), "--store", str(st)]) == 0
    capsys.readouterr()
    main(["check", "--store", str(st), "--json"])
    dup = [(i["agency"], i["year"], i["expected"]) for i in json.loads(capsys.readouterr().out)
           if i["rule"] == "identity.duplicate"]
    assert sorted(dup) == [("沐阳县人民政府", 2025, "沭阳县人民政府"), ("淮安市洪泽区人民政府", 2023, "洪泽区人民政府")]


@pytest.mark.corpus
def test_real_reports_resolve_to_their_agencies(tmp_path, capsys):
    reg = tmp_path / "registry.csv"
    Registry([Agency("320813", "淮安市洪泽区人民政府"), Agency("321322", "沭阳县人民政府"),
              Agency("PT", "平潭综合实验区管委会", aliases=("平潭综合实验区",)),
              Agency("PTB", "平潭综合实验区管委会办公室")]).save(reg)
    st = tmp_path / "s.sqlite"
    files = ["jiangsu-huaian_hongzequ_2023.pdf", "jiangsu-suqian_shuyangxian_2025.txt",
             "fujian-pingtan_guanweihui_2021.txt", "fujian-pingtan_guanweihui_2022.txt",
             "fujian-pingtan_guanweihuibangongshi_2023.txt"]
    assert main(["ingest", *(str(CORPUS / f) for f in files), "--store", str(st), "--registry", str(reg)]) == 0
    with Store(st) as s:
        got = {(key, y): (printed, s.get(key, y).findings[0].rule if printed != name else None)
               for key, y, name, printed in s.printed()}
    assert got == {("320813", 2023): ("洪泽区人民政府", "identity.normalised"),
                   ("321322", 2025): ("沐阳县人民政府", "identity.fuzzy"),
                   ("PT", 2021): ("平潭综合实验区", "identity.alias"), ("PT", 2022): ("平潭综合实验区", "identity.alias"),
                   ("PTB", 2023): ("平潭综合实验区管委会办公室", None)}


def test_a_name_linked_before_keeps_its_agency_when_ingested_without_the_registry(tmp_path, capsys):
    folder, reg, st = _two_years(tmp_path)
    assert main(["ingest", str(folder), "--store", str(st), "--registry", str(reg)]) == 0
    assert main(["registry", "alias", "B1", "甲县乙局", "--store", str(st), "--registry", str(reg)]) == 0
    # the same 2023 file again, and no registry this time (an ad-hoc --store): it replaces B1's 2023
    assert main(["ingest", str(folder / "2023-甲县乙局.txt"), "--store", str(st), "--force"]) == 0
    with Store(st) as s:
        assert s.entries() == [("B1", 2023, "gov2021"), ("B1", 2024, "gov2021")]
        assert s.printed()[0] == ("B1", 2023, "甲县丙局", "甲县乙局")


def test_a_store_of_schema_1_gains_publication_dates(tmp_path):
    path = tmp_path / "v1.sqlite"
    with Store(path) as s:  # today's schema, then taken back to schema 1 (no publication date columns)
        pass
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE findings; DROP TABLE sections; DROP TABLE cells; DROP TABLE reports;" + V0.replace(
        "agency TEXT NOT NULL, year", "agency_id TEXT NOT NULL, agency TEXT NOT NULL, printed TEXT NOT NULL DEFAULT '', year"
    ).replace("UNIQUE (agency, year)", "UNIQUE (agency_id, year)").replace(
        "(7, '甲县乙局', 2023,", "(7, 'B1', '甲县丙局', '甲县乙局', 2023,").replace(
        "size INTEGER NOT NULL DEFAULT 0, ingested_at TEXT NOT NULL,",
        "size INTEGER NOT NULL DEFAULT 0, ingested_at TEXT NOT NULL, content_sha TEXT NOT NULL DEFAULT '',").replace(
        "'2025-01-01');", "'2025-01-01', 'abc');") + "PRAGMA user_version = 1;")
    db.commit()
    db.close()
    with Store(path) as s:
        r = s.get("B1", 2023)
        assert (r.agency, r.provenance.printed, r.published) == ("甲县丙局", "甲县乙局", None)
        r.published, r.published_from = "2024-01-20", "落款"
        assert s.put(r) is None and s.put(r, reread=True) == 2  # the same bytes read anew, and the reading changed
        assert s.get("甲县丙局", 2023).published == "2024-01-20"
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == 3 and s.integrity_ok()
