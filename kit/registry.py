"""The agency registry: who is who (id, name, level, region, parent) for peers and aggregation.

A CSV file with a header row ``id,name,level,region,parent,aggregate``; ``parent`` is the id of
the parent entity, ``aggregate`` is ``yes`` when the parent's report is declared the sum of its
children's reports. Codes such as "0012" stay text.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

COLUMNS = ("id", "name", "level", "region", "parent", "aggregate")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str = ""
    region: str = ""
    parent: str = ""
    aggregate: bool = False


class Registry:
    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
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
        for i, r in enumerate(rows, start=2):
            if not (r.get("id") or "").strip() or not (r.get("name") or "").strip():
                raise InputError(p, f"line {i}: id and name are required")
            agencies.append(Agency(r["id"].strip(), r["name"].strip(), (r.get("level") or "").strip(),
                                   (r.get("region") or "").strip(), (r.get("parent") or "").strip(),
                                   (r.get("aggregate") or "").strip().lower() in ("yes", "y", "true", "1", "是")))
        return cls(agencies)

    def save(self, path: str | Path) -> None:
        with Path(path).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            for a in self.agencies:
                w.writerow([a.id, a.name, a.level, a.region, a.parent, "yes" if a.aggregate else ""])

    def children(self, name: str) -> list[Agency]:
        me = self.by_name.get(name)
        return [a for a in self.agencies if me and a.parent == me.id]

    def peers(self, name: str) -> list[Agency]:
        """Same region and level, the agency itself excluded."""
        me = self.by_name.get(name)
        if me is None:
            return []
        return [a for a in self.agencies if a.name != name and a.level == me.level and a.region == me.region]
