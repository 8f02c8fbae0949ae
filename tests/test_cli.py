import json
import random

import pytest

from conftest import corpus_files
from kit.cli import main
from kit.demo import numbers, report_text
from kit.store import Store


def _write(tmp_path, name="甲局-2024.txt", agency="甲局", year=2024, seed=1):
    p = tmp_path / name
    p.write_text(report_text(agency, year, numbers(random.Random(seed), 30, {}), "glued"), encoding="utf-8")
    return p


def test_extract_json_shape(tmp_path, capsys):
    p = _write(tmp_path)
    assert main(["extract", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"agency", "year", "format", "cells", "raw", "sections", "findings"} <= set(d)
    assert (d["agency"], d["year"], d["format"]) == ("甲局", 2024, "gov2021")
    assert len(d["cells"]) == 10 + 25 * 7 + 15
    assert set(d["sections"]) == set("一二三四五六")


def test_extract_overrides(tmp_path, capsys):
    p = _write(tmp_path)
    assert main(["extract", str(p), "--json", "--agency", "乙局", "--year", "2023"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["agency"], d["year"]) == ("乙局", 2023)


@pytest.mark.parametrize("content,reason", [(b"", "empty file"), (b"\x00\x01\x02binary", "binary"),
                                            ("只有一句话。".encode(), "no statutory table")])
def test_extract_bad_input_exits_1_with_one_line(tmp_path, capsys, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    assert main(["extract", str(p)]) == 1
    err = capsys.readouterr().err
    assert str(p) in err and reason in err and "Traceback" not in err and err.count("\n") == 1


def test_missing_file_and_size_limit(tmp_path, capsys, monkeypatch):
    assert main(["extract", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt" in capsys.readouterr().err
    p = _write(tmp_path)
    monkeypatch.setenv("XXGK_MAX_BYTES", "100")
    assert main(["extract", str(p)]) == 1
    assert "size limit" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main(["extract"]) == 2
    assert main(["no-such-command"]) == 2
    assert main(["render"]) == 2
    assert main(["render", "--agency", "x", "--year", "2024", "--to", "rtf"]) == 2


def test_render_of_an_agency_year_the_store_lacks_says_so_before_any_kernel(tmp_path, capsys, monkeypatch):
    _write(tmp_path, "a.txt", "甲局", 2023, 1)
    store = tmp_path / "s.sqlite"
    assert main(["ingest", str(tmp_path / "a.txt"), "--store", str(store)]) == 0
    capsys.readouterr()
    import kit.report.render as render

    monkeypatch.setattr(render, "execute", lambda *a, **k: pytest.fail("a kernel was started"))
    for agency, year in (("乙局", 2023), ("甲局", 2024)):
        assert main(["render", "--agency", agency, "--year", str(year), "--store", str(store),
                     "--outputs", str(tmp_path / "out")]) == 1
        assert f"no report for {agency} {year}" in capsys.readouterr().err


def test_ingest_folder_stores_good_files_and_reports_bad(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "a.txt", "甲局", 2023, 1)
    _write(folder, "b.txt", "甲局", 2024, 2)
    (folder / "c.txt").write_bytes(b"")
    store = tmp_path / "s.sqlite"
    assert main(["ingest", str(folder), "--store", str(store)]) == 1
    out = capsys.readouterr()
    assert out.out.count("ok ") == 2 and "c.txt" in out.err and "empty file" in out.err
    with Store(store) as s:
        assert s.entries() == [("甲局", 2023, "gov2021"), ("甲局", 2024, "gov2021")]
    assert main(["ingest", str(folder / "a.txt"), "--store", str(store)]) == 0


def test_ingest_store_from_env(tmp_path, store_path):
    assert main(["ingest", str(_write(tmp_path))]) == 0
    with Store(store_path) as s:
        assert s.entries() == [("甲局", 2024, "gov2021")]


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(".txt"), ids=lambda p: p.name)
def test_extract_every_corpus_text_file_exits_0(path, capsys):
    assert main(["extract", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["format"] in ("gov2021", "gov2019")


@pytest.fixture
def demo_store(tmp_path):
    from kit.demo import write_demo

    store = tmp_path / "s.sqlite"
    write_demo(tmp_path / "d", departments=12, years=(2022, 2023, 2024))
    assert main(["ingest", str(tmp_path / "d"), "--store", str(store)]) == 0
    return store


def test_check_json_and_exit_codes(demo_store, capsys):
    capsys.readouterr()
    assert main(["check", "--store", str(demo_store), "--json"]) == 1
    items = json.loads(capsys.readouterr().out)
    o1 = [i for i in items if i["rule"] == "O1" and i["agency"] == "青禾县财政局"]
    assert o1 and o1[0]["year"] == 2024
    assert {"rule", "severity", "cells", "expected", "actual", "message"} <= set(o1[0])
    # an agency-year with warnings only: passes at the error threshold, fails at the warning threshold
    assert main(["check", "--store", str(demo_store), "--agency", "青禾县民政局", "--year", "2023"]) == 0
    assert main(["check", "--store", str(demo_store), "--agency", "青禾县民政局", "--year", "2023",
                 "--fail-on", "warning"]) == 1
    out = capsys.readouterr()
    assert "placeholder" in out.out and "警告" in out.out


def test_check_without_store(tmp_path, capsys):
    assert main(["check", "--store", str(tmp_path / "none.sqlite")]) == 1
    assert "no store" in capsys.readouterr().err


def test_check_with_registry_aggregate(tmp_path, capsys):
    from kit.registry import Agency, Registry

    store = tmp_path / "s.sqlite"
    kids = {name: numbers(random.Random(seed), 30, {}) for name, seed in (("甲镇", 1), ("乙镇", 2))}
    parent = {cid: kids["甲镇"][cid] + kids["乙镇"][cid] for cid in kids["甲镇"]}
    folder = tmp_path / "in"
    folder.mkdir()
    for name, cells in [*kids.items(), ("某县", parent)]:
        (folder / f"{name}.txt").write_text(report_text(name, 2024, cells, "pipe"), encoding="utf-8")
    assert main(["ingest", str(folder), "--store", str(store)]) == 0
    reg = tmp_path / "registry.csv"
    Registry([Agency("001", "某县", "county", "某市", "", True), Agency("0012", "甲镇", "town", "某县", "001"),
              Agency("0013", "乙镇", "town", "某县", "001")]).save(reg)
    assert Registry.load(reg).by_name["甲镇"].id == "0012"
    capsys.readouterr()
    assert main(["check", "--store", str(store), "--registry", str(reg), "--json"]) == 0
    assert not [i for i in json.loads(capsys.readouterr().out) if i["rule"] == "aggregate"]
    parent["t4.review.upheld"] += 1
    parent["t4.review.total"] += 1
    (folder / "某县.txt").write_text(report_text("某县", 2024, parent, "pipe"), encoding="utf-8")
    assert main(["ingest", str(folder / "某县.txt"), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["check", "--store", str(store), "--registry", str(reg), "--json"]) == 1
    agg = [i for i in json.loads(capsys.readouterr().out) if i["rule"] == "aggregate"]
    assert agg and agg[0]["agency"] == "某县" and "t4.review.upheld" in agg[0]["cells"]
    # without the registry the aggregation rule is not run
    assert main(["check", "--store", str(store)]) == 0
