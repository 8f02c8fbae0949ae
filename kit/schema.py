"""The two format versions of the annual report, loaded from ``kit/formats/*.json``.

The JSON files are the definition (sections, tables, rows, columns, printed labels, cell ids as in
``shared/docs/cell-ids.md``); this module only indexes them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import FormatError

VERSIONS = ("gov2021", "gov2019")
SECTION_KEYS = ("一", "二", "三", "四", "五", "六")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: str = "count"  # count | amount | delta
    group: str | None = None


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]
    block: str | None = None     # 表二: 第二十条第（x）项
    group: str | None = None     # 表三: （三）不予公开 ...
    ordinal: str | None = None
    strict: bool = False         # label only counts with its ordinal (e.g. （七）总计)
    role: str = "result"         # 表三: in | result | total | out

    def cell_id(self, table: str, column: Column) -> str:
        return f"{table}.{self.id}.{column.id}"


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    keywords: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str | None = None
    groups: tuple[tuple[str, str, str | None], ...] = ()  # 表四: (id, label, parent)

    def cell_ids(self) -> list[str]:
        return [r.cell_id(self.id, c) for r in self.rows for c in r.columns]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    keywords: tuple[str, ...]


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
        for t in self.tables:
            if t.id == table_id:
                return t
        raise FormatError(f"{self.version} has no table {table_id}")

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

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


def _build(doc: dict[str, Any]) -> FormatVersion:
    tables: list[Table] = []
    for t in doc["tables"]:
        rows: list[Row] = []
        if t["id"] == "t2":
            for block in t["blocks"]:
                cols = tuple(Column(c["id"], c["label"], c.get("kind", "count")) for c in block["columns"])
                for r in block["rows"]:
                    rows.append(Row(r["id"], r["label"], tuple(r["keywords"]), cols, block=block["item"],
                                    strict=r.get("strict", False)))
        elif t["id"] == "t3":
            cols = tuple(Column(c["id"], c["label"], t.get("kind", "count"), c.get("group")) for c in t["columns"])
            for r in t["rows"]:
                rows.append(Row(r["id"], r["label"], tuple(r["keywords"]), cols, group=r.get("group"),
                                ordinal=r.get("ordinal"), strict=r.get("strict", False), role=r.get("role", "result")))
        elif t["id"] == "t4":
            cols = tuple(Column(c["id"], c["label"], t.get("kind", "count")) for c in t["columns"])
            for g in t["groups"]:
                rows.append(Row(g["id"], g["label"], (g["label"],), cols, group=g.get("parent")))
        else:
            raise FormatError(f"unknown table {t['id']} in {doc['version']}")
        groups = tuple((g["id"], g["label"], g.get("parent")) for g in t.get("groups", []))
        tables.append(Table(t["id"], t["title"], tuple(t["keywords"]), tuple(rows), t.get("note"), groups))
    sections = tuple(Section(s["key"], s["title"], tuple(s["keywords"])) for s in doc["sections"])
    first, last = doc["years"]
    return FormatVersion(doc["version"], first, last, doc["issued_by"], tuple(doc["shape_markers"]),
                         sections, tuple(tables))


@lru_cache(maxsize=None)
def get_format(version: str) -> FormatVersion:
    """The format version ``gov2021`` or ``gov2019``."""
    if version not in VERSIONS:
        raise FormatError(f"unknown format version {version!r}; known: {', '.join(VERSIONS)}")
    text = resources.files("kit.formats").joinpath(f"{version}.json").read_text(encoding="utf-8")
    return _build(json.loads(text))


def number_text(v: int | float) -> str:
    """A number as printed, exactly: 12, 4068.208, 498363.41 (never rounded to a few digits)."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def version_for_year(year: int) -> str:
    """The format version the State Council notices prescribe for a report year."""
    return "gov2019" if year <= 2020 else "gov2021"
