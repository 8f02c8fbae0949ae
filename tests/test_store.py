import sqlite3

import pytest

from kit.demo import numbers, report_text
from kit.errors import NotFound, StoreError
from kit.readers.text import read_text
from kit.store import Store


def _report(agency="甲局", year=2024, seed=1):
    import random

    cells = numbers(random.Random(seed), 30, {})
    r = read_text(report_text(agency, year, cells, "pipe"), f"{agency}-{year}.txt")
    r.provenance.sha256 = f"sha-{seed}"
    return r


def test_roundtrip_keeps_everything(tmp_path):
    r = _report()
    with Store(tmp_path / "s.sqlite") as s:
        s.put(r)
        back = s.get("甲局", 2024)
    assert back.cells == r.cells and back.raw == r.raw and back.sections == r.sections
    assert back.provenance.source == "甲局-2024.txt" and back.provenance.sha256 == "sha-1"
    assert (back.agency, back.year, back.format) == ("甲局", 2024, "gov2021")
    assert isinstance(back.cells["t3.new.total"], int)


def test_reingest_replaces_atomically(tmp_path):
    with Store(tmp_path / "s.sqlite") as s:
        s.put(_report(seed=1))
        s.put(_report(seed=2))
        assert s.entries() == [("甲局", 2024, "gov2021")]
        assert s.get("甲局", 2024).provenance.sha256 == "sha-2"
        n = s.db.execute("SELECT count(*) FROM cells").fetchone()[0]
        assert n == len(_report().cells)  # the current revision's rows only: the earlier one is kept whole
        assert [(r["revision"], r["sha256"], r["current"]) for r in s.revisions("甲局", 2024)] == [
            (1, "sha-1", False), (2, "sha-2", True)]
        assert s.get("甲局", 2024, 1).cells == _report(seed=1).cells


def test_failed_ingest_leaves_store_as_it_was(tmp_path):
    good = _report(seed=1)
    with Store(tmp_path / "s.sqlite") as s:
        s.put(good)
        bad = _report(seed=2)
        bad.cells["t3.new.total"] = object()  # sqlite cannot bind this: fails mid-transaction
        with pytest.raises(StoreError, match="甲局-2024.txt"):
            s.put(bad)
        kept = s.get("甲局", 2024)
        assert kept.provenance.sha256 == "sha-1" and kept.cells == good.cells
        assert [r["revision"] for r in s.revisions("甲局", 2024)] == [1]  # no half-kept revision either
        assert s.db.execute("SELECT body FROM revisions").fetchall() == [(None,)]
        assert s.integrity_ok()
    # and a second connection sees the same committed state
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


def test_unknown_agency_year(tmp_path):
    r = _report()
    r.agency = None
    with Store(tmp_path / "s.sqlite") as s:
        with pytest.raises(StoreError, match="agency or year unknown"):
            s.put(r)
        with pytest.raises(NotFound):
            s.get("乙局", 2024)


def test_history_and_year(tmp_path):
    with Store(tmp_path / "s.sqlite") as s:
        for agency, year, seed in [("甲局", 2023, 1), ("甲局", 2024, 2), ("乙局", 2024, 3)]:
            s.put(_report(agency, year, seed))
        assert [r.year for r in s.history("甲局")] == [2023, 2024]
        assert [r.agency for r in s.year(2024)] == ["乙局", "甲局"]


def test_missing_store_is_reported(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "none.sqlite", create=False)


def test_default_path_from_env(monkeypatch, tmp_path):
    from kit.store import default_path

    monkeypatch.setenv("XXGK_STORE", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"


def test_a_store_without_the_look_up_indexes_gets_them_and_a_read_only_one_still_reads(tmp_path, monkeypatch):
    import contextlib

    from kit.store import INDEXES

    path = tmp_path / "s.sqlite"
    with Store(path) as s:
        s.put(_report())

    def drop() -> None:  # as an earlier kit left it
        db = sqlite3.connect(path)
        for name in INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")
        db.commit()
        db.close()

    drop()

    @contextlib.contextmanager
    def read_only(self):  # what SQLite says of a file this process may not write (root writes anyway)
        raise sqlite3.OperationalError("attempt to write a readonly database")
        yield

    with monkeypatch.context() as m:
        m.setattr(Store, "_transaction", read_only)
        with Store(path, create=False) as s:  # read without the indexes
            assert s.get("甲局", 2024).agency == "甲局"
    with Store(path) as s:
        have = {n for (n,) in s.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(str(r) for r in s.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM reports WHERE agency = ? AND year = ?", ("甲局", 2024)))
        assert s.get("甲局", 2024).year == 2024
    assert set(INDEXES) <= have and "reports_by_name" in plan
