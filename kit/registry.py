"""The agency registry: who is who (id, name, aliases, level, region, parent) for identity, peers and
aggregation.

A CSV file with a header row ``id,name,aliases,level,region,parent,aggregate``:

- ``id``: the agency's stable identity (codes such as "0012" stay text); stored reports, history,
  peers and batch jobs follow it, whatever name a report prints;
- ``name``: the canonical name, the one reports and folders show;
- ``aliases``: other names the agency prints, separated by ``;`` (see :mod:`kit.identity` for what
  is resolved without one: places dropped, short forms, one-character slips);
- ``parent``: the id of the parent entity; ``aggregate`` is ``yes`` when the parent's report is
  declared the sum of its children's reports.

A registry written before ``aliases`` existed still loads. Ids, names and aliases must each name one
agency: a clash is an error naming both lines.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError

COLUMNS = ("id", "name", "aliases", "level", "region", "parent", "aggregate")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str = ""
    region: str = ""
    parent: str = ""
    aggregate: bool = False
    aliases: tuple[str, ...] = ()


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in text.replace("；", ";").split(";") if a.strip()))


class Registry:
    def __init__(self, agencies: list[Agency], path: Path | None = None) -> None:
        self.agencies = agencies
        self.path = path
        self.by_id = {a.id: a for a in agencies}
        self.by_name = {a.name: a for a in agencies}

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
        agencies = []
        seen: dict[str, tuple[int, str]] = {}  # id, name or alias -> (line, what it is there)
        for i, r in enumerate(rows, start=2):
            aid, name = (r.get("id") or "").strip(), (r.get("name") or "").strip()
            if not aid or not name:
                raise InputError(p, f"line {i}: id and name are required")
            a = Agency(aid, name, (r.get("level") or "").strip(), (r.get("region") or "").strip(),
                       (r.get("parent") or "").strip(),
                       (r.get("aggregate") or "").strip().lower() in ("yes", "y", "true", "1", "是"),
                       tuple(x for x in _aliases(r.get("aliases") or "") if x != name))
            for what, key in [("id", "id:" + aid), ("name", name), *(("alias", al) for al in a.aliases)]:
                if key in seen:
                    line, was = seen[key]
                    shown = key.removeprefix("id:")
                    raise InputError(p, f"line {i}: {what} {shown!r} is already the {was} of line {line}: "
                                        "each id, name and alias names one agency")
                seen[key] = (i, what)
            agencies.append(a)
        return cls(agencies, p)

    def save(self, path: str | Path | None = None) -> None:
        """Write the registry (atomically: a reader never sees half a file)."""
        target = Path(path or self.path or "registry.csv")
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                for a in self.agencies:
                    w.writerow([a.id, a.name, ";".join(a.aliases), a.level, a.region, a.parent,
                                "yes" if a.aggregate else ""])
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
        return Registry(agencies, self.path)

    def children(self, agency: str) -> list[Agency]:
        me = self.find(agency)
        return [a for a in self.agencies if me and a.parent == me.id]

    def peers(self, agency: str) -> list[Agency]:
        """Same region and level, the agency itself excluded (``agency``: id, name or alias)."""
        me = self.find(agency)
        if me is None:
            return []
        return [a for a in self.agencies if a.id != me.id and a.level == me.level and a.region == me.region]
