"""The store: one SQLite file holding every ingested report.

One transaction per report: re-ingesting an agency-year replaces the old rows atomically, and a
failure part-way leaves the file exactly as it was. WAL mode lets notebooks read while an ingest
writes.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from . import faults
from .errors import NotFound, StoreError
from .model import Finding, Provenance, Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    reader TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL,
    content_sha TEXT NOT NULL DEFAULT '',
    UNIQUE (agency, year)
);
CREATE TABLE IF NOT EXISTS cells (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    cell_id TEXT NOT NULL,
    value NUMERIC,
    raw TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, cell_id)
);
CREATE TABLE IF NOT EXISTS sections (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (report_id, key)
);
CREATE TABLE IF NOT EXISTS findings (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    cells TEXT NOT NULL,
    message TEXT NOT NULL,
    expected TEXT,
    actual TEXT,
    PRIMARY KEY (report_id, seq)
);
"""


def content_sha(report: Report) -> str:
    """A hash of everything a report says (cells, texts, sections, findings, provenance)."""
    import hashlib

    blob = json.dumps(report.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def default_path() -> Path:
    """The project's store (``xxgk config``: ``--store`` > ``XXGK_STORE`` > xxgk.toml > data/xxgk.sqlite)."""
    from .config import load

    return Path(load()["store"])


class Store:
    """A report store; use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path else default_path()
        if not create and not self.path.exists():
            raise StoreError(f"no store at {self.path}: ingest reports first (xxgk ingest)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.executescript(SCHEMA)
            cols = {r[1] for r in self.db.execute("PRAGMA table_info(reports)")}
            if "content_sha" not in cols:  # a store written by an earlier version
                self.db.execute("ALTER TABLE reports ADD COLUMN content_sha TEXT NOT NULL DEFAULT ''")
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open store {self.path}: {e}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- writing --------------------------------------------------------------------------
    def put(self, report: Report) -> None:
        """Store a report, replacing any earlier one for the same agency and year."""
        if not report.agency or not report.year:
            raise StoreError(f"{report.provenance.source}: agency or year unknown (no title line); "
                             "give --agency and --year")
        try:
            with self._transaction() as db:
                db.execute("DELETE FROM reports WHERE agency = ? AND year = ?", (report.agency, report.year))
                p = report.provenance
                cur = db.execute(
                    "INSERT INTO reports (agency, year, format, title, source, sha256, reader, size, ingested_at,"
                    " content_sha) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (report.agency, report.year, report.format, report.title, p.source, p.sha256, p.reader,
                     p.size, datetime.now(timezone.utc).isoformat(timespec="seconds"), content_sha(report)))
                rid = cur.lastrowid
                db.executemany("INSERT INTO cells (report_id, cell_id, value, raw) VALUES (?,?,?,?)",
                               [(rid, cid, v, report.raw.get(cid, "")) for cid, v in report.cells.items()])
                faults.point("store.write")  # half of the report written: only the transaction keeps it whole
                db.executemany("INSERT INTO sections (report_id, key, text) VALUES (?,?,?)",
                               [(rid, k, t) for k, t in report.sections.items()])
                db.executemany(
                    "INSERT INTO findings (report_id, seq, rule, severity, cells, message, expected, actual)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [(rid, i, f.rule, f.severity, json.dumps(f.cells, ensure_ascii=False), f.message,
                      json.dumps(f.expected, ensure_ascii=False), json.dumps(f.actual, ensure_ascii=False))
                     for i, f in enumerate(report.findings)])
        except sqlite3.Error as e:
            raise StoreError(f"cannot store {report.provenance.source}: {e}") from None
        faults.point("store.commit")

    # -- reading --------------------------------------------------------------------------
    def entries(self) -> list[tuple[str, int, str]]:
        """(agency, year, format) of every stored report, sorted."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT agency, year, format FROM reports ORDER BY agency, year")]

    def content_hashes(self) -> dict[tuple[str, int], str]:
        """(agency, year) -> content hash of every stored report, in one query."""
        return {(a, y): h for a, y, h in self.db.execute("SELECT agency, year, content_sha FROM reports")}

    def sources(self) -> set[tuple[str, str]]:
        """(source file name, its sha256) of every stored report."""
        return {(s, h) for s, h in self.db.execute("SELECT source, sha256 FROM reports")}

    def get(self, agency: str, year: int) -> Report:
        row = self.db.execute("SELECT id, agency, year, format, title, source, sha256, reader, size "
                              "FROM reports WHERE agency = ? AND year = ?", (agency, int(year))).fetchone()
        if row is None:
            raise NotFound(f"no report for {agency} {year} in {self.path}")
        rid = row[0]
        cells = {}
        raw = {}
        for cid, v, r in self.db.execute("SELECT cell_id, value, raw FROM cells WHERE report_id = ?", (rid,)):
            cells[cid] = v
            raw[cid] = r
        sections = dict(self.db.execute("SELECT key, text FROM sections WHERE report_id = ?", (rid,)).fetchall())
        findings = [Finding(rule, sev, msg, json.loads(c), json.loads(e) if e else None, json.loads(a) if a else None)
                    for rule, sev, c, msg, e, a in self.db.execute(
                        "SELECT rule, severity, cells, message, expected, actual FROM findings "
                        "WHERE report_id = ? ORDER BY seq", (rid,))]
        return Report(row[1], row[2], row[3], cells, raw, sections,
                      Provenance(row[5], row[6], row[7], row[8]), findings, row[4])

    def history(self, agency: str) -> list[Report]:
        """Every stored year of one agency, oldest first."""
        years = [y for (y,) in self.db.execute("SELECT year FROM reports WHERE agency = ? ORDER BY year", (agency,))]
        return [self.get(agency, y) for y in years]

    def year(self, year: int) -> list[Report]:
        """Every agency's report for one year."""
        agencies = [a for (a,) in self.db.execute("SELECT agency FROM reports WHERE year = ? ORDER BY agency",
                                                  (int(year),))]
        return [self.get(a, year) for a in agencies]

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and not self.db.execute(
            "PRAGMA foreign_key_check").fetchall()
