"""Checking stored reports: the reader's findings plus every rule, with the reports a rule needs."""
from __future__ import annotations

from pathlib import Path

from .checks import RANK, Context, run_checks
from .errors import NotFound
from .model import Finding, Report
from .registry import Agency, Registry
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


def _check(report: Report, s: Store | None, registry: Registry | None, aggregate: bool,
           copied: list[Finding] | None = None, read: dict[tuple[str, int], Report] | None = None) -> list[Finding]:
    previous = None
    if report.key and report.year and s is not None:
        previous = (read or {}).get((report.key, report.year - 1))  # already read from ``s`` (by identity)
        if previous is None:
            try:
                previous = s.get(report.key, report.year - 1)
            except NotFound:
                previous = None
    children: dict[str, Report | None] | None = None
    if aggregate and registry is not None and report.key:
        me = registry.find(report.key) or registry.find(report.agency or "")
        if me is not None and me.aggregate:
            children = {kid.name: stored(s, kid, int(report.year or 0)) if s is not None else None
                        for kid in registry.children(me.id)}
    found = run_checks(Context(report, previous, children, copied), aggregate=aggregate)
    return keyed(report.key or "", report.year, [f for f in report.findings] + found)


def finding_key(agency_id: str, year: int | None, f: Finding) -> str:
    """A finding's key, unique among its report's findings and the same after a re-ingest of the same
    or a corrected file: agency id, year, rule, and its cells (or, without cells, what it is about)."""
    what = "+".join(f.cells) if f.cells else f.about
    return "/".join(x for x in (agency_id, str(year or ""), f.rule, what) if x)


def finding_keys(agency_id: str, year: int | None, findings: list[Finding]) -> list[str]:
    """:func:`finding_key` of each finding, a second finding with the same key numbered (``#2``)."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        k = finding_key(agency_id, year, f)
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def check_files(paths: list[str | Path], store: str | Path | None = None, *, registry: Registry | None = None,
                agency: str | None = None, year: int | None = None) -> list[tuple[str, int, Finding]]:
    """(agency, year, finding) for report files checked before they are submitted, most severe first:
    read, resolved to their agency through the registry, checked with the same rules as a stored report
    (last year's report and a consolidated report's parts from the store when it holds them), and never
    stored. A file that cannot be read raises InputError naming it."""
    from .identity import Resolver
    from .ingest import last_year
    from .readers import read_file

    resolver = Resolver(registry) if registry is not None else None
    reports = []
    out: list[tuple[str, int, Finding]] = []
    s = Store(store, create=False) if store is not None and Path(store).exists() else None
    try:
        for path in paths:
            report = read_file(path, agency=agency, year=year, previous=last_year(s, resolver) if s else None)
            report.provenance.printed = report.agency or ""
            if resolver is not None and report.agency:
                resolver.apply(report)
            reports.append(report)
        for r in reports:
            out += [(r.agency or "", int(r.year or 0), f) for f in _check(r, s, registry, registry is not None)]
    finally:
        if s is not None:
            s.close()
    return sorted(out, key=lambda t: (RANK.get(t[2].severity, 3), t[0], t[1]))


def keyed(agency_id: str, year: int | None, findings: list[Finding]) -> list[Finding]:
    """``findings`` with each one's :attr:`~kit.model.Finding.key` set (:func:`finding_keys`)."""
    for f, k in zip(findings, finding_keys(agency_id, year, findings)):
        f.key = k
    return findings


def stored(s: Store, agency: Agency, year: int) -> Report | None:
    """A registry agency's stored report of one year, by its id (or, in a store not yet linked, its name)."""
    for key in (agency.id, agency.name):
        try:
            return s.get(key, year)
        except NotFound:
            continue
    return None


