"""The store: one SQLite file holding every ingested report.

One transaction per report: a failure part-way leaves the file exactly as it was. WAL mode lets
notebooks read while an ingest writes.

Every version of an agency-year is kept as a revision (1, 2, ...; ``revisions``): the latest is
current and lives in ``reports``/``cells``/``sections``/``findings``; a superseded one is kept whole
as compressed JSON. A file byte-identical to a stored revision adds none. Reviewers' decisions on
findings are rows of ``decisions``, append-only (triggers refuse an update or a delete; a re-link
alone may move them to another agency id); :mod:`kit.review` reads and writes them.

A report is stored under its agency's identity (``agency_id``: the registry's id once the printed
name is resolved, else the name itself), with the canonical name shown (``agency``) and the name as
printed (``printed``) beside it. The file carries its schema version (``PRAGMA user_version``); a
store written by an earlier kit is migrated in place, in one transaction, the first time it is
opened.
"""
from __future__ import annotations

import json
import sqlite3
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from . import faults
from .errors import NotFound, StoreError
from .model import Finding, Provenance, Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    agency TEXT NOT NULL,
    printed TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    reader TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL,
    content_sha TEXT NOT NULL DEFAULT '',
    published TEXT,
    published_from TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    UNIQUE (agency_id, year)
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
CREATE TABLE IF NOT EXISTS revisions (
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    reader TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    body BLOB,
    PRIMARY KEY (agency_id, year, revision)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    finding TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    revision INTEGER NOT NULL,
    evidence TEXT NOT NULL DEFAULT '{}',
    origin TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS decisions_of_report ON decisions (agency_id, year);
CREATE TRIGGER IF NOT EXISTS decisions_kept BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are an audit trail: never deleted'); END;
CREATE TRIGGER IF NOT EXISTS decisions_unchanged
BEFORE UPDATE OF id, year, finding, status, reason, reviewer, at, revision, evidence, origin ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are an audit trail: never changed'); END
"""
# PRAGMA user_version: 0 before identities (agency name as the key), 1 before publication dates, 2 before
# revisions and decisions
VERSION = 3
REPORT_COLUMNS = ("id, agency_id, agency, printed, year, format, title, source, sha256, reader, size, ingested_at,"
                  " content_sha, published, published_from, revision")


STATEMENTS = [x for x in SCHEMA.split(";\n") if x.strip()]  # a trigger's body holds a ";" of its own
# Look-ups by the name shown or printed (get, key, put) search these instead of reading every report:
# indexes only, no change of what the file holds (an older kit reads and writes the file as before).
INDEXES = {"reports_by_name": "CREATE INDEX IF NOT EXISTS reports_by_name ON reports (agency, year)",
           "reports_by_printed": "CREATE INDEX IF NOT EXISTS reports_by_printed ON reports (printed, year)"}


def _to_1(db: sqlite3.Connection) -> int:
    """Schema 0 keyed reports by the agency's name: the identity column added (the name is the identity)."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(reports)")}
    sha = "content_sha" if "content_sha" in cols else "''"
    # SQLite's way to change a constraint: a new table, copied, swapped in (the cells, sections and
    # findings keep referring to "reports")
    db.execute("""CREATE TABLE reports_new (id INTEGER PRIMARY KEY, agency_id TEXT NOT NULL, agency TEXT NOT NULL,
        printed TEXT NOT NULL DEFAULT '', year INTEGER NOT NULL, format TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL, sha256 TEXT NOT NULL, reader TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,
        ingested_at TEXT NOT NULL, content_sha TEXT NOT NULL DEFAULT '', UNIQUE (agency_id, year))""")
    db.execute("INSERT INTO reports_new SELECT id, agency, agency, agency, year, format, title, source, sha256, reader, "
               f"size, ingested_at, {sha} FROM reports")
    db.execute("DROP TABLE reports")
    db.execute("ALTER TABLE reports_new RENAME TO reports")
    return 1


def _to_2(db: sqlite3.Connection) -> int:
    """Schema 1 had no publication dates."""
    db.execute("ALTER TABLE reports ADD COLUMN published TEXT")
    db.execute("ALTER TABLE reports ADD COLUMN published_from TEXT NOT NULL DEFAULT ''")
    return 2


def _to_3(db: sqlite3.Connection) -> int:
    """Schema 2 kept one version of each agency-year and no decisions: what it holds becomes revision 1."""
    db.execute("ALTER TABLE reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")
    for statement in STATEMENTS:
        db.execute(statement)
    db.execute("INSERT INTO revisions (agency_id, year, revision, source, sha256, reader, ingested_at, content_sha) "
               "SELECT agency_id, year, revision, source, sha256, reader, ingested_at, content_sha FROM reports")
    return 3


_STEPS = {0: _to_1, 1: _to_2, 2: _to_3}


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
            self._migrate()
            self._index()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open store {self.path}: {e}") from None

    def _migrate(self) -> None:
        """Bring the file to :data:`VERSION`: create it, or upgrade an older one step by step, each step
        in one transaction that also records the version it reached (a failed step leaves the last)."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == VERSION:
            return
        if version > VERSION:
            raise StoreError(f"store {self.path} was written by a newer xxgk-kit (schema {version}, "
                             f"this kit knows {VERSION}): upgrade the kit")
        self.db.execute("PRAGMA foreign_keys = OFF")  # the reports table is rebuilt under its cells
        try:
            while True:
                with self._transaction() as db:
                    version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
                    if version >= VERSION:
                        return
                    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                    if "reports" not in tables:  # a new file: the whole schema at once
                        for statement in STATEMENTS:
                            db.execute(statement)
                        version = VERSION
                    else:
                        version = _STEPS[version](db)
                    if db.execute("PRAGMA foreign_key_check").fetchall():
                        raise StoreError(f"store {self.path}: migration would break its references; left as it was")
                    db.execute(f"PRAGMA user_version = {version}")
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    def _index(self) -> None:
        """Create the look-up :data:`INDEXES` a store lacks (made by an earlier kit); a store this process
        may not write is read without them."""
        have = {n for (n,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        if have.issuperset(INDEXES):
            return
        try:
            with self._transaction() as db:
                for statement in INDEXES.values():
                    db.execute(statement)
        except sqlite3.OperationalError:  # read-only, or busy for longer than the timeout: only slower
            pass

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
    def put(self, report: Report, *, reread: bool = False) -> int | None:
        """Store a report as the newest revision of its agency (its identity) and year; returns that
        revision's number, or None when none was added: the file is byte-identical to a stored revision
        (with ``reread``, to the current one only, and its new reading differs), so nothing changed."""
        if not report.agency or not report.year:
            raise StoreError(f"{report.provenance.source}: agency or year unknown (no title line); "
                             "give --agency and --year")
        printed = report.provenance.printed or report.agency
        try:
            with self._transaction() as db:
                if report.agency_id is None:
                    # not resolved here (no registry given): a name the store has linked before keeps its agency
                    row = db.execute("SELECT agency_id, agency FROM reports WHERE printed = ? AND agency_id != ? "
                                     "ORDER BY year DESC LIMIT 1", (printed, report.agency)).fetchone()
                    if row:
                        report.agency_id, report.agency = row
                key, p, sha = report.key or report.agency, report.provenance, content_sha(report)
                current = db.execute("SELECT revision, sha256, content_sha FROM reports WHERE agency_id = ? AND year = ?",
                                     (key, report.year)).fetchone()
                if current is not None:
                    same = {h for (h,) in db.execute("SELECT sha256 FROM revisions WHERE agency_id = ? AND year = ?",
                                                     (key, report.year))}
                    if p.sha256 in same and not (reread and p.sha256 == current[1] and sha != current[2]):
                        return None
                    # the current revision is kept whole before its rows give way to the new one
                    body = zlib.compress(json.dumps(self.get(key, report.year).to_dict(), ensure_ascii=False,
                                                    default=str).encode("utf-8"))
                    db.execute("UPDATE revisions SET body = ? WHERE agency_id = ? AND year = ? AND revision = ?",
                               (body, key, report.year, current[0]))
                    db.execute("DELETE FROM reports WHERE agency_id = ? AND year = ?", (key, report.year))
                revision = 1 + (db.execute("SELECT max(revision) FROM revisions WHERE agency_id = ? AND year = ?",
                                           (key, report.year)).fetchone()[0] or 0)
                at = datetime.now(timezone.utc).isoformat(timespec="seconds")
                cur = db.execute(
                    f"INSERT INTO reports ({REPORT_COLUMNS.removeprefix('id, ')}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key, report.agency, printed, report.year, report.format, report.title,
                     p.source, p.sha256, p.reader, p.size, at, sha, report.published, report.published_from or "",
                     revision))
                rid = cur.lastrowid
                db.executemany("INSERT INTO cells (report_id, cell_id, value, raw) VALUES (?,?,?,?)",
                               [(rid, cid, v, report.raw.get(cid, "")) for cid, v in report.cells.items()])
                faults.point("store.write")  # half of the report written: only the transaction keeps it whole
                db.executemany("INSERT INTO sections (report_id, key, text) VALUES (?,?,?)",
                               [(rid, k, t) for k, t in report.sections.items()])
                self._put_findings(db, rid, report.findings)
                db.execute("INSERT INTO revisions (agency_id, year, revision, source, sha256, reader, ingested_at, "
                           "content_sha) VALUES (?,?,?,?,?,?,?,?)",
                           (key, report.year, revision, p.source, p.sha256, p.reader, at, sha))
        except sqlite3.Error as e:
            raise StoreError(f"cannot store {report.provenance.source}: {e}") from None
        faults.point("store.commit")
        return revision

    @staticmethod
    def _put_findings(db: sqlite3.Connection, rid: int | None, findings: list[Finding]) -> None:
        db.execute("DELETE FROM findings WHERE report_id = ?", (rid,))
        db.executemany(
            "INSERT INTO findings (report_id, seq, rule, severity, cells, message, expected, actual)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [(rid, i, f.rule, f.severity, json.dumps(f.cells, ensure_ascii=False), f.message,
              json.dumps(f.expected, ensure_ascii=False), json.dumps(f.actual, ensure_ascii=False))
             for i, f in enumerate(findings)])

    def relink(self, link: Callable[[str], tuple[str, str, list[Finding]]], *,
               dry_run: bool = False) -> list[tuple[str, str, int]]:
        """Re-resolve every stored report's printed name, in one transaction: ``link(printed)`` gives
        (identity, name shown, identity findings), as :meth:`kit.identity.Resolver.link` does.

        Returns (old identity, new identity, year) of each report that moved to another agency; a
        report whose identity findings alone changed is updated too. Two reports that would end up
        as one agency-year are an error naming both, and nothing changes. ``dry_run``: say, change nothing.
        """
        rows = self.db.execute("SELECT id, agency_id, agency, printed, year FROM reports ORDER BY agency_id, year")
        known: dict[int, list[dict[str, object]]] = {}
        for rid, rule, sev, c, msg, e, a in self.db.execute(
                "SELECT report_id, rule, severity, cells, message, expected, actual FROM findings "
                "WHERE rule LIKE 'identity.%' ORDER BY report_id, seq"):
            known.setdefault(rid, []).append(Finding(rule, sev, msg, json.loads(c), json.loads(e) if e else None,
                                                     json.loads(a) if a else None).to_dict())
        links: dict[str, tuple[str, str, list[Finding]]] = {}
        final: dict[tuple[str, int], tuple[str, int]] = {}
        moved: list[tuple[int, str, int, tuple[str, str, list[Finding]]]] = []
        for rid, old, name, printed, year in rows.fetchall():
            new = links.get(printed) or links.setdefault(printed, link(printed or name))
            final[(old, year)] = (new[0], year)
            if (new[0], new[1], [f.to_dict() for f in new[2]]) != (old, name, known.get(rid, [])):
                moved.append((rid, old, year, new))
        if not moved:
            return []
        seen: dict[tuple[str, int], tuple[str, int]] = {}
        for before, after in sorted(final.items()):
            if after in seen:
                x, y = self.get(*seen[after]), self.get(*before)
                raise StoreError(f"{self.path}: {x.provenance.source} (printed {x.provenance.printed}) and "
                                 f"{y.provenance.source} (printed {y.provenance.printed}) would both be {after[0]} "
                                 f"{after[1]}; nothing re-linked: correct the registry, or re-ingest the right file "
                                 "with --agency")
            seen[after] = before
        if dry_run:
            return [(old, new[0], year) for _, old, year, new in moved if old != new[0]]
        try:
            with self._transaction() as db:
                reports = [(rid, self.get(old, year), new) for rid, old, year, new in moved]
                # two reports may swap identities: park every moving row first, then set its final key
                db.executemany("UPDATE reports SET agency_id = ? WHERE id = ?", [(f"\0{rid}", rid) for rid, *_ in moved])
                for table in ("revisions", "decisions"):  # an agency-year's versions and decisions move with it
                    db.executemany(f"UPDATE {table} SET agency_id = ? WHERE agency_id = ? AND year = ?",
                                   [(f"\0{rid}", old, year) for rid, old, year, _ in moved])
                    db.executemany(f"UPDATE {table} SET agency_id = ? WHERE agency_id = ? AND year = ?",
                                   [(new[0], f"\0{rid}", year) for rid, old, year, new in moved])
                for rid, report, (key, name, found) in reports:
                    report.agency_id, report.agency = key, name
                    report.findings = found + [f for f in report.findings if not f.rule.startswith("identity.")]
                    db.execute("UPDATE reports SET agency_id = ?, agency = ?, content_sha = ? WHERE id = ?",
                               (key, name, content_sha(report), rid))
                    self._put_findings(db, rid, report.findings)
        except sqlite3.Error as e:
            raise StoreError(f"cannot re-link reports in {self.path}: {e}") from None
        return [(old, new[0], year) for _, old, year, new in moved if old != new[0]]

    # -- reading --------------------------------------------------------------------------
    def entries(self) -> list[tuple[str, int, str]]:
        """(agency identity, year, format) of every stored report, sorted."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT agency_id, year, format FROM reports ORDER BY agency_id, year")]

    def names(self) -> dict[str, str]:
        """Agency identity -> the name shown (the registry's canonical one once resolved)."""
        return dict(self.db.execute("SELECT agency_id, agency FROM reports ORDER BY year"))

    def printed(self) -> list[tuple[str, int, str, str]]:
        """(identity, year, name shown, name printed) of every stored report, sorted."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT agency_id, year, agency, printed FROM reports ORDER BY agency_id, year")]

    def content_hashes(self) -> dict[tuple[str, int], str]:
        """(agency identity, year) -> a hash of every stored report's current content and of the decisions
        on its findings (a decision changes what its reports show), in two queries."""
        hashes = {(a, y): h for a, y, h in self.db.execute("SELECT agency_id, year, content_sha FROM reports")}
        for a, y, n, last in self.db.execute("SELECT agency_id, year, count(*), max(id) FROM decisions "
                                             "GROUP BY agency_id, year"):
            if (a, y) in hashes:  # append-only: the count and the last row say which decisions there are
                hashes[(a, y)] += f":decisions:{n}:{last}"
        return hashes

    def sources(self) -> set[tuple[str, str]]:
        """(source file name, its sha256) of every stored revision."""
        return {(s, h) for s, h in self.db.execute("SELECT source, sha256 FROM revisions")}

    def revisions(self, agency: str, year: int) -> list[dict[str, object]]:
        """Every revision of one agency-year, oldest first: revision, source, sha256, reader, ingested_at,
        and ``current`` (the latest)."""
        key = self.key(agency) or agency
        rows = self.db.execute("SELECT revision, source, sha256, reader, ingested_at FROM revisions "
                               "WHERE agency_id = ? AND year = ? ORDER BY revision", (key, int(year))).fetchall()
        last = rows[-1][0] if rows else None
        return [{"revision": n, "source": src, "sha256": sha, "reader": reader, "ingested_at": at,
                 "current": n == last} for n, src, sha, reader, at in rows]

    def key(self, agency: str) -> str | None:
        """The stored identity ``agency`` names (an identity, or a name shown or printed), else None."""
        row = self.db.execute("SELECT agency_id FROM reports WHERE agency_id = ? OR agency = ? OR printed = ? "
                              "ORDER BY agency_id = ? DESC, agency = ? DESC, year DESC LIMIT 1",
                              (agency, agency, agency, agency, agency)).fetchone()
        return row[0] if row else None

    def get(self, agency: str, year: int, revision: int | None = None) -> Report:
        """One report by its agency's identity or the name it is shown under: the current revision, or
        the one numbered ``revision``."""
        if revision is not None:
            return self._revision(agency, int(year), int(revision))
        row = self.db.execute(f"SELECT {REPORT_COLUMNS} FROM reports WHERE (agency_id = ? OR agency = ?) AND year = ? "
                              "ORDER BY agency_id = ? DESC LIMIT 1", (agency, agency, int(year), agency)).fetchone()
        if row is None:
            key = self.key(agency)  # a name it was printed under
            if key is not None and key != agency:
                return self.get(key, year)
            raise NotFound(f"no report for {agency} {year} in {self.path}")
        rid, key, name, printed, year_, fmt, title, source, sha, reader, size = row[:11]
        published, published_from, revision = row[13], row[14], row[15]
        rows = self.db.execute("SELECT cell_id, value, raw FROM cells WHERE report_id = ?", (rid,)).fetchall()
        cells = {cid: v for cid, v, _ in rows}
        raw = {cid: r for cid, _, r in rows}
        sections = dict(self.db.execute("SELECT key, text FROM sections WHERE report_id = ?", (rid,)).fetchall())
        findings = [Finding(rule, sev, msg, json.loads(c), json.loads(e) if e else None, json.loads(a) if a else None)
                    for rule, sev, c, msg, e, a in self.db.execute(
                        "SELECT rule, severity, cells, message, expected, actual FROM findings "
                        "WHERE report_id = ? ORDER BY seq", (rid,))]
        report = Report(name, year_, fmt, cells, raw, sections, Provenance(source, sha, reader, size, printed),
                        findings, title, key, published, published_from)
        report.revision = revision
        return report

    def _revision(self, agency: str, year: int, revision: int) -> Report:
        key = self.key(agency) or agency
        row = self.db.execute("SELECT body FROM revisions WHERE agency_id = ? AND year = ? AND revision = ?",
                              (key, year, revision)).fetchone()
        if row is None:
            held = [r["revision"] for r in self.revisions(key, year)]
            raise NotFound(f"no revision {revision} of {agency} {year} in {self.path}"
                           + (f" (revisions {', '.join(map(str, held))})" if held else ""))
        if row[0] is None:  # the current one
            return self.get(key, year)
        report = Report.from_dict(json.loads(zlib.decompress(row[0]).decode("utf-8")))
        shown = self.db.execute("SELECT agency FROM reports WHERE agency_id = ? AND year = ?", (key, year)).fetchone()
        # a re-link since moves the revision (its row), not the identity written inside its body
        report.agency_id, report.agency, report.revision = key, shown[0] if shown else report.agency, revision
        return report

    def history(self, agency: str) -> list[Report]:
        """Every stored year of one agency (its identity, or a name it is shown or printed under), oldest first."""
        key = self.key(agency)
        years = [y for (y,) in self.db.execute("SELECT year FROM reports WHERE agency_id = ? ORDER BY year", (key,))]
        return [self.get(key, y) for y in years] if key else []

    def year(self, year: int) -> list[Report]:
        """Every agency's report for one year."""
        keys = [a for (a,) in self.db.execute("SELECT agency_id FROM reports WHERE year = ? ORDER BY agency_id",
                                              (int(year),))]
        return [self.get(a, year) for a in keys]

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and not self.db.execute(
            "PRAGMA foreign_key_check").fetchall()
