"""Which agency a printed name means: names resolved through the registry, never by guess.

A report prints its agency's name as its authors wrote it that year: with or without the city
(``淮安市洪泽区人民政府``, ``洪泽区人民政府``), in a short form (``县工信局``), with a slip (``沐阳``
for ``沭阳``). :meth:`Resolver.resolve` tries, in order, and stops at the first step that decides:

1. ``exact``: the registry's id or canonical name;
2. ``alias``: a name the registry's ``aliases`` column declares;
3. ``normalised``: the *forms* of the printed name (short forms contracted, leading place names
   dropped while the most specific one is kept) against the forms of every registry name (the same,
   plus the most specific place reduced to its level, ``县工信局``, and the bare department,
   ``工信局``), accepted only when one agency has the form;
4. ``fuzzy``: one insertion, deletion or substitution away from the named forms of exactly one
   agency, for forms of at least four characters.

Two or more agencies at the deciding step leave the name ``unresolved``, with the candidates named.
Every resolution other than ``exact`` becomes an ``identity.*`` finding on the report.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from .model import Finding, Report
from .registry import Agency, Registry

__all__ = ["Resolution", "Resolver", "forms", "normalise", "plain", "probable_duplicates"]

MIN_FUZZY = 4
# a named place: two or more characters ending in an administrative level, at the start of a name
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,10}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|旗|区))")
_LEVELS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "州", "盟", "县", "旗", "区")
_DROP = re.compile(r"[\s\u3000·•()（）\[\]【】〔〕\"“”'‘’]")


@lru_cache(maxsize=1)
def _short_forms() -> tuple[tuple[str, str], ...]:
    data = json.loads((Path(__file__).parent / "schema" / "short_forms.json").read_text(encoding="utf-8"))
    return tuple(sorted(((a, b) for a, b in data["forms"]), key=lambda p: -len(p[0])))


def plain(name: str) -> str:
    """A name without what is not wording: NFKC, no spaces, brackets or quotes."""
    return _DROP.sub("", unicodedata.normalize("NFKC", name or ""))


def normalise(name: str) -> str:
    """A name as compared: :func:`plain`, every full department form contracted."""
    out = plain(name)
    for full, short in _short_forms():
        out = out.replace(full, short)
    return out


def _places(name: str) -> tuple[list[str], str]:
    """The leading named places of a normalised name and what follows them (the body)."""
    places: list[str] = []
    rest = name
    while True:
        m = _PLACE.match(rest)
        if not m or len(rest) - len(m.group(1)) < 2:
            return places, rest
        places.append(m.group(1))
        rest = rest[len(m.group(1)):]


def _level(place: str) -> str:
    level = next(x for x in _LEVELS if place.endswith(x))
    return {"自治县": "县", "自治旗": "旗", "自治州": "州"}.get(level, level)


def forms(name: str, *, registered: bool = False) -> list[str]:
    """The forms a name is known by, most specific first.

    A printed name keeps its most specific place (``淮安市公安局`` must never meet a district's
    公安局); a registered name also answers to that place's level alone and to its bare body.
    """
    n = normalise(name)
    places, body = _places(n)
    out = [n] + ["".join(places[k:]) + body for k in range(1, len(places))]
    if registered and places:
        out += [_level(places[-1]) + body, body]
    return list(dict.fromkeys(out))


def _named(name: str) -> list[str]:
    """The forms that keep a named place (the ones a slip is looked for in)."""
    n = normalise(name)
    places, body = _places(n)
    return list(dict.fromkeys([n] + ["".join(places[k:]) + body for k in range(1, len(places))]))


def _deletions(s: str) -> Iterable[tuple[int, str]]:
    for i in range(len(s)):
        yield i, s[:i] + s[i + 1:]


@dataclass
class Resolution:
    """How a printed name was resolved: ``how`` is exact, alias, normalised, fuzzy or unresolved."""

    printed: str
    how: str
    agency: Agency | None = None
    matched: str = ""                       # the registry name or alias (or form) it met
    candidates: list[Agency] = field(default_factory=list)  # when unresolved: the agencies it could be

    @property
    def key(self) -> str:
        return self.agency.id if self.agency else self.printed

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else self.printed

    def finding(self) -> Finding | None:
        """The ``identity.*`` finding this resolution needs (none when exact)."""
        p = self.printed
        if self.how == "exact":
            return None
        if self.how == "unresolved":
            if self.candidates:
                names = "、".join(f"“{a.name}”（{a.id}）" for a in self.candidates)
                why = f"可能是{names}中的任一个，无法唯一确定"
            else:
                why = "机关名录中没有相符的机关"
            return Finding("identity.unresolved", "warning",
                           f"报告所印机关名称“{p}”未能对应到机关名录：{why}；按所印名称存储。"
                           "如为名录中的机关，请在名录的 aliases 列登记此名称（xxgk registry alias）。",
                           expected=[a.id for a in self.candidates] or None, actual=p)
        assert self.agency is not None
        a = self.agency
        if self.how == "alias":
            return Finding("identity.alias", "info", f"报告所印机关名称“{p}”是名录登记的别名，对应“{a.name}”（{a.id}）。",
                           expected=a.name, actual=p)
        if self.how == "normalised":
            return Finding("identity.normalised", "info",
                           f"报告所印机关名称“{p}”与名录中“{a.name}”（{a.id}）只差行政区划前缀或简称，按同一机关处理。",
                           expected=a.name, actual=p)
        return Finding("identity.fuzzy", "warning",
                       f"报告所印机关名称“{p}”与名录中“{a.name}”（{a.id}）相差一个字，按同一机关处理；"
                       "请核对是否为错字，确认后可在名录中登记为别名。", expected=a.name, actual=p)


class Resolver:
    """Resolves printed names against one registry; build once, resolve many."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.by_id = {a.id: a for a in registry.agencies}
        self.exact: dict[str, str] = {}
        self.alias: dict[str, str] = {}
        self.forms: dict[str, set[str]] = {}
        self.full: dict[str, set[str]] = {}           # named forms, for slips
        self.dels: dict[str, set[str]] = {}           # named form minus one character -> agencies
        self.subs: dict[tuple[int, str], set[str]] = {}
        for a in registry.agencies:
            self.exact[a.id] = a.id
            self.exact[plain(a.name)] = a.id
            for al in a.aliases:
                self.alias[plain(al)] = a.id
            for name in (a.name, *a.aliases):
                for f in forms(name, registered=True):
                    self.forms.setdefault(f, set()).add(a.id)
                for f in _named(name):
                    self.full.setdefault(f, set()).add(a.id)
                    for i, d in _deletions(f):
                        self.dels.setdefault(d, set()).add(a.id)
                        self.subs.setdefault((i, d), set()).add(a.id)

    def _lookup(self, printed: str, exclude: str | None = None) -> tuple[str, list[str], str]:
        """(how, agency ids at the deciding step, what was met); ``exclude`` an id never to meet."""
        p = plain(printed)
        for how, table in (("exact", self.exact), ("alias", self.alias)):
            if p in table and table[p] != exclude:
                return how, [table[p]], p
        for f in forms(printed):
            ids = self.forms.get(f, set()) - {exclude}
            if ids:
                return "normalised", sorted(ids), f
        near: dict[str, str] = {}
        for f in _named(printed):
            if len(f) < MIN_FUZZY:
                continue
            hits: set[str] = set(self.dels.get(f, ()))             # printed has one character too few
            for i, d in _deletions(f):
                hits |= self.full.get(d, set())                    # ... one too many
                hits |= self.subs.get((i, d), set())               # ... one different
            for h in hits - {exclude}:
                near.setdefault(h, f)
        return "fuzzy", sorted(near), next(iter(near.values()), "")

    def resolve(self, printed: str) -> Resolution:
        p = (printed or "").strip()
        how, ids, met = self._lookup(p)
        if len(ids) == 1:
            return Resolution(p, how, self.by_id[ids[0]], met)
        return Resolution(p, "unresolved", candidates=[self.by_id[i] for i in ids])

    def link(self, printed: str) -> tuple[str, str, list[Finding]]:
        """(identity, name shown, identity findings) of a printed name: what :meth:`kit.store.Store.relink` needs."""
        res = self.resolve(printed)
        f = res.finding()
        return res.key, res.name, [f] if f else []

    def apply(self, report: Report, printed: str | None = None) -> Resolution:
        """Link ``report`` to its agency: id, canonical name, the printed name in its provenance, and
        the ``identity.*`` finding (an earlier one replaced)."""
        res = self.resolve(printed or report.provenance.printed or report.agency or "")
        report.provenance.printed = res.printed
        report.agency_id, report.agency = res.key, res.name
        f = res.finding()
        report.findings = ([f] if f else []) + [x for x in report.findings if not x.rule.startswith("identity.")]
        return res


def probable_duplicates(years: Mapping[str, Iterable[int]]) -> list[tuple[str, str, str]]:
    """Pairs of stored names that are probably one agency, when no registry says: (name, other, how),
    ``how`` being normalised (the same but for places and short forms) or fuzzy (one character apart).

    ``years`` maps each name to the years stored under it: two names that both published in one year
    are two agencies (青禾县体育局 and 青禾县教育局 are one character apart, and both report every year).
    """
    names = sorted(years)
    held = {n: set(years[n]) for n in names}
    resolver = Resolver(Registry([Agency(str(i), n) for i, n in enumerate(names)]))
    out: set[tuple[str, str, str]] = set()
    for i, n in enumerate(names):
        how, ids, _ = resolver._lookup(n, exclude=str(i))
        for j in ids:
            other = names[int(j)]
            if not held[n] & held[other]:
                a, b = sorted((n, other))
                out.add((a, b, how))
    return sorted(out)
