"""The report model: one agency's report for one year, as read from one file."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .schema import SECTION_KEYS, get_format

Number = int | float


@dataclass
class Finding:
    """A problem found while reading or checking a report, naming the cells concerned."""

    rule: str
    severity: str  # error | warning | info
    message: str
    cells: list[str] = field(default_factory=list)
    expected: Any = None
    actual: Any = None
    about: str = ""  # for a finding without cells: what it is about (a section, the other agency)
    key: str = ""    # its stable key once its report's findings are known (kit.findings.finding_keys)
    inconclusive: bool = False  # a rule that could not decide: it touches cells the reader could not read

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "cells": list(self.cells),
                             "message": self.message}
        if self.key:
            d["key"] = self.key
        if self.about:
            d["about"] = self.about
        if self.inconclusive:
            d["inconclusive"] = True
        if self.expected is not None:
            d["expected"] = self.expected
        if self.actual is not None:
            d["actual"] = self.actual
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(d["rule"], d["severity"], d["message"], list(d.get("cells", [])),
                   d.get("expected"), d.get("actual"), d.get("about", ""), d.get("key", ""),
                   bool(d.get("inconclusive", False)))


@dataclass
class Provenance:
    source: str       # file name as given
    sha256: str
    reader: str       # e.g. "text"
    size: int = 0
    printed: str = ""  # the agency's name as the report printed it (or as --agency gave it)


@dataclass
class Report:
    agency: str | None
    year: int | None
    format: str
    cells: dict[str, Number | None]
    raw: dict[str, str]
    sections: dict[str, str]
    provenance: Provenance
    findings: list[Finding] = field(default_factory=list)
    title: str = ""
    agency_id: str | None = None  # the registry's id once resolved (kit.identity); else the name is the identity
    published: str | None = None  # publication date (ISO, YYYY-MM-DD) where the source states it; never invented
    published_from: str = ""      # what stated it: "落款" (the date line of the text), "网页元数据", "PDF元数据"
    revision: int | None = None   # which stored version of the agency-year (kit.store): not part of its content

    @property
    def key(self) -> str | None:
        """The agency's identity in the store: its registry id, else its name."""
        return self.agency_id or self.agency

    def __post_init__(self) -> None:
        fmt = get_format(self.format)  # raises on an unknown version
        for cid in fmt.cell_ids():
            self.cells.setdefault(cid, None)
            self.raw.setdefault(cid, "")
        for key in SECTION_KEYS:
            self.sections.setdefault(key, "")

    def unknown_cells(self) -> set[str]:
        """Cells the reader flagged (ambiguous, unreadable, missing, settled by a hint ...), whatever the
        finding's severity: their value is not known for certain."""
        return {c for f in self.findings if f.rule.startswith("extract.") for c in f.cells}

    def to_dict(self) -> dict[str, Any]:
        """The ``xxgk extract --json`` shape."""
        return {
            "agency": self.agency, "agency_id": self.key, "year": self.year,
            "published": self.published, "published_from": self.published_from, "format": self.format, "title": self.title,
            "cells": dict(self.cells), "raw": dict(self.raw), "sections": dict(self.sections),
            "findings": [f.to_dict() for f in self.findings],
            "provenance": asdict(self.provenance),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        return cls(d["agency"], d["year"], d["format"], dict(d["cells"]), dict(d.get("raw", {})),
                   dict(d.get("sections", {})), Provenance(**d["provenance"]),
                   [Finding.from_dict(f) for f in d.get("findings", [])], d.get("title", ""),
                   d.get("agency_id"), d.get("published"), d.get("published_from", ""))
