"""The Excel round trip: template -> filled by a program -> ingest -> export, every cell equal."""
from __future__ import annotations

import random

import openpyxl
import pandas as pd
import pytest

from kit.cli import main
from kit.errors import ParameterError
from kit.demo import numbers
from kit.report.excel import CHECK_SHEET, SHEET, cell_coordinates
from kit.store import Store


@pytest.mark.parametrize("version,year", [("gov2021", 2024), ("gov2019", 2020)])
def test_template_round_trip(tmp_path, version, year, capsys):
    xlsx = tmp_path / "t.xlsx"
    assert main(["template", "--format", version, "--agency", "某县某局", "--year", str(year), "-o", str(xlsx)]) == 0
    cells = numbers(random.Random(5), 40, {"natural": 2}, version=version)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[SHEET]
    where = cell_coordinates(version)
    assert set(where) == set(cells)
    for cid, v in cells.items():
        ws[where[cid]] = v
    ws["A5"] = "本年度主动公开、依申请公开、政府信息管理、平台建设和监督保障工作有序开展。"
    wb.save(xlsx)
    store = tmp_path / "s.sqlite"
    assert main(["ingest", str(xlsx), "--store", str(store)]) == 0
    with Store(store) as s:
        r = s.get("某县某局", year)
    assert r.format == version and r.provenance.reader == "xlsx"
    assert r.cells == cells
    assert "平台建设" in r.sections["一"]
    for to in ("csv", "parquet", "xlsx"):
        out = tmp_path / f"e.{to}"
        assert main(["export", "--store", str(store), "--to", to, "-o", str(out)]) == 0
        if to == "csv":
            frame = pd.read_csv(out, encoding="utf-8-sig")
        elif to == "parquet":
            frame = pd.read_parquet(out)
        else:
            frame = pd.read_excel(out, sheet_name="数据")
            book = openpyxl.load_workbook(out)
            assert {"表二", "表三", "表四"} <= set(book.sheetnames)
            assert book["表三"].merged_cells.ranges  # official layout with merged headers
        assert set(frame.columns) >= {"agency", "year", "format", "cell_id", "table", "row_label", "column_label",
                                      "value", "raw"}
        got = dict(zip(frame["cell_id"], frame["value"]))
        assert got.keys() == cells.keys()
        for cid, v in cells.items():
            assert float(got[cid]) == pytest.approx(float(v)), (to, cid)


def test_template_protection_validation_and_live_formulas(tmp_path):
    xlsx = tmp_path / "t.xlsx"
    assert main(["template", "--format", "gov2021", "-o", str(xlsx)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[SHEET]
    assert ws.protection.sheet
    where = cell_coordinates("gov2021")
    assert not ws[where["t3.new.natural"]].protection.locked
    label = next(c for row in ws.iter_rows() for c in row if c.value == "（一）予以公开")
    assert label.protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"whole", "decimal"} <= kinds
    assert any("D" in str(r) for r in ws.merged_cells.ranges)
    formulas = [c.value for row in wb[CHECK_SHEET].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("SUM(" in f for f in formulas) and any("IF(" in f for f in formulas)


def test_export_with_nothing_to_export(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    Store(store).close()
    assert main(["export", "--store", str(store), "--to", "csv", "-o", str(tmp_path / "x.csv")]) == 1


def test_csv_export_keeps_counts_whole_and_amounts_exact(tmp_path):
    import csv

    from kit.demo import make_report
    from kit.report.export import export_table

    cells = numbers(random.Random(5), 40, {"natural": 2})
    cells["t2.fees.amount"] = 4068.208
    cells["t2.rules.issued"] = None
    report = make_report("某县某局", 2024, cells, raw={"t2.rules.issued": "/"})
    out = export_table([report], tmp_path / "e.csv", "csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {r["cell_id"]: r for r in csv.DictReader(f)}
    assert rows["t3.new.natural"]["value"] == str(cells["t3.new.natural"]) and "." not in rows["t3.new.total"]["value"]
    assert (rows["t3.new.natural"]["kind"], rows["t2.fees.amount"]["kind"]) == ("count", "amount")
    assert rows["t2.fees.amount"]["value"] == "4068.208"
    assert (rows["t2.rules.issued"]["value"], rows["t2.rules.issued"]["raw"]) == ("", "/")
    with pytest.raises(ParameterError, match="'ods' is not one of"):
        export_table([report], tmp_path / "e.ods", "ods")
