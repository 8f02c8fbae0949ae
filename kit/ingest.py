"""Ingest: report files (or folders of them) read into the store, one transaction each.

A file whose name and content (sha256) are already stored (as any revision) is skipped unless
``reread`` is given, so a scheduled ``xxgk ingest`` over an inbox that did not change reads nothing. A
new file for an agency-year already stored becomes its next revision (:meth:`kit.store.Store.put`). With a registry, each
report's printed name is resolved to its agency (:mod:`kit.identity`) before it is stored.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import InputError, NotFound, StoreError
from .model import Report
from .registry import Registry
from .store import Store

if TYPE_CHECKING:
    from .identity import Resolver
    from .readers.text import LastYear

SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg",
            ".tif", ".tiff"}


@dataclass
class Ingested:
    """What became of one file: ``report`` when read (``revision``: the one it became, None when it
    matched a stored revision and added none), ``error`` when refused, neither when skipped unread."""

    path: Path
    report: Report | None = None
    error: InputError | StoreError | None = None
    revision: int | None = None

    @property
    def unchanged(self) -> bool:
        return self.report is None and self.error is None


def files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The report files among ``paths``: files as given, folders searched (hidden files left out)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUFFIXES
                              and not q.name.startswith("."))
        else:
            yield p


def last_year(store: Store, resolver: "Resolver | None") -> "LastYear":
    """The reader's look-up of an agency's report of the year before, in ``store`` (through the
    registry's resolution of the printed name when there is one)."""
    def look(printed: str | None, year: int | None) -> Report | None:
        if not printed or not year:
            return None
        key = resolver.resolve(printed).key if resolver is not None else printed
        try:
            return store.get(key, year - 1)
        except NotFound:
            return None

    return look


def ingest(paths: Iterable[str | Path], store: Store, *, agency: str | None = None, year: int | None = None,
           reread: bool = False, registry: Registry | None = None) -> Iterator[Ingested]:
    """Read each file into ``store``; one result per file, in order, whatever happened to the others.

    ``agency`` (a name, an alias or a registry id) overrides every file's title line.
    """
    from .identity import Resolver
    from .readers import read_file

    resolver = Resolver(registry) if registry is not None else None
    known = set() if reread else store.sources()
    for path in files(paths):
        try:
            if (path.name, hashlib.sha256(path.read_bytes()).hexdigest()) in known and not (agency or year):
                yield Ingested(path)
                continue
        except OSError:
            pass  # the reader names the problem
        try:
            report = read_file(path, agency=agency, year=year, previous=last_year(store, resolver))
            report.provenance.printed = report.agency or ""
            if resolver is not None and report.agency:
                resolver.apply(report)
            revision = store.put(report, reread=reread)
        except (InputError, StoreError) as e:
            yield Ingested(path, error=e)
            continue
        yield Ingested(path, report=report, revision=revision)
