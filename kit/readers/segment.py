"""Cells from printed value text, and glued digit runs split with the tables' own identities.

A row's printed values become :class:`Token`s. When a row has fewer tokens than columns (text dumps
glue ``3000003`` for 3|0|0|0|0|0|3), every split of the runs into valid numbers is enumerated; the
table's identities (S1 per 表三 row, S2 and O1 per 表三 column, S4 per 表四 group) then choose among
the splits over the whole table at once. A cell that still has two readings is reported ambiguous,
never guessed.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from .deadline import check

Value = int | float | None

# Placeholders that mean "no number printed" (format.md §3).
PLACEHOLDERS = {"/", "／", "—", "——", "-", "--", "–", "无", "－"}
_PART = {
    "count": re.compile(r"0|[1-9]\d*"),
    "delta": re.compile(r"0|-?[1-9]\d*"),
    "amount": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
}
MAX_CANDIDATES = 5000       # per row; beyond this a row is reported unreadable rather than guessed
MAX_COMBINATIONS = 200_000  # per table, when several rows are ambiguous at once


@dataclass(frozen=True)
class Token:
    """One printed value: ``core`` is the bare numeric string ("" for blank/placeholder)."""

    text: str           # as printed, e.g. "22（其中修订16件）", "251000元", "/", ""
    core: str
    glue_before: bool = False  # only whitespace separated it from the previous token
    splittable: bool = True    # False for an annotated cell such as "22（其中修订16件）"
    suffix: str = ""           # a unit printed after the run ("元"), kept on its last part

    @property
    def is_number(self) -> bool:
        return self.core != ""


Reading = tuple[tuple[Value, str], ...]  # (value, printed text) per column


def parse_number(core: str, kind: str) -> Value:
    """The value of a numeric string already matched against its column's kind (``_PART``)."""
    return float(core) if "." in core else int(core)


@lru_cache(maxsize=4096)
def _splits(s: str, kinds: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Every way to cut ``s`` into ``len(kinds)`` valid numbers, in order."""
    if len(kinds) == 1:
        return ((s,),) if _PART[kinds[0]].fullmatch(s) else ()
    out: list[tuple[str, ...]] = []
    pat = _PART[kinds[0]]
    # the first part must leave at least one character per remaining column
    for cut in range(1, len(s) - len(kinds) + 2):
        head = s[:cut]
        if not pat.fullmatch(head):
            continue
        for rest in _splits(s[cut:], kinds[1:]):
            out.append((head,) + rest)
    return tuple(out)


def _token_value(tok: Token, kind: str) -> tuple[Value, str] | None:
    if not tok.is_number:
        return (None, tok.text)
    if not _PART[kind].fullmatch(tok.core):
        return None
    return (parse_number(tok.core, kind), tok.text)


def row_readings(tokens: Sequence[Token], kinds: Sequence[str]) -> list[Reading]:
    """Every reading of a row's tokens as ``len(kinds)`` cells (capped at MAX_CANDIDATES)."""
    tokens = list(tokens)
    # pipe tables often carry empty cells past the last column: drop blank edges first
    while len(tokens) > len(kinds) and not tokens[-1].is_number and tokens[-1].text == "":
        tokens.pop()
    while len(tokens) > len(kinds) and not tokens[0].is_number and tokens[0].text == "":
        tokens.pop(0)
    readings = _readings(tokens, tuple(kinds))
    if readings:
        return readings
    # Whitespace is only a soft separator: some dumps put stray spaces inside a number.
    merged = merge_soft(tokens)
    if len(merged) != len(tokens):
        return _readings(merged, tuple(kinds))
    return []


def merge_soft(tokens: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        if out and t.glue_before and t.splittable and out[-1].splittable and t.is_number and out[-1].is_number:
            prev = out.pop()
            out.append(Token(prev.text + t.text, prev.core + t.core, prev.glue_before, True, t.suffix))
        else:
            out.append(t)
    return out


def _readings(tokens: list[Token], kinds: tuple[str, ...]) -> list[Reading]:
    n, m = len(kinds), len(tokens)
    if m == 0 or m > n:
        return []
    results: list[Reading] = []

    def rec(i: int, c: int, acc: tuple[tuple[Value, str], ...]) -> None:
        if len(results) >= MAX_CANDIDATES:
            return
        if i == m:
            if c == n:
                results.append(acc)
            return
        tok = tokens[i]
        max_parts = n - c - (m - i - 1)
        if not tok.is_number or not tok.splittable:
            if max_parts >= 1:
                v = _token_value(tok, kinds[c])
                if v is not None:
                    rec(i + 1, c + 1, acc + (v,))
            return
        for parts in range(1, min(max_parts, len(tok.core)) + 1):
            for sp in _splits(tok.core, kinds[c:c + parts]):
                vals = tuple((parse_number(p, k),
                              tok.text if parts == 1 else p + (tok.suffix if x == parts - 1 else ""))
                             for x, (p, k) in enumerate(zip(sp, kinds[c:c + parts])))
                rec(i + 1, c + parts, acc + vals)

    rec(0, 0, ())
    return results


@dataclass
class Resolution:
    """Chosen values per cell; ``ambiguous`` maps a cell index to its competing values."""

    values: list[Value]
    raw: list[str]
    ambiguous: dict[int, list[Value]]


def _agree(readings: Sequence[Reading], width: int) -> Resolution:
    values: list[Value] = []
    raw: list[str] = []
    amb: dict[int, list[Value]] = {}
    for j in range(width):
        seen = list(dict.fromkeys(r[j][0] for r in readings))
        if len(seen) == 1:
            values.append(seen[0])
            raw.append(readings[0][j][1])
        else:
            values.append(None)
            raw.append(" / ".join(str(v) for v in seen[:6]))
            amb[j] = seen
    return Resolution(values, raw, amb)


def choose(candidates: Sequence[Sequence[Reading] | None],
           score: Callable[[list[Reading | None]], int]) -> list[Resolution | None]:
    """Pick one reading per row maximising ``score(rows)``; disagreeing cells become ambiguous.

    ``candidates[i]`` is None for a row that is absent. Past MAX_COMBINATIONS the rows are not
    searched together: each row's own disagreements are reported ambiguous.
    """
    fixed: list[list[Reading]] = [list(c) if c else [] for c in candidates]
    free = [i for i, c in enumerate(fixed) if len(c) > 1]
    total = 1
    for i in free:
        total *= len(fixed[i])
    if not free or total > MAX_COMBINATIONS:
        return [(_agree(c, len(c[0])) if c else None) for c in fixed]
    best_score: int | None = None
    best: list[list[Reading | None]] = []
    for n, combo in enumerate(itertools.product(*(fixed[i] for i in free))):
        if n % 4096 == 0:
            check()  # up to MAX_COMBINATIONS: the reading's time limit applies here too
        rows: list[Reading | None] = [c[0] if c else None for c in fixed]
        for i, r in zip(free, combo):
            rows[i] = r
        s = score(rows)
        if best_score is None or s > best_score:
            best_score, best = s, [rows]
        elif s == best_score:
            best.append(rows)
    out: list[Resolution | None] = []
    for i, c in enumerate(fixed):
        picked = [b[i] for b in best]
        out.append(_agree([p for p in picked if p is not None], len(c[0])) if c else None)
    return out
