"""The two format versions of the annual report, loaded from the JSON files beside this module.

The JSON files are the definition (sections, tables, rows, columns, printed labels, column and row
roles, the identities, cell ids as in ``shared/docs/cell-ids.md``); this module only indexes them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, TypeVar

from ..errors import FormatError

if TYPE_CHECKING:
    from .identities import Identity

VERSIONS = ("gov2021", "gov2019")
SECTION_KEYS = ("一", "二", "三", "四", "五", "六")
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: str = "count"          # count | amount | delta
    group: str | None = None     # 表三: 法人或其他组织
    role: str = "part"           # part | total
    noted_as: tuple[str, ...] = ()  # words of a note printed with a value of this column ("（其中修订16件）")


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    block: str | None = None     # 表二: 第二十条第（x）项
    group: str | None = None     # 表三: （三）不予公开 ...; 表四: the parent group (行政诉讼)
    ordinal: str | None = None
    strict: bool = False         # label only counts with its ordinal (e.g. （七）总计)
    role: str = "result"         # 表三: in | result | total | out
    said_as: tuple[str, ...] = ()  # 表二: other words the prose uses for the row's subject (its hints)

    def cell_id(self, table: str, column: Column) -> str:
        return f"{table}.{self.id}.{column.id}"


@dataclass(frozen=True)
class Table:
    """One statutory table: its rows (each with its columns), labels, and identities."""

    id: str
    rows: tuple[Row, ...]
    title: str
    keywords: tuple[str, ...]
    note: str = ""                     # 表三: the 勾稽 note in the top-left header cell
    results_label: str = ""            # 表三: 三、本年度办理结果, the label over the result rows
    outcomes: tuple[Outcome, ...] = ()
    declared: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)  # identities as data

    @property
    def name(self) -> str:
        """表二, 表三 or 表四."""
        return TABLE_NAMES[self.id]

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns of the widest row (every row of 表三 and 表四; 表二's blocks differ)."""
        return max((r.columns for r in self.rows), key=len)

    @property
    def parts(self) -> tuple[Column, ...]:
        """The columns that add up to 总计: 表三's six applicant columns, 表四's four results."""
        return tuple(c for c in self.columns if c.role == "part")

    @property
    def total(self) -> Column:
        """The 总计 column."""
        return next(c for c in self.columns if c.role == "total")

    def column(self, column_id: str) -> Column:
        return _one(self.columns, column_id, f"table {self.id} has no column")

    def row(self, row_id: str) -> Row:
        return _one(self.rows, row_id, f"table {self.id} has no row")

    def blocks(self) -> list[tuple[str, tuple[Row, ...]]]:
        """表二: (printed item, its rows) in order; other tables are one block without a name."""
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            out.setdefault(r.block or "", []).append(r)
        return [(item, tuple(rows)) for item, rows in out.items()]

    def outcome(self, outcome_id: str) -> Outcome:
        return _one(self.outcomes, outcome_id, f"table {self.id} has no outcome")

    def cell_ids(self) -> list[str]:
        return [r.cell_id(self.id, c) for r in self.rows for c in r.columns]

    def row_cell_ids(self, row_id: str) -> list[str]:
        """The ids of one row's cells, in column order."""
        row = self.row(row_id)
        return [row.cell_id(self.id, c) for c in row.columns]

    @cached_property
    def identities(self) -> tuple["Identity", ...]:
        """Every identity of this table (S1 per row, S2 and O1 per column, S4 per group)."""
        from .identities import derive

        return derive(self)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    keywords: tuple[str, ...]          # words of its standard heading
    topic: tuple[str, ...] = ()        # words of what it is about: a renamed heading, a passage without one
    covers: tuple[tuple[str, str], ...] = ()  # aspects it must cover: (name, a regular expression of its wordings)


