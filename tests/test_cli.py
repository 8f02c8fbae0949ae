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
    assert main(["render", "--agency", "x", "--year", "2024", "--to", "docx"]) == 2


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


@pytest.mark.parametrize("path", corpus_files(".txt"), ids=lambda p: p.name)
def test_extract_every_corpus_text_file_exits_0(path, capsys):
    assert main(["extract", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["format"] in ("gov2021", "gov2019")
