"""From each row's printed tokens to cell values, using the table identities (shared by all readers)."""
from __future__ import annotations

from typing import Callable, Sequence

from ..model import Finding
from ..schema import FormatVersion, Table, number_text
from .segment import Reading, Resolution, Token, Value, choose, row_readings

RowTokens = dict[str, list[Token] | None]  # row id -> tokens (None: the row's label was not found)


def score(table: Table, rows: Sequence[Reading | None]) -> int:
    """How many of the table's identities hold for one choice of readings (one per row, None: absent).

    表三: S1 per row, S2 and O1 per column; 表四: S4 per group; 表二 has none (always 0).
    """
    values: dict[str, Value] = {}
    for row, reading in zip(table.rows, rows):
        if reading:
            for col, (v, _) in zip(row.columns, reading):
                values[row.cell_id(table.id, col)] = v
    return sum(1 for i in table.identities if i.holds(values.get))


def holding(table: Table, cells: dict[str, Value]) -> int:
    """How many of the table's identities hold over resolved cells (an unknown cell: not holding)."""
    return sum(1 for i in table.identities if i.holds(cells.get))


def _own_identities_hold(table: Table, row_id: str, ids: list[str], reading: Reading) -> bool:
    """Whether every identity within one row (S1) holds for a reading of that row alone."""
    values = dict(zip(ids, (v for v, _ in reading)))
    return all(i.holds(values.get) for i in table.identities if i.each == "row" and i.key == row_id)


def resolve(fmt: FormatVersion, table: Table, tokens: RowTokens, *, found: bool,
            hints: dict[str, set[float]] | None = None, last: dict[str, Value] | None = None
            ) -> tuple[dict[str, Value], dict[str, str], list[Finding]]:
    """Cell values, printed texts and ``extract.*`` findings for one table.

    ``hints`` maps a row id to numbers the report's own prose states about that row (e.g.
    "制发行政规范性文件62件"); among several readings of a glued row with no identity to decide,
    the plausible readings that agree with the prose are kept, and an info finding says so.
    ``last``: the agency's cells of the year before, when known (its in-force figures bound what a
    row can have repealed).
    """
    cells: dict[str, Value] = {}
    raw: dict[str, str] = {}
    findings: list[Finding] = []
    if not found:
        ids = table.cell_ids()
        cells.update({c: None for c in ids})
        findings.append(Finding("extract.table_missing", "warning",
                                f"未找到表{ '二三四'[int(table.id[1]) - 2] }（{table.title}），其单元格均为空。",
                                cells=ids))
        return cells, raw, findings

    if table.id == "t4":
        return _resolve_t4(table, tokens.get("*"), cells, raw, findings)

    merged = _merged_rows(table, tokens)
    if merged:
        tried = resolve(fmt, table, {**tokens, **merged[0]}, found=found, hints=hints, last=last)
        if _fits(table, tried[0], [c for rid in merged[0] for c in table.row_cell_ids(rid)]):
            return tried[0], tried[1], tried[2] + merged[1]

    cands: list[list[Reading] | None] = []
    for row in table.rows:
        toks = tokens.get(row.id)
        kinds = [c.kind for c in row.columns]
        ids = [row.cell_id(table.id, c) for c in row.columns]
        if toks is None:
            cands.append(None)
            findings.append(Finding("extract.missing_row", "warning",
                                    f"未找到“{row.label}”一行，该行单元格为空。", cells=ids))
            continue
        if not toks:
            # the label is there but no value follows: blank cells are printed as empty cells
            # (kept as blanks), so nothing at all means the values were lost in the file
            cands.append(None)
            findings.append(Finding("extract.no_values", "warning",
                                    f"“{row.label}”一行找到了标签，但没有读到任何数值，该行单元格为空。", cells=ids))
            continue
        rs = row_readings(toks, kinds)
        if not rs:
            cands.append(None)
            printed = " ".join(t.text for t in toks)
            findings.append(Finding("extract.unreadable", "error",
                                    f"“{row.label}”一行印的是“{printed}”，无法读成{len(kinds)}个数。",
                                    cells=ids, actual=printed))
            continue
        if any(i.each == "row" and i.key == row.id for i in table.identities):
            rs = [r for r in rs if _own_identities_hold(table, row.id, ids, r)] or rs
        elif len(rs) > 1 and hints and hints.get(row.id):
            rs = _by_prose(rs, hints[row.id], row.label, ids, findings, _plausible(row.id, ids, last))
        if len(rs) > 1 and last:
            rs = _by_last_year(rs, row.label, ids, last, findings)
        cands.append(rs)

    resolved = choose(cands, lambda rows: score(table, rows))
    for row, res in zip(table.rows, resolved):
        _store([row.cell_id(table.id, c) for c in row.columns], res, cells, raw, findings)
    return cells, raw, findings


