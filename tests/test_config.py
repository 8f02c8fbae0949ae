"""The project file: found, read, overridden in the documented order, shown by `xxgk config`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.cli import main
from kit.config import SETTINGS, load, template
from kit.errors import ConfigError


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with an xxgk.toml, the working directory a subfolder of it (found by walking up)."""
    root = tmp_path / "proj"
    (root / "sub").mkdir(parents=True)
    (root / "xxgk.toml").write_text('store = "db/s.sqlite"\nregistry = "reg.csv"\njobs = 3\nto = ["html"]\n'
                                    "[limits]\npdf_pages = 50\n", encoding="utf-8")
    monkeypatch.delenv("XXGK_CONFIG")
    for s in SETTINGS.values():
        monkeypatch.delenv(s.env, raising=False)
    monkeypatch.chdir(root / "sub")
    return root


def test_found_by_walking_up_and_paths_relative_to_the_file(project):
    cfg = load()
    assert cfg.file == project / "xxgk.toml" and cfg.root == project
    assert cfg["store"] == project / "db" / "s.sqlite" and cfg["registry"] == project / "reg.csv"
    assert cfg["outputs"] == project / "outputs"  # a default is relative to the project root too
    assert (cfg["jobs"], cfg["to"], cfg["pdf_pages"], cfg["timeout"]) == (3, ("html",), 50, 600)
    assert cfg.sources["store"] == "xxgk.toml:store" and cfg.sources["pdf_pages"] == "xxgk.toml:limits.pdf_pages"
    assert cfg.sources["outputs"] == "default" and cfg.relative(cfg["store"]) == "db/s.sqlite"


def test_flag_beats_environment_beats_file_beats_default(project, monkeypatch):
    monkeypatch.setenv("XXGK_STORE", "env.sqlite")  # relative to the working directory
    monkeypatch.setenv("XXGK_JOBS", "2")
    cfg = load(overrides={"jobs": 4, "store": None})
    assert cfg["store"] == project / "sub" / "env.sqlite" and cfg.sources["store"] == "XXGK_STORE"
    assert cfg["jobs"] == 4 and cfg.sources["jobs"] == "--jobs"
    assert cfg["registry"] == project / "reg.csv" and cfg.sources["registry"] == "xxgk.toml:registry"
    monkeypatch.setenv("XXGK_CONFIG", str(project / "elsewhere.toml"))
    with pytest.raises(ConfigError, match="XXGK_CONFIG=.*no such file"):
        load()


@pytest.mark.parametrize("text,message", [
    ("jobs = 0\n", r"xxgk.toml:jobs=0: jobs must be a whole number from 1 to 256"),
    ('to = ["html", "rtf"]\n', r"to must be some of html, pdf, docx"),
    ("[limits]\nmax_bytes = -5\n", r"limits.max_bytes=-5: max_bytes must be a whole number of bytes"),
    ("stroe = 'x'\n", r"unknown setting 'stroe'"),
    ("[limits]\npages = 3\n", r"unknown setting limits.pages"),
    ("store = [\n", r"not a readable TOML file"),
])
def test_a_bad_file_is_a_usage_error_naming_file_and_key(project, capsys, text, message):
    (project / "xxgk.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load()
    assert main(["config"]) == 2
    assert "xxgk.toml" in capsys.readouterr().err


def test_config_command_shows_values_and_sources(project, capsys, monkeypatch):
    monkeypatch.setenv("XXGK_TIMEOUT", "30")
    assert main(["config", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {k: (v["value"], v["source"]) for k, v in doc["settings"].items()}
    assert got["store"] == ("db/s.sqlite", "xxgk.toml:store") and got["timeout"] == (30, "XXGK_TIMEOUT")
    assert got["to"] == ("html", "xxgk.toml:to") and got["inbox"] == ("inbox", "default")
    assert set(got) == set(SETTINGS) and doc["file"] == str(project / "xxgk.toml")
    assert main(["--config", str(project / "xxgk.toml"), "config"]) == 0
    assert "db/s.sqlite" in capsys.readouterr().out


def test_the_written_template_reads_back(tmp_path, monkeypatch):
    path = tmp_path / "xxgk.toml"
    path.write_text(template({"store": "a/b.sqlite", "inbox": "in", "to": ["pdf"]}), encoding="utf-8")
    monkeypatch.setenv("XXGK_CONFIG", str(path))
    cfg = load()
    assert cfg["store"] == tmp_path / "a" / "b.sqlite" and cfg["to"] == ("pdf",)
    assert cfg["inbox"] == tmp_path / "in" and cfg.sources["max_bytes"] == "default"
    assert "# max_bytes = 52428800" in path.read_text(encoding="utf-8")  # every setting is there to edit


def test_ingest_reads_the_inbox_and_skips_what_it_stored(project, capsys):
    from kit.demo import write_demo

    (project / "xxgk.toml").write_text('inbox = "in"\nstore = "s.sqlite"\n', encoding="utf-8")
    write_demo(project / "in", departments=1, years=(2023, 2024))
    assert main(["ingest"]) == 0
    assert "4 read, 0 unchanged, 0 failed" in capsys.readouterr().err  # a department and the county, 2 years
    assert main(["ingest"]) == 0  # the scheduled run over an unchanged inbox reads nothing
    assert "0 read, 4 unchanged, 0 failed" in capsys.readouterr().err
    assert main(["ingest", "--force"]) == 0
    assert "4 read, 0 unchanged" in capsys.readouterr().err
    (project / "xxgk.toml").write_text('inbox = "missing"\n', encoding="utf-8")
    assert main(["ingest"]) == 2 and "is not a folder" in capsys.readouterr().err
