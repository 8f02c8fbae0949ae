"""What the notebooks call: one report, its history and its peers, as DataFrames."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..model import Report
from ..schema import get_format, total
from ..store import Store

# Headline figures of one report, by cell id (same meaning in both format versions).
HEADLINE = {
    "新收申请": "t3.new.total",
    "上年结转": "t3.carried_in.total",
    "办理总计": "t3.total.total",
    "予以公开": "t3.granted.total",
    "部分公开": "t3.partial.total",
    "结转下年": "t3.carried_out.total",
    "行政复议": "t4.review.total",
    "直接起诉": "t4.suit_direct.total",
    "复议后起诉": "t4.suit_after_review.total",
}


def load_report(agency: str, year: int, store: str | Path | None = None, revision: int | None = None) -> Report:
    """One stored report, the current revision or the one numbered ``revision`` (raises
    :class:`kit.errors.NotFound` when absent)."""
    with Store(store, create=False) as s:
        return s.get(agency, int(year), revision)


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    """One statutory table as a DataFrame: rows and columns labelled as printed."""
    table = get_format(report.format).table(table_id)
    width = len(table.columns)
    data, index = [], []
    for r in table.rows:
        group = r.block or r.group or (table.results_label if r.role in ("result", "total") else None)
        index.append((group or "", r.label))
        data.append([report.cells.get(r.cell_id(table_id, c)) for c in r.columns] + [None] * (width - len(r.columns)))
    return pd.DataFrame(data, index=pd.MultiIndex.from_tuples(index, names=["分组", "项目"]),
                        columns=[c.label for c in table.columns])


def headline(report: Report) -> dict[str, float | int | None]:
    return {name: report.cells.get(cid) for name, cid in HEADLINE.items()}


def yearly(report: Report) -> dict[str, Any]:
    """One report's figures for the comparison charts (same meaning in both format versions)."""
    from .narrative import cell, correction_rate, disclosure_rate, outcome_shares

    row: dict[str, Any] = {"格式": report.format, **headline(report)}
    for name, v in outcome_shares(report):
        row[name] = v
    for name, r in (("行政许可", "license"), ("行政处罚", "penalty"), ("行政强制", "coercion")):
        row[name] = cell(report, f"t2.{r}.decisions")
    parts = {"维持": "upheld", "纠正": "corrected", "其他": "other", "尚未审结": "pending"}
    for label, c in parts.items():
        row[f"行政复议{label}"] = cell(report, f"t4.review.{c}")
        row[f"行政诉讼{label}"] = total(cell(report, f"t4.{g}.{c}") for g in ("suit_direct", "suit_after_review"))
    row["行政诉讼"] = total(cell(report, f"t4.{g}.total") for g in ("suit_direct", "suit_after_review"))
    row["公开率"] = disclosure_rate(report)
    row["纠错率"] = correction_rate(report)
    return row


def history_frame(agency: str, store: str | Path | None = None, *, upto: int | None = None,
                  years: int | None = None) -> pd.DataFrame:
    """Figures of every stored year of one agency up to ``upto`` (the last ``years`` of them)."""
    with Store(store, create=False) as s:
        reports = [r for r in s.history(agency) if upto is None or (r.year or 0) <= upto]
    if years:
        reports = reports[-years:]
    rows = [{"年度": r.year, **yearly(r)} for r in reports]
    return pd.DataFrame(rows).set_index("年度") if rows else pd.DataFrame(columns=["格式", *HEADLINE])


def peer_reports(agency: str, year: int, store: str | Path | None = None,
                 registry: str | Path | None = None) -> list[Report]:
    """Same-year reports of the agency's peers (same region and level in the registry), itself excluded."""
    from ..findings import stored
    from ..registry import Registry

    if not registry:
        return []
    reg = Registry.load(registry)
    with Store(store, create=False) as s:
        me = reg.find(agency) or reg.find(s.key(agency) or "")
        found = [stored(s, peer, int(year)) for peer in (reg.peers(me.id) if me else [])]
    return [r for r in found if r is not None]


def peers_frame(report: Report, peers: list[Report]) -> pd.DataFrame:
    """A report and its peers' (index: agency): applications, disclosure and correction rates."""
    if not peers:
        return pd.DataFrame(columns=["格式", *HEADLINE, "公开率", "纠错率"])
    rows = [{"机关": r.agency, **yearly(r)} for r in [report, *peers]]
    return pd.DataFrame(rows).set_index("机关")


def tidy_frame(store: str | Path | None = None, *, agencies: tuple[str, ...] = (),
               years: tuple[int, ...] = ()) -> pd.DataFrame:
    """The whole store as one tidy table: one row per agency, year and cell."""
    from .export import tidy_rows

    from ..findings import wanted

    with Store(store, create=False) as s:
        want = wanted(s, agencies)
        reports = [s.get(a, y) for a, y, _ in s.entries()
                   if (want is None or a in want) and (not years or y in years)]
    return pd.DataFrame(tidy_rows(reports))


def pivot_cell(tidy: pd.DataFrame, cell_id: str) -> pd.DataFrame:
    """One cell over agencies (rows) and years (columns)."""
    sub = tidy[tidy["cell_id"] == cell_id]
    return sub.pivot_table(index="agency", columns="year", values="value", aggfunc="first")


def findings_frame(store: str | Path | None = None, *, registry: str | Path | None = None) -> pd.DataFrame:
    """Every finding of every stored report (the reader's and the checks'), one row each."""
    from ..registry import Registry
    from ..findings import check_store

    reg = Registry.load(registry) if registry else None
    rows = [{"agency": a, "year": y, "severity": f.severity, "rule": f.rule, "cells": ", ".join(f.cells),
             "message": f.message} for a, y, f in check_store(store, registry=reg)]
    return pd.DataFrame(rows, columns=["agency", "year", "severity", "rule", "cells", "message"])
