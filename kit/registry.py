"""The agency registry: who is who (id, name, aliases, level, region, parent) for identity, peers and
aggregation.

A CSV file with a header row ``id,name,aliases,level,region,parent,aggregate,kind``; a row is an
agency, or (``kind = region``) a region:

- ``id``: the agency's stable identity (codes such as "0012" stay text); stored reports, history,
  peers and batch jobs follow it, whatever name a report prints;
- ``name``: the canonical name, the one reports and folders show;
- ``aliases``: other names the agency prints, separated by ``;`` (see :mod:`kit.identity` for what
  is resolved without one: places dropped, short forms, one-character slips);
- ``level`` and ``region``: an agency's peers are the agencies of the same level in the same region
  (for a consolidated report, the same level in the sibling regions);
- ``region``: for an agency, the region it belongs to; for a region row, the region above it (a
  department's region is its county, the county's region its city), so a region contains the
  agencies of every region below it;
- ``parent`` and ``aggregate``: ``aggregate = yes`` declares the agency's report a consolidated one,
  the sum of the reports of the agencies whose ``parent`` is its id (a county government's report
  over its departments'); a region's roll-up leaves consolidated reports out and compares them with
  the sum.

When the registry declares regions, every agency's region and every region's parent must be one of
them. A registry written before ``aliases`` or ``kind`` existed still loads. Ids, names and aliases
must each name one agency or region: a clash is an error naming both lines.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError

COLUMNS = ("id", "name", "aliases", "level", "region", "parent", "aggregate", "kind")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str = ""
    region: str = ""
    parent: str = ""
    aggregate: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    """A region: its id, name and the region above it ("" at the top)."""

    id: str
    name: str
    parent: str = ""


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in text.replace("；", ";").split(";") if a.strip()))


class Registry:
    def __init__(self, agencies: list[Agency], path: Path | None = None,
                 regions: list[Region] | None = None) -> None:
        self.agencies = agencies
        self.path = path
        self.by_id = {a.id: a for a in agencies}
        self.by_name = {a.name: a for a in agencies}
        self.declared = list(regions or [])
        # regions named only in the region column are regions too, at the top (no parent known)
        implicit = [Region(name, name) for name in dict.fromkeys(a.region for a in agencies if a.region)]
        self.regions = {r.name: r for r in [*implicit, *self.declared]}

    @classmethod
    def load(cls, path: str | Path) -> "Registry":
        p = Path(path)
        try:
            with p.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise InputError(p, f"cannot read the agency registry: {e.strerror or e}") from None
        if rows and "name" not in rows[0]:
            raise InputError(p, f"the agency registry needs the columns {', '.join(COLUMNS)}")
        agencies: list[tuple[int, Agency]] = []
        regions: list[tuple[int, Region]] = []
        seen: dict[str, tuple[int, str]] = {}  # id, name or alias -> (line, what it is there)
        for i, r in enumerate(rows, start=2):
            aid, name = (r.get("id") or "").strip(), (r.get("name") or "").strip()
            if not aid or not name:
                raise InputError(p, f"line {i}: id and name are required")
            kind = (r.get("kind") or "agency").strip().lower() or "agency"
            if kind not in ("agency", "region"):
                raise InputError(p, f"line {i}: kind {kind!r} is neither agency nor region")
            a = Agency(aid, name, (r.get("level") or "").strip(), (r.get("region") or "").strip(),
                       (r.get("parent") or "").strip(),
                       (r.get("aggregate") or "").strip().lower() in ("yes", "y", "true", "1", "是"),
                       tuple(x for x in _aliases(r.get("aliases") or "") if x != name))
            for what, key in [("id", "id:" + aid), ("name", name), *(("alias", al) for al in a.aliases)]:
                if key in seen:
                    line, was = seen[key]
                    shown = key.removeprefix("id:")
                    raise InputError(p, f"line {i}: {what} {shown!r} is already the {was} of line {line}: "
                                        "each id, name and alias names one agency or region")
                seen[key] = (i, what)
            if kind == "region":
                regions.append((i, Region(aid, name, a.region)))
            else:
                agencies.append((i, a))
        declared = {r.name for _, r in regions}
        if declared:
            ups = [(i, a.region) for i, a in agencies] + [(i, r.parent) for i, r in regions]
            for i, above in ups:
                if above and above not in declared:
                    raise InputError(p, f"line {i}: region {above!r} is not declared (add a row with kind=region)")
        reg = cls([a for _, a in agencies], p, [r for _, r in regions])
        for name in declared:
            reg.chain(name)  # a cycle is an error now, not a hang later
        return reg

    def save(self, path: str | Path | None = None) -> None:
        """Write the registry (atomically: a reader never sees half a file)."""
        target = Path(path or self.path or "registry.csv")
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                for r in self.declared:
                    w.writerow([r.id, r.name, "", "", r.parent, "", "", "region"])
                for a in self.agencies:
                    w.writerow([a.id, a.name, ";".join(a.aliases), a.level, a.region, a.parent,
                                "yes" if a.aggregate else "", ""])
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def find(self, text: str) -> Agency | None:
        """The agency whose id, canonical name or alias is exactly ``text``."""
        text = (text or "").strip()
        hit = self.by_id.get(text) or self.by_name.get(text)
        return hit or next((a for a in self.agencies if text in a.aliases), None)

    def with_alias(self, agency: Agency, alias: str) -> "Registry":
        """A copy with one more alias for ``agency`` (an error when another agency has the name)."""
        other = self.find(alias)
        if other is not None and other.id != agency.id:
            raise InputError(self.path or "registry", f"{alias!r} already names {other.name} ({other.id})")
        if other is not None:
            return self
        agencies = [replace(a, aliases=(*a.aliases, alias)) if a.id == agency.id else a for a in self.agencies]
        return Registry(agencies, self.path, self.declared)

    def children(self, agency: str) -> list[Agency]:
        me = self.find(agency)
        return [a for a in self.agencies if me and a.parent == me.id]

    def peers(self, agency: str) -> list[Agency]:
        """Same region and level, the agency itself excluded (``agency``: id, name or alias). A
        consolidated report's peers are the consolidated reports of its level in the sibling regions."""
        me = self.find(agency)
        if me is None:
            return []
        if me.aggregate and self.declared:
            up = self.regions.get(me.region, Region("", "")).parent
            return [a for a in self.agencies if a.id != me.id and a.level == me.level and a.aggregate
                    and (a.region == me.region or (up and self.regions.get(a.region, Region("", "")).parent == up))]
        return [a for a in self.agencies if a.id != me.id and a.level == me.level and a.region == me.region]

    # -- regions --------------------------------------------------------------------------------
    def region(self, text: str) -> Region | None:
        """The region named (or with the id) ``text``."""
        text = (text or "").strip()
        return self.regions.get(text) or next((r for r in self.regions.values() if r.id == text), None)

    def chain(self, region: str) -> list[str]:
        """The region and every region above it, nearest first."""
        out: list[str] = []
        name = region
        while name:
            if name in out:
                raise InputError(self.path or "registry", f"regions {' > '.join(out + [name])} form a cycle")
            out.append(name)
            name = self.regions[name].parent if name in self.regions else ""
        return out

    def members(self, region: str) -> list[Agency]:
        """Every agency of ``region`` or of a region below it, in registry order."""
        return [a for a in self.agencies if a.region and region in self.chain(a.region)]

    def subregions(self, region: str) -> list[Region]:
        """The regions directly below ``region``."""
        return [r for r in self.regions.values() if r.parent == region]
