"""Scores and ranks of a region-year's agencies, by a scoring scheme that is data.

A scheme is a YAML file (the kit's ``kit/region/scoring/default.yaml``, documented field by field
there; ``params/scoring/`` in a project): full points, a minimum, and deductions each tied to a fact
(missing, late, old format, not corrected) or to findings of listed rules. Every deduction names
what it was taken for, so a score can be traced to the finding or fact behind it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..report import params as _params  # noqa: F401  (first: it keeps a slow jsonschema import out)

import jsonschema  # noqa: E402
import yaml  # noqa: E402

from ..errors import ParameterError  # noqa: E402
from .data import Member, RegionYear  # noqa: E402

__all__ = ["DEFAULT", "Deduction", "Score", "load_scheme", "score", "rank"]

DEFAULT = Path(__file__).resolve().parent / "scoring" / "default.yaml"
FACTS = ("missing", "late", "old_format", "not_corrected")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["name", "points", "deductions"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "points": {"type": "number", "exclusiveMinimum": 0},
        "minimum": {"type": "number"},
        "deductions": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["label", "points"],
            "oneOf": [{"required": ["fact"]}, {"required": ["rules"]}],
            "properties": {
                "label": {"type": "string", "minLength": 1},
                "points": {"type": "number", "minimum": 0},
                "fact": {"enum": list(FACTS)},
                "rules": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "severity": {"type": "array", "items": {"enum": ["error", "warning", "info"]}},
                "per": {"enum": ["report", "finding"]},
                "max": {"type": "number", "minimum": 0},
            }}},
    },
}


def load_scheme(path: str | Path | None = None) -> dict[str, Any]:
    """A scoring scheme, validated (``None`` or ``"default"``: the kit's)."""
    p = DEFAULT if path is None or str(path) in ("", "default") else Path(path)
    try:
        scheme = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ParameterError([f"scoring scheme {p}: {e}"]) from None
    try:
        jsonschema.validate(scheme, SCHEMA)
    except jsonschema.ValidationError as e:
        where = "/".join(map(str, e.absolute_path)) or "(top)"
        raise ParameterError([f"scoring scheme {p}: {where}: {e.message}"]) from None
    scheme.setdefault("minimum", 0)
    return scheme


@dataclass(frozen=True)
class Deduction:
    label: str
    points: float
    why: tuple[str, ...]   # the facts or finding keys and messages behind it


@dataclass
class Score:
    agency: str
    agency_id: str
    score: float
    deductions: list[Deduction] = field(default_factory=list)
    rank: int = 0
    tied: bool = False

    def summary(self) -> str:
        return "；".join(f"{d.label} −{d.points:g}" for d in self.deductions) or "无扣分"


def _matches(rule: str, rules: list[str]) -> bool:
    return any(rule == r or (r.endswith(".") and rule.startswith(r)) for r in rules)


def _member(m: Member, ry: RegionYear, scheme: dict[str, Any], not_corrected: dict[str, int],
            dismissed: set[str]) -> Score:
    from ..findings import finding_key

    out = Score(m.agency.name, m.agency.id, float(scheme["points"]))
    for d in scheme["deductions"]:
        if not m.present and d.get("fact") != "missing":
            continue  # a missing report loses its points once, for being missing
        why: list[str] = []
        if d.get("fact") == "missing":
            why = [] if m.present else [f"{ry.year}年度报告未发布（库中没有）"]
        elif d.get("fact") == "late":
            why = [f"发布日期 {m.report.published}，晚于截止日 {ry.deadline.isoformat()}"] if (
                m.late(ry.deadline) and m.report) else []
        elif d.get("fact") == "old_format":
            why = [f"{ry.year}年度报告使用了{m.report.format}格式的表格"] if m.old_format(ry.year) and m.report else []
        elif d.get("fact") == "not_corrected":
            n = not_corrected.get(m.agency.id, 0)
            why = [f"{n} 个问题退回后未整改"] if n else []
        else:
            sev = d.get("severity") or ["error", "warning"]
            why = [f"{finding_key(m.agency.id, ry.year, f)}：{f.message}" for f in m.findings
                   if f.severity in sev and _matches(f.rule, d["rules"])]
        if d.get("fact") in ("missing", "late") and f"{m.agency.id}/{ry.year}/{d['fact']}" in dismissed:
            why = []  # a reviewer found the fact wrong (e.g. the agency was abolished)
        if not why:
            continue
        times = len(why) if d.get("per") == "finding" else 1
        points = min(d["points"] * times, d.get("max", float("inf")))
        out.deductions.append(Deduction(d["label"], points, tuple(why)))
    out.score = max(float(scheme["minimum"]), round(out.score - sum(x.points for x in out.deductions), 2))
    return out


def score(ry: RegionYear, scheme: dict[str, Any], *, not_corrected: dict[str, int] | None = None,
          dismissed: set[str] | None = None) -> list[Score]:
    """Every member's score, ranked (highest first; equal scores share a rank, the next rank skips).

    ``not_corrected``: agency id -> problems returned and still found after a re-submission
    (:mod:`kit.review`); ``dismissed``: keys of facts (``<id>/<year>/missing``, ``…/late``) a reviewer
    dismissed. A member's findings are those that count (dismissed ones left out by the caller)."""
    return rank([_member(m, ry, scheme, not_corrected or {}, dismissed or set()) for m in ry.members])


def rank(scores: list[Score]) -> list[Score]:
    """Highest first; equal scores share the rank of the first of them (1, 2, 2, 4) and are marked tied."""
    ordered = sorted(scores, key=lambda s: (-s.score, s.agency_id))
    counts: dict[float, int] = {}
    for s in ordered:
        counts[s.score] = counts.get(s.score, 0) + 1
    first: dict[float, int] = {}
    for i, s in enumerate(ordered, start=1):
        s.rank = first.setdefault(s.score, i)
        s.tied = counts[s.score] > 1
    return ordered