@dataclass(frozen=True)
class Outcome:
    """One kind of 表三 result (予以公开, 不予公开 ...): its result rows."""

    id: str
    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class FormatVersion:
    version: str
    first_year: int
    last_year: int | None
    issued_by: str
    shape_markers: tuple[str, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    _cells: dict[str, tuple[Table, Row, Column]] = field(default_factory=dict, compare=False, repr=False)

    def table(self, table_id: str) -> Table:
        return _one(self.tables, table_id, f"{self.version} has no table")

    def section(self, key: str) -> Section:
        return _one(self.sections, key, f"{self.version} has no section")

    def cell_ids(self) -> list[str]:
        return [cid for t in self.tables for cid in t.cell_ids()]

    def cell(self, cell_id: str) -> tuple[Table, Row, Column]:
        if not self._cells:
            for t in self.tables:
                for r in t.rows:
                    for c in r.columns:
                        self._cells[r.cell_id(t.id, c)] = (t, r, c)
        try:
            return self._cells[cell_id]
        except KeyError:
            raise FormatError(f"{self.version} has no cell {cell_id}") from None

    def identities(self, rule: str | None = None) -> list["Identity"]:
        """Every identity of the three tables, or those of one rule (``"S1"``, ``"S2"``, ``"O1"``, ``"S4"``)."""
        return [i for t in self.tables for i in t.identities if rule is None or i.rule == rule]

    def identity(self, rule: str, key: str) -> "Identity":
        """The identity of one rule about one row or column (``identity("S1", "granted")``)."""
        for i in self.identities(rule):
            if i.key == key:
                return i
        raise FormatError(f"{self.version} has no identity {rule} for {key}")


_T = TypeVar("_T", Column, Row, Outcome, Table, Section)


def _one(items: Iterable[_T], ident: str, missing: str) -> _T:
    """The item whose id (a section's key) is ``ident``; a FormatError saying what is missing otherwise."""
    for item in items:
        if (item.key if isinstance(item, Section) else item.id) == ident:
            return item
    raise FormatError(f"{missing} {ident}")


def _column(c: dict[str, Any], kind: str = "count") -> Column:
    return Column(c["id"], c["label"], c.get("kind", kind), c.get("group"), c.get("role", "part"),
                  tuple(c.get("noted_as", ())))


def _build(doc: dict[str, Any]) -> FormatVersion:
    tables: list[Table] = []
    for t in doc["tables"]:
        rows: list[Row] = []
        if t["id"] == "t2":
            for block in t["blocks"]:
                cols = tuple(_column(c) for c in block["columns"])
                for r in block["rows"]:
                    rows.append(Row(r["id"], r["label"], tuple(r["keywords"]), cols, block=block["item"],
                                    strict=r.get("strict", False), said_as=tuple(r.get("said_as", ()))))
        elif t["id"] == "t3":
            cols = tuple(_column(c, t.get("kind", "count")) for c in t["columns"])
            for r in t["rows"]:
                rows.append(Row(r["id"], r["label"], tuple(r["keywords"]), cols, group=r.get("group"),
                                ordinal=r.get("ordinal"), strict=r.get("strict", False), role=r.get("role", "result")))
        elif t["id"] == "t4":
            cols = tuple(_column(c, t.get("kind", "count")) for c in t["columns"])
            for g in t["groups"]:
                rows.append(Row(g["id"], g["label"], (g["label"],), cols, group=g.get("parent")))
        else:
            raise FormatError(f"unknown table {t['id']} in {doc['version']}")
        # an outcome holds the result rows whose id starts with its own (deny -> deny.state_secret ...)
        outcomes = tuple(Outcome(o["id"], o["label"], tuple(
            r for r in rows if r.role == "result" and r.id.split(".")[0] == o["id"])) for o in t.get("outcomes", []))
        tables.append(Table(t["id"], tuple(rows), t["title"], tuple(t["keywords"]), note=t.get("note", ""),
                            results_label=t.get("results_label", ""), outcomes=outcomes,
                            declared=tuple(t.get("identities", []))))
    sections = tuple(Section(s["key"], s["title"], tuple(s["keywords"]), tuple(s.get("topic", ())),
                             tuple((name, "|".join(pats)) for name, pats in s.get("covers", {}).items()))
                     for s in doc["sections"])
    first, last = doc["years"]
    return FormatVersion(doc["version"], first, last, doc["issued_by"], tuple(doc["shape_markers"]),
                         sections, tuple(tables))


@lru_cache(maxsize=None)
def get_format(version: str) -> FormatVersion:
    """The format version ``gov2021`` or ``gov2019``."""
    if version not in VERSIONS:
        raise FormatError(f"unknown format version {version!r}; known: {', '.join(VERSIONS)}")
    text = resources.files("kit.schema").joinpath(f"{version}.json").read_text(encoding="utf-8")
    return _build(json.loads(text))


def version_for_year(year: int) -> str:
    """The format version the State Council notices prescribe for a report year."""
    return "gov2019" if year <= 2020 else "gov2021"
