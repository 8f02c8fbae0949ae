"""Checking stored reports: the reader's findings plus every rule, with the reports a rule needs."""
from __future__ import annotations

from pathlib import Path

from .checks import RANK, Context, run_checks
from .errors import NotFound
from .model import Finding, Report
from .registry import Registry
from .store import Store


def check_report(report: Report, store: str | Path | Store | None = None, *,
                 registry: Registry | str | Path | None = None) -> list[Finding]:
    """The reader's findings plus every check, with last year's report from the store and, when the
    registry declares the agency an aggregate of others, the aggregation check over its children."""
    reg = Registry.load(registry) if isinstance(registry, (str, Path)) else registry
    if isinstance(store, Store):
        return _check(report, store, reg, reg is not None)
    with Store(store, create=False) as s:
        return _check(report, s, reg, reg is not None)


def _check(report: Report, s: Store, registry: Registry | None, aggregate: bool) -> list[Finding]:
    previous = None
    if report.agency and report.year:
        try:
            previous = s.get(report.agency, report.year - 1)
        except NotFound:
            previous = None
    children: dict[str, Report | None] | None = None
    if aggregate and registry is not None and report.agency:
        me = registry.by_name.get(report.agency)
        if me is not None and me.aggregate:
            children = {}
            for kid in registry.children(report.agency):
                try:
                    children[kid.name] = s.get(kid.name, int(report.year or 0))
                except NotFound:
                    children[kid.name] = None
    found = run_checks(Context(report, previous, children), aggregate=aggregate)
    return [f for f in report.findings] + found


def check_store(store: str | Path | None = None, *, agencies: tuple[str, ...] = (), years: tuple[int, ...] = (),
                registry: Registry | None = None) -> list[tuple[str, int, Finding]]:
    """(agency, year, finding) for every stored report matching the filters, most severe first."""
    out: list[tuple[str, int, Finding]] = []
    with Store(store, create=False) as s:
        keys = [(a, y) for a, y, _ in s.entries() if (not agencies or a in agencies) and (not years or y in years)]
        for a, y in keys:
            for f in _check(s.get(a, y), s, registry, registry is not None):
                out.append((a, y, f))
    return sorted(out, key=lambda t: (RANK.get(t[2].severity, 3), t[0], t[1]))