def _by_last_year(rs: list[Reading], label: str, ids: list[str], last: dict[str, Value],
                  findings: list[Finding]) -> list[Reading]:
    """A glued run settled by the agency's report of the year before: this year's 上年结转 is last year's
    结转下年度 (X1), this year's 现行有效件数 is last year's plus what was issued, less what was repealed
    (X2). Only readings that satisfy the link are kept, and only when some do; an info finding names the
    evidence (``extract.cross_year_hint``)."""
    cols = {c.rsplit(".", 1)[1]: j for j, c in enumerate(ids)}
    if ids[0].startswith("t3.carried_in."):
        evidence = {j: last.get(c.replace(".carried_in.", ".carried_out.")) for j, c in enumerate(ids)}
        if any(v is None for v in evidence.values()):
            return rs
        kept = [r for r in rs if all(r[j][0] == evidence[j] for j in evidence)]
        said = f"上年报告“结转下年度”一行（{'、'.join(str(evidence[j]) for j in sorted(evidence))}）"
    elif {"issued", "repealed", "in_force"} <= set(cols) and last.get(ids[cols["in_force"]]) is not None:
        before = last[ids[cols["in_force"]]]

        def x2(r: Reading) -> bool:
            i, d, now = (r[cols[k]][0] for k in ("issued", "repealed", "in_force"))
            return None not in (i, d, now) and now == before + i - d and d <= before + i  # type: ignore[operator]

        kept = [r for r in rs if x2(r)]
        said = f"上年报告的现行有效件数 {before}（上年现行有效 + 本年制发 − 本年废止 = 本年现行有效）"
    else:
        return rs
    if not kept or len(kept) == len(rs):
        return rs
    settled = [ids[j] for j in range(len(ids)) if len({r[j][0] for r in kept}) == 1 and len({r[j][0] for r in rs}) > 1]
    if settled:
        findings.append(Finding("extract.cross_year_hint", "info",
                                f"“{label}”一行数字连写，按{said}确定了拆分，请核对。", cells=settled))
    return kept


def _plausible(row_id: str, ids: list[str], last: dict[str, Value] | None) -> Callable[[Reading], bool]:
    """Whether a reading of a 表二 issued/repealed/in-force row can be true: what was repealed was in
    force last year or issued this year (last year's in-force figure when known, else this year's as
    the bound: a run split into "issued 2, repealed 443, in force 2" is not settled by a hint)."""
    cols = [c.rsplit(".", 1)[1] for c in ids]
    if not {"issued", "repealed", "in_force"} <= set(cols):
        return lambda r: True
    at = {c: j for j, c in enumerate(cols)}
    before = (last or {}).get(f"t2.{row_id}.in_force")

    def ok(r: Reading) -> bool:
        issued, repealed, now = (r[at[c]][0] for c in ("issued", "repealed", "in_force"))
        if issued is None or repealed is None or now is None:
            return True
        if before is not None:
            return repealed <= before + issued
        return repealed <= now + issued

    return ok