def wanted(s: Store, agencies: tuple[str, ...], registry: Registry | None = None) -> set[str] | None:
    """The stored identities that ``--agency`` values name (an id, a canonical name, an alias or a
    printed name); None when no filter is given."""
    if not agencies:
        return None
    out = set()
    for a in agencies:
        hit = registry.find(a) if registry else None
        if hit is not None:
            out.add(s.key(hit.id) or s.key(hit.name))
        else:
            out.add(s.key(a) or a)
    return {k for k in out if k}


def check_store(store: str | Path | None = None, *, agencies: tuple[str, ...] = (), years: tuple[int, ...] = (),
                registry: Registry | None = None, revision: int | None = None) -> list[tuple[str, int, Finding]]:
    """(agency, year, finding) for every stored report matching the filters, most severe first.

    ``revision``: check that earlier revision of the one agency-year the filters name instead of the current.

    Without a registry, names stored as separate agencies that are probably one (the same but for
    places or short forms, or one character apart, never both publishing in one year) get an
    ``identity.duplicate`` warning on the later report.
    """
    out: list[tuple[str, int, Finding]] = []
    with Store(store, create=False) as s:
        want = wanted(s, agencies, registry)
        names = s.names()
        keys = [(a, y) for a, y, _ in s.entries() if (want is None or a in want) and (not years or y in years)]
        # every report of those years, read once: copying is found among them all, the checks run on the chosen
        chosen = {y for _, y in keys}
        reports = {(a, y): s.get(a, y) for a, y, _ in s.entries() if y in chosen}
        if revision is not None:
            if len(keys) != 1:
                from .errors import ParameterError

                raise ParameterError([f"--revision {revision} needs one agency and one year ({len(keys)} reports match)"])
            reports[keys[0]] = s.get(*keys[0], revision)
        copies = _copies(reports, registry)
        for a, y in keys:
            for f in _check(reports[(a, y)], s, registry, registry is not None, copies.get((a, y), []), reports):
                out.append((names[a], y, f))
        if registry is None:
            out += _duplicates(s, {(names[a], y) for a, y in keys})
    return sorted(out, key=lambda t: (RANK.get(t[2].severity, 3), t[0], t[1]))


def _copies(reports: dict[tuple[str, int], Report], registry: Registry | None) -> dict[tuple[str, int], list[Finding]]:
    """copied_peer findings of ``reports``: compared within each top region of the registry (a city's
    counties together), else among all agencies of a year."""
    from .checks.peers import peer_copies

    groups: dict[tuple[str, int], list[Report]] = {}
    for (a, y), r in reports.items():
        me = (registry.find(a) or registry.find(r.agency or "")) if registry else None
        top = registry.chain(me.region)[-1] if me is not None and me.region and registry is not None else ""
        groups.setdefault((top, y), []).append(r)
    out: dict[tuple[str, int], list[Finding]] = {}
    for (_, y), group in groups.items():
        for key, found in peer_copies(group).items():
            out[(key, y)] = found
    return out


def _duplicates(s: Store, shown: set[tuple[str, int]]) -> list[tuple[str, int, Finding]]:
    from .identity import probable_duplicates

    years: dict[str, set[int]] = {}
    for _, y, name, _ in s.printed():
        years.setdefault(name, set()).add(y)
    out = []
    for a, b, how in probable_duplicates(years):
        late, other = (a, b) if max(years[a]) >= max(years[b]) else (b, a)
        year = max(years[late])
        if (late, year) not in shown:
            continue
        why = "只差行政区划前缀或简称" if how == "normalised" else "相差一个字"
        out.append((late, year, Finding(
            "identity.duplicate", "warning",
            f"“{late}”（{'、'.join(map(str, sorted(years[late])))}年）与“{other}”（"
            f"{'、'.join(map(str, sorted(years[other])))}年）{why}，年度互不重叠，可能是同一机关分成了两个：在机关名录"
            "中登记它们（别名写入 aliases 列），历年比较和跨年度核查才能连起来。", expected=other, actual=late)))
    return out
