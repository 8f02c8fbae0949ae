"""What the notebooks call: one report, its history and its peers, as DataFrames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .model import Report
from .schema import get_format
from .store import Store

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


def load_report(agency: str, year: int, store: str | Path | None = None) -> Report:
    """One stored report (raises :class:`kit.errors.NotFound` when absent)."""
    with Store(store, create=False) as s:
        return s.get(agency, int(year))


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    """One statutory table as a DataFrame: rows and columns labelled as printed."""
    table = get_format(report.format).table(table_id)
    data = []
    index = []
    for r in table.rows:
        index.append((r.block or r.group or "", r.label))
        data.append([report.cells.get(r.cell_id(table_id, c)) for c in r.columns]
                    + [None] * (max(len(x.columns) for x in table.rows) - len(r.columns)))
    width = max(len(x.columns) for x in table.rows)
    cols = next(x.columns for x in table.rows if len(x.columns) == width)
    return pd.DataFrame(data, index=pd.MultiIndex.from_tuples(index, names=["分组", "项目"]),
                        columns=[c.label for c in cols])


def headline(report: Report) -> dict[str, float | int | None]:
    return {name: report.cells.get(cid) for name, cid in HEADLINE.items()}


def history_frame(agency: str, store: str | Path | None = None, *, upto: int | None = None) -> pd.DataFrame:
    """Headline figures of every stored year of one agency (index: year; column 格式 = format)."""
    with Store(store, create=False) as s:
        reports = s.history(agency)
    rows = [{"年度": r.year, "格式": r.format, **headline(r)} for r in reports
            if upto is None or (r.year or 0) <= upto]
    return pd.DataFrame(rows).set_index("年度") if rows else pd.DataFrame(columns=["格式", *HEADLINE])


def peers_frame(year: int, store: str | Path | None = None) -> pd.DataFrame:
    """Headline figures of every agency stored for one year (index: agency)."""
    with Store(store, create=False) as s:
        reports = s.year(year)
    rows = [{"机关": r.agency, "格式": r.format, **headline(r)} for r in reports]
    return pd.DataFrame(rows).set_index("机关") if rows else pd.DataFrame(columns=["格式", *HEADLINE])



def tidy_frame(store: str | Path | None = None, *, agencies: tuple[str, ...] = (),
               years: tuple[int, ...] = ()) -> pd.DataFrame:
    """The whole store as one tidy table: one row per agency, year and cell."""
    from .excel import tidy_rows

    with Store(store, create=False) as s:
        reports = [s.get(a, y) for a, y, _ in s.entries()
                   if (not agencies or a in agencies) and (not years or y in years)]
    return pd.DataFrame(tidy_rows(reports))


def pivot_cell(tidy: pd.DataFrame, cell_id: str) -> pd.DataFrame:
    """One cell over agencies (rows) and years (columns)."""
    sub = tidy[tidy["cell_id"] == cell_id]
    return sub.pivot_table(index="agency", columns="year", values="value", aggfunc="first")


def findings_frame(store: str | Path | None = None, *, registry: str | Path | None = None) -> pd.DataFrame:
    """Every finding of every stored report (the reader's and the checks'), one row each."""
    from .registry import Registry
    from .review import check_store

    reg = Registry.load(registry) if registry else None
    rows = [{"agency": a, "year": y, "severity": f.severity, "rule": f.rule, "cells": ", ".join(f.cells),
             "message": f.message} for a, y, f in check_store(store, registry=reg)]
    return pd.DataFrame(rows, columns=["agency", "year", "severity", "rule", "cells", "message"])