def _merged_rows(table: Table, tokens: RowTokens) -> tuple[RowTokens, list[Finding]] | None:
    """Rows whose labels fell out of a converted table, their numbers printed after the row before
    them ("4.无正当理由大量反复申请 1 0 0 0 0 0 1 0 0 0 0 0 0 0 40 1 0 0 2 0 43"): a row holding
    exactly k rows' worth of separate numbers, followed in the official order by exactly k − 1 rows not
    found, gives each of them its share, in order. The only assignment the order allows; kept only
    when every identity it takes part in holds (:func:`_fits`)."""
    rows = table.rows
    out: RowTokens = {}
    notes: list[Finding] = []
    for i, row in enumerate(rows):
        toks = tokens.get(row.id)
        width = len(row.columns)
        if not toks or len(toks) <= width or len(toks) % width or not all(t.is_number for t in toks):
            continue
        k = len(toks) // width
        after = rows[i + 1:i + k]
        if len(after) != k - 1 or any(tokens.get(r.id) is not None or len(r.columns) != width for r in after):
            continue
        if i + k < len(rows) and tokens.get(rows[i + k].id) is None:
            continue  # more rows missing than the numbers fill: which ones they are is not certain
        for n, r in enumerate([row, *after]):
            out[r.id] = list(toks[n * width:(n + 1) * width])
        notes.append(Finding("format.merged_rows", "info",
                             f"“{row.label}”一行后接着印了{k - 1}行数字而没有行标签：按规定的行序归入"
                             + "、".join(f"“{r.label}”" for r in after) + "，各行与各列的勾稽关系均成立。",
                             cells=[c for r in after for c in table.row_cell_ids(r.id)]))
    return (out, notes) if out else None


def _fits(table: Table, cells: dict[str, Value], recovered: list[str]) -> bool:
    """Every identity touching a recovered cell holds (none left unknown)."""
    touched = [i for i in table.identities if set(i.cells) & set(recovered)]
    return bool(touched) and all(i.holds(cells.get) for i in touched)


def _by_prose(rs: list[Reading], said: set[float], label: str, ids: list[str],
              findings: list[Finding], plausible: Callable[[Reading], bool]) -> list[Reading]:
    def score(r: Reading) -> int:
        return sum(1 for v, _ in r if v and v in said)

    fit = [r for r in rs if plausible(r)]
    best = max((score(r) for r in fit), default=0)
    if best == 0:
        return rs
    kept = [r for r in fit if score(r) == best]
    settled = [ids[j] for j in range(len(ids)) if len({r[j][0] for r in kept}) == 1 and len({r[j][0] for r in rs}) > 1]
    if settled:
        nums = "、".join(sorted({number_text(v) for r in kept for v, _ in r if v and v in said}))
        findings.append(Finding("extract.text_hint", "info",
                                f"“{label}”一行数字连写，按报告正文所述的数字（{nums}）确定了拆分，请核对。",
                                cells=settled))
    return kept


def _store(ids: list[str], res: Resolution | None, cells: dict[str, Value],
           raw: dict[str, str], findings: list[Finding]) -> None:
    if res is None:
        cells.update({c: None for c in ids})
        return
    for j, cid in enumerate(ids):
        cells[cid] = res.values[j]
        raw[cid] = res.raw[j]
    if res.ambiguous:
        amb_ids = [ids[j] for j in sorted(res.ambiguous)]
        alts = "；".join(f"{ids[j]} 可读作 " + " 或 ".join(str(v) for v in vs[:6])
                        for j, vs in sorted(res.ambiguous.items()))
        findings.append(Finding("extract.ambiguous", "warning",
                                f"数字连写无法唯一拆分（{alts}），请核对原件后补录。", cells=amb_ids,
                                actual={ids[j]: vs[:6] for j, vs in res.ambiguous.items()}))


def _resolve_t4(table: Table, toks: list[Token] | None, cells: dict[str, Value], raw: dict[str, str],
                findings: list[Finding]) -> tuple[dict[str, Value], dict[str, str], list[Finding]]:
    ids = table.cell_ids()
    kinds = ["count"] * len(ids)
    if not toks:
        cells.update({c: None for c in ids})
        findings.append(Finding("extract.missing_row", "warning", f"表四未找到数值行，{len(ids)}个单元格为空。",
                                cells=ids))
        return cells, raw, findings
    rs = row_readings(toks, kinds)
    if not rs:
        printed = " ".join(t.text for t in toks)
        cells.update({c: None for c in ids})
        findings.append(Finding("extract.unreadable", "error",
                                f"表四印的是“{printed}”，无法读成{len(ids)}个数。", cells=ids, actual=printed))
        return cells, raw, findings
    # the one printed run holds all three groups: score each reading as the table's rows
    n = len(table.columns)

    def by_rows(r: Reading) -> int:
        return score(table, [r[g * n:(g + 1) * n] for g in range(len(table.rows))])

    best = max(by_rows(r) for r in rs)
    rs = [r for r in rs if by_rows(r) == best]
    resolved = choose([rs], lambda rows: 0)
    _store(ids, resolved[0], cells, raw, findings)
    return cells, raw, findings
