"""Narrative copied between agencies of the same year, found at the scale of a province.

A disclosure office wants to know which agencies' reports copied their narrative (总体情况, 存在的
主要问题 ...) from another agency's report of the same year. Comparing every pair is quadratic (4.5
million pairs for 3,000 agencies), so ``copied_pairs`` sketches every part with MinHash, lets LSH
(``datasketch``) propose candidate pairs, checks each candidate exactly and quotes the shared passages.

What is compared is what is left of a part once everything every report must say, or says with only
a name or a number changed, is removed:

1. cleaning: heading lines ("一、总体情况", "（一）主动公开。" ...), then every character that is not
   a letter (punctuation, whitespace), every digit and Chinese numeral (二〇二三, 十五, ①), then every
   agency name of the set (its own and all others', longest first), then standard phrases
   (``PHRASES``: the Regulations' title, the parts' titles, 统计期限 ...);
2. shingles: the overlapping runs of ``shingle`` (5) characters of the cleaned text, hashed to 64 bits;
3. boilerplate by document frequency: a shingle found in more than ``boilerplate_share`` (20 %) of the
   year's reports, and in at least ``boilerplate_min`` (3) of them, is the year's template and is
   dropped (so a text that more than a fifth of the agencies share is never called a copy).

A part with fewer than ``min_shingles`` (20) shingles left is never compared. The measure is the
Jaccard similarity of two parts' shingle sets (a pair when >= ``threshold``, 0.5); a pair's
``similarity`` is that of the union of its copied parts. Parts are matched across part numbers too (a
copy filed under another part is still a copy). MinHash (``num_perm`` 128, fixed seed) of the top 32
bits of the shingle hashes; LSH bands of as many rows as keep the chance of missing a pair at the
threshold under 0.5 % (at 0.5: 42 bands of 3 rows, a pair at 0.5 is missed with probability 0.4 %, at
0.6 4e-5, at 0.7 2e-8); every candidate is verified on the exact sets. Below a threshold of 0.3 a band
has one row and almost every pair becomes a candidate (slow). In a small set the document frequency
rule is blunt: among 10 reports, text that 3 of them share counts as boilerplate.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .model import Report
from .schema import SECTION_KEYS

__all__ = ["CopiedPair", "copied_pairs", "clean", "names_pattern", "PHRASES"]

_NUMERALS = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟\u2160-\u218f\u2460-\u24ff\u3220-\u3243"
_KEEP = re.compile(rf"[^\W\d_{_NUMERALS}]+")
_DROP = re.compile(rf"[\W\d_{_NUMERALS}]")
_BREAK = re.compile(r"\W")
_HEADING = re.compile(r"(?:^|(?<=[\n。；;！!？?]))[ \t\u3000]*"
                      r"(?:第?[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]{1,3}[）)]"
                      r"|\d{1,2}[、.．](?!\d))[^\n。；;：:，,！!？?]{0,24}?(?:[。：:]|[ \t\u3000]*(?=\n)|$)")
PHRASES = ("中华人民共和国政府信息公开条例", "政府信息公开条例", "政府信息公开工作年度报告格式", "政府信息公开工作年度报告",
           "国务院办公厅政府信息公开办公室", "国办公开办函号", "本报告", "统计期限", "自年月日起至年月日止", "年月日",
           "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议行政诉讼情况",
           "存在的主要问题及改进情况", "其他需要报告的事项", "政府信息公开平台建设", "政府信息管理", "监督保障",
           "依申请公开", "主动公开", "政府信息公开", "政务公开", "信息处理费")
_PHRASES = re.compile("|".join(sorted(PHRASES, key=lambda p: (-len(p), p))))
_MIX = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(0x100000001B3))


@dataclass(frozen=True)
class CopiedPair:
    """Two agencies of one year whose narrative shares more than the threshold, after cleaning."""

    a: str                       # Report.key of the first agency (a < b)
    b: str
    a_name: str                  # Report.agency
    b_name: str
    year: int
    similarity: float            # Jaccard of the copied parts' cleaned shingle sets, boilerplate dropped
    sections: tuple[str, ...]    # the parts holding the copied text ("一", "五" ...), in report order
    passages: tuple[str, ...]    # up to 3 longest shared passages as printed in a's text, longest first


def _nul(m: re.Match[str]) -> str:
    return "\0" * len(m.group())


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex (a trie, so that thousands of names cost little) matching every name, longest first, in
    cleaned text (names are cleaned alike); None without a name of two characters or more."""
    trie: dict[str, dict] = {}
    for name in sorted({n for n in ("".join(_KEEP.findall(x)) for x in names) if len(n) >= 2}):
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body
    return re.compile(emit(trie)) if trie else None


