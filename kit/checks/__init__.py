"""The rule registry: every consistency rule of format.md §4, each producing findings.

A rule has an id, a severity, the format versions it applies to and a short Chinese title; it
takes a :class:`Context` (the report, and where the rule needs them, last year's report and the
children of an aggregate) and yields :class:`kit.model.Finding`s that name the cells and numbers.
Rules import the model and the schema only: whoever calls them loads the reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..model import Finding, Report

SEVERITIES = ("error", "warning", "info")
RANK = {"error": 0, "warning": 1, "info": 2}
# Rule families, as a region's summary and a scoring scheme group findings (prefixes end with ".")
FAMILIES = {
    "表格勾稽": ("O1", "S1", "S2", "S4", "S5", "wrong_column", "aggregate"),
    "跨年度": ("X1", "X2"),
    "空白与占位": ("blank", "placeholder", "annotation"),
    "正文与表格": ("text_table", "fee"),
    "内容完整": ("sections",),
    "雷同": ("copied", "copied_peer"),
    "读取": ("extract.", "format."),
    "机关名称": ("identity.",),
}


def family(rule_id: str) -> str:
    """The family of a rule id (``其他`` for one no family names)."""
    for name, ids in FAMILIES.items():
        if rule_id in ids or any(i.endswith(".") and rule_id.startswith(i) for i in ids):
            return name
    return "其他"


@dataclass
class Context:
    report: Report
    previous: Report | None = None             # same agency, year - 1
    children: dict[str, Report | None] | None = None  # aggregation: child name -> its report (None: missing)
    copied: list[Finding] | None = None        # copied_peer: this report's pairs, found over a set of reports


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    versions: tuple[str, ...]
    title: str
    func: Callable[[Context], Iterable[Finding]] = field(compare=False)
    opt_in: bool = False

    def run(self, ctx: Context) -> list[Finding]:
        if ctx.report.format not in self.versions:
            return []
        return list(self.func(ctx))


REGISTRY: dict[str, Rule] = {}


def rule(id: str, severity: str, title: str, versions: tuple[str, ...] = ("gov2021", "gov2019"),
         opt_in: bool = False) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    """Register a rule function under ``id``."""
    assert severity in SEVERITIES

    def deco(func: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        REGISTRY[id] = Rule(id, severity, versions, title, func, opt_in)
        return func

    return deco


def run_checks(ctx: Context, *, rules: Iterable[str] | None = None, aggregate: bool = False) -> list[Finding]:
    """All findings of the registered rules (opt-in rules only when asked), most severe first."""
    _load()
    given = {"aggregate": aggregate and ctx.children is not None, "copied_peer": ctx.copied is not None}
    chosen = [REGISTRY[r] for r in rules] if rules else [
        r for r in REGISTRY.values() if not r.opt_in or given.get(r.id, False)]
    out: list[Finding] = []
    for r in chosen:
        out.extend(r.run(ctx))
    return sorted(out, key=lambda f: RANK.get(f.severity, 3))


def _load() -> None:
    from . import aggregate, narrative, peers, tables, years  # noqa: F401  (registration by import)


def rules() -> Iterator[Rule]:
    _load()
    yield from REGISTRY.values()
