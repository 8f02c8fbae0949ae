"""`xxgk check FILE`: a report checked before it is submitted, like a stored one, and never stored."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import demo_project

from kit.cli import main
from kit.store import Store


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return demo_project(tmp_path_factory.mktemp("presubmit"), years=(2023, 2024))


def _dump(path: Path) -> list[str]:
    with Store(path) as s:
        return list(s.db.iterdump())


def _json(capsys, root: Path, *args: str) -> tuple[int, list[dict]]:
    capsys.readouterr()
    code = main(["--config", str(root / "xxgk.toml"), "check", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_a_file_checked_before_submitting_finds_what_ingest_then_check_finds(county, capsys):
    root = county
    seeded = [s for s in json.loads((root / "data" / "errors.json").read_text(encoding="utf-8"))["seeded"]
              if s["year"] in (2023, 2024)]
    assert len(seeded) >= 4
    before = _dump(root / "s.sqlite")
    for s in seeded:
        with Store(root / "s.sqlite") as st:
            source = st.get(s["agency"], s["year"]).provenance.source
        code, stored = _json(capsys, root, "--agency", s["agency"], "--year", str(s["year"]))
        code_file, checked = _json(capsys, root, str(root / "data" / source))

        def errors(found: list[dict]) -> list[tuple]:  # copying between agencies needs the others: stored only
            return sorted((f["key"], f["severity"], f["rule"], tuple(f["cells"]), f["message"]) for f in found
                          if f["severity"] in ("error", "warning") and f["rule"] != "copied_peer")

        assert errors(checked) == errors(stored) and errors(checked), s
        assert set(s["rules"]) & {f["rule"] for f in checked}, s
        assert code_file == code
    assert _dump(root / "s.sqlite") == before  # nothing stored, nothing changed


def test_a_file_checked_without_a_store_and_a_bad_file(tmp_path, capsys):
    from kit.demo import write_demo

    paths = write_demo(tmp_path / "d", departments=1, years=(2024,))
    good = next(p for p in paths if p.suffix == ".txt")
    capsys.readouterr()
    assert main(["check", str(good), "--store", str(tmp_path / "none.sqlite"), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert all(f["key"].split("/")[1] == "2024" for f in found)
    assert not (tmp_path / "none.sqlite").exists()  # no store made either
    bad = tmp_path / "bad.txt"
    bad.write_text("不是年度报告", encoding="utf-8")
    assert main(["check", str(bad), "--store", str(tmp_path / "none.sqlite")]) == 1
    assert "bad.txt" in capsys.readouterr().err