def _points(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-32-le"), dtype="<u4")


def clean(text: str, names: re.Pattern[str] | None = None) -> tuple[str, np.ndarray]:
    """The text as compared (see the module's docstring) and, for each of its characters, its offset in ``text``."""
    t = _DROP.sub("\0", _HEADING.sub(_nul, text))  # same length as ``text``: NUL where a character goes
    pos = np.flatnonzero(_points(t))
    c = t.replace("\0", "")
    if names is not None:
        c = names.sub(_nul, c)
    c = _PHRASES.sub(_nul, c)
    return c.replace("\0", ""), pos[_points(c) != 0]


def _hashes(c: str, n: int) -> np.ndarray:
    """A 64-bit hash of every run of ``n`` characters of ``c``, by position."""
    cp = np.frombuffer(c.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    m = len(cp) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint64)
    h = np.zeros(m, np.uint64)
    for k in range(n):
        h = h * _MIX[2] + cp[k:k + m]
    for mult in _MIX[:2]:  # the MurmurHash3 finalizer: every input bit moves every output bit
        h = (h ^ (h >> np.uint64(33))) * mult
    return h ^ (h >> np.uint64(33))


def _rows(threshold: float, num_perm: int) -> int:
    """The most rows a band can have while a pair at ``threshold`` is missed with probability <= 0.5 %."""
    best = 1
    for r in range(1, num_perm // 2 + 1):
        if (1 - threshold ** r) ** (num_perm // r) <= 0.005:
            best = r
    return best


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    inter = np.intersect1d(x, y, assume_unique=True).size
    return inter / (x.size + y.size - inter) if x.size + y.size else 0.0


def copied_pairs(reports: Sequence[Report], *, threshold: float = 0.5, shingle: int = 5, min_shingles: int = 20,
                 boilerplate_share: float = 0.2, boilerplate_min: int = 3, num_perm: int = 128, seed: int = 1,
                 sections: Sequence[str] = SECTION_KEYS, max_passages: int = 3,
                 min_passage: int = 20) -> list[CopiedPair]:
    """Pairs of different agencies of one year whose narrative parts have Jaccard >= ``threshold``.

    Sorted by (year, a, b); the same input gives the same output (fixed seeds, sorted candidates).
    """
    names = names_pattern([n for r in reports for n in (r.agency or "", r.provenance.printed)])
    years: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        if r.year is not None and r.key is not None:
            years[r.year].append(r)
    out: list[CopiedPair] = []
    for year in sorted(years):
        out += _year(years[year], year, names, threshold, shingle, min_shingles, boilerplate_share,
                     boilerplate_min, num_perm, seed, sections, max_passages, min_passage)
    return sorted(out, key=lambda p: (p.year, p.a, p.b))


def _year(reps: list[Report], year: int, names: re.Pattern[str] | None, threshold: float, shingle: int,
          min_shingles: int, share: float, least: int, num_perm: int, seed: int, sections: Sequence[str],
          max_passages: int, min_passage: int) -> list[CopiedPair]:
    parts: list[tuple[int, str]] = []  # (report, section) of every part with text, report by report
    sets: list[np.ndarray] = []
    bounds = [0]  # parts[bounds[i]:bounds[i + 1]] are report i's
    for i, r in enumerate(reps):
        for s in sections:
            if r.sections.get(s, "").strip():
                parts.append((i, s))
                sets.append(np.unique(_hashes(clean(r.sections[s], names)[0], shingle)))
        bounds.append(len(parts))
    if not parts:
        return []
    # document frequency: in how many of the year's reports each shingle occurs
    per_report = [np.unique(np.concatenate(sets[s:e])) for s, e in zip(bounds, bounds[1:]) if e > s]
    values, counts = np.unique(np.concatenate(per_report), return_counts=True)
    boiler = values[(counts > share * len(reps)) & (counts >= least)]
    kept = [x[boiler[np.minimum(np.searchsorted(boiler, x), boiler.size - 1)] != x] if boiler.size else x
            for x in sets]  # (boiler is sorted)
    del sets, per_report, values, counts
    items = [k for k in range(len(parts)) if kept[k].size >= min_shingles]
    if len(items) < 2:
        return []
    # candidates: parts sharing an LSH bucket (MinHash of the top 32 bits of each shingle hash) ...
    rows = _rows(threshold, num_perm)
    lsh = MinHashLSH(num_perm=num_perm, params=(num_perm // rows, rows))
    sketches = MinHash.generator(((kept[k] >> np.uint64(32)).tolist() for k in items), num_perm=num_perm,
                                 seed=seed, hashfunc=int)
    with lsh.insertion_session() as session:
        for n, m in enumerate(sketches):
            session.insert(n, LeanMinHash(m), check_duplication=False)
    candidates: set[tuple[int, int]] = set()
    for table, buckets in zip(lsh.hashtables, lsh.get_counts()):
        for bucket in (h for h, size in buckets.items() if size > 1):
            candidates.update(combinations(sorted(table.get(bucket)), 2))
    # ... of different agencies, kept when their exact Jaccard reaches the threshold
    found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for n, o in sorted(candidates):
        x, y = items[n], items[o]
        ka, kb = str(reps[parts[x][0]].key), str(reps[parts[y][0]].key)
        if ka != kb and _jaccard(kept[x], kept[y]) >= threshold:
            found[(ka, kb) if ka < kb else (kb, ka)].append((x, y) if ka < kb else (y, x))
    out = []
    text = [reps[i].sections[s] for i, s in parts]  # once for the year, not once a pair
    for (ka, kb), matches in found.items():
        xs, ys = sorted({x for x, _ in matches}), sorted({y for _, y in matches})
        sim = _jaccard(*(np.unique(np.concatenate([kept[k] for k in ks])) for ks in (xs, ys)))
        secs = {parts[k][1] for k in xs + ys}
        ra, rb = reps[parts[xs[0]][0]], reps[parts[ys[0]][0]]
        quotes = _passages([(text[x], kept[x], text[y], kept[y]) for x, y in sorted(matches)], names, shingle,
                           min_passage)
        out.append(CopiedPair(ka, kb, ra.agency or ka, rb.agency or kb, year, round(sim, 4),
                              tuple(s for s in sections if s in secs), tuple(quotes[:max_passages])))
    return out


def _masked(text: str, kept: np.ndarray, names: re.Pattern[str] | None, n: int, pad: str) -> tuple[str, np.ndarray]:
    """The cleaned text with every character no kept shingle covers replaced by ``pad`` (it matches nothing)."""
    c, pos = clean(text, names)
    h = _hashes(c, n)
    ok = np.isin(h, kept)
    covered = np.zeros(len(c), bool)
    for k in range(n):
        covered[k:k + h.size] |= ok
    return "".join(ch if cov else pad for ch, cov in zip(c, covered)), pos


def _edge(a: str, i: int, b: str, j: int, step: int) -> int:
    """A passage's edge (``i`` in ``a``, ``j`` in ``b``) moved outward by ``step`` while both prints agree, to the
    last clause boundary passed (so that a passage starts and ends with whole words, not inside a name)."""
    best = i
    while True:
        ka, kb = (i - 1, j - 1) if step < 0 else (i, j)  # the characters just outside the edge
        if not 0 <= ka < len(a) or _BREAK.match(a[ka]):
            best = i
        if not (0 <= ka < len(a) and 0 <= kb < len(b)) or a[ka] != b[kb] or a[ka] == "\n":
            return best
        i, j = i + step, j + step


def _passages(pairs: list[tuple[str, np.ndarray, str, np.ndarray]], names: re.Pattern[str] | None, n: int,
              min_len: int) -> list[str]:
    """The shared passages of the verified parts, as printed in the first text (line by line), longest first."""
    found: set[str] = set()
    for text_a, kept_a, text_b, kept_b in pairs:
        ca, pa = _masked(text_a, kept_a, names, n, "\x00")
        cb, pb = _masked(text_b, kept_b, names, n, "\x01")
        for i, j, size in SequenceMatcher(None, ca, cb, autojunk=False).get_matching_blocks():
            if size < n:
                continue
            sa = _edge(text_a, int(pa[i]), text_b, int(pb[j]), -1)
            ea = _edge(text_a, int(pa[i + size - 1]) + 1, text_b, int(pb[j + size - 1]) + 1, 1)
            found.update(q.strip() for q in text_a[sa:ea].split("\n") if len(q.strip()) >= min_len)
    return sorted(found, key=lambda q: (-len(q), q))
