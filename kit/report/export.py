"""The store as a tidy table (one row per agency, year and cell) for spreadsheets and data tools.

Counts stay whole numbers and amounts keep the decimals they were printed with: the ``value`` column
is written from Python's own numbers, never through a float column (which would print every count as
``3.0``). ``kind`` says what a value is (``count``, ``amount`` or ``delta``, from the schema).
Parquet needs one type per column: there ``value`` is float64, and ``kind`` tells the counts apart.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..errors import ParameterError
from ..model import Report
from ..schema import get_format

TIDY_COLUMNS = ["agency_id", "agency", "year", "format", "cell_id", "table", "row_label", "column_label", "kind", "value", "raw"]
FORMS = ("xlsx", "csv", "parquet")


def tidy_rows(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """One row per cell, with the columns of ``TIDY_COLUMNS``."""
    out = []
    for r in reports:
        fmt = get_format(r.format)
        for cid in fmt.cell_ids():
            table, row, col = fmt.cell(cid)
            out.append({"agency_id": r.key, "agency": r.agency, "year": r.year, "format": r.format, "cell_id": cid, "table": table.id,
                        "row_label": row.label, "column_label": col.label, "kind": col.kind,
                        "value": r.cells.get(cid), "raw": r.raw.get(cid, "")})
    return out


def export_table(reports: list[Report], path: str | Path, to: str) -> Path:
    """Write the reports as ``xlsx`` (the tidy sheet and the official tables), ``csv`` or ``parquet``."""
    import pandas as pd

    if to == "xlsx":
        from .excel import export_workbook

        return export_workbook(reports, path)
    rows = tidy_rows(reports)
    frame = pd.DataFrame(rows, columns=TIDY_COLUMNS)
    if to == "csv":
        frame["value"] = pd.Series([r["value"] for r in rows], dtype=object)  # 3 stays 3, 4068.208 stays
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif to == "parquet":
        frame["value"] = frame["value"].astype("float64")
        frame.to_parquet(path, index=False)
    else:
        raise ParameterError([f"to: {to!r} is not one of {', '.join(FORMS)}"])
    return Path(path)
