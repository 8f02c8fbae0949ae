"""The kit as users install it: a wheel, in a fresh venv outside the checkout, running a project (slow).

The venv's packages come from the local pip cache (what `make` installed) or the registry.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A venv with the kit installed from its wheel (not editable), and a clean environment to run it in."""
    where = tmp_path_factory.mktemp("installed")
    # build from the files git knows (tracked, or new and not ignored): never from a stale build/ folder
    source = where / "source"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src, dst = ROOT / name, source / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, dst)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(where / "wheels"), str(source)],
                   check=True, capture_output=True)
    wheel = next((where / "wheels").glob("xxgk_kit-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], check=True, capture_output=True)
    subprocess.run([str(where / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "PYTHON", "VIRTUAL_ENV"))}
    return where, env


def _xxgk(installed, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    where, env = installed
    return subprocess.run([str(where / "venv" / "bin" / "xxgk"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True)


def test_init_then_demo_render_and_batch_from_the_installed_kit(installed, tmp_path):
    where, _ = installed
    assert _xxgk(installed, tmp_path, "init", "proj").returncode == 0
    proj = tmp_path / "proj"
    assert {p.name for p in proj.iterdir()} == {"xxgk.toml", "inbox", "params"}
    res = _xxgk(installed, proj, "demo", "--departments", "1", "--year", "2024", "--to", "html")
    assert res.returncode == 0, res.stderr
    # the department and the county, and the region reports of the county and the city
    assert "4 done" in res.stdout and (proj / "outputs" / "index.html").is_file()
    # the notebook that ran is the installed kit's own, recorded as the kit names it (no folder of this
    # machine in the executed notebook), and the installed kit finds it inside itself, not in the checkout
    text = (proj / "outputs" / "2024" / "青禾县自然资源局" / "report.ipynb").read_text(encoding="utf-8")
    assert json.loads(text)["metadata"]["papermill"]["input_path"] == "kit/notebooks/report.ipynb"
    assert str(tmp_path) not in text and str(ROOT) not in text
    own = subprocess.run([str(where / "venv" / "bin" / "python"), "-c",
                          "from kit.report.render import NOTEBOOK; print(NOTEBOOK)"], cwd=tmp_path, env=installed[1],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert own.startswith(str(where / "venv")) and Path(own).is_file()
    res = _xxgk(installed, proj, "render", "--agency", "青禾县自然资源局", "--year", "2024", "--to", "html",
                "--outputs", "single")
    assert res.returncode == 0, res.stderr
    assert (proj / "single" / "2024" / "青禾县自然资源局" / "report.html").is_file()
    res = _xxgk(installed, proj, "batch", "--registry", "data/demo/registry.csv", "--to", "html", "--no-progress")
    assert res.returncode == 0 and "0 done, 4 skipped" in res.stdout, res.stdout + res.stderr
    assert _xxgk(installed, tmp_path, "init", "proj").returncode == 2  # never over an existing project


def test_a_project_copy_of_the_notebook_is_the_one_run(installed, tmp_path):
    assert _xxgk(installed, tmp_path, "init", "--notebooks", "proj").returncode == 0
    own = tmp_path / "proj" / "notebooks" / "report.ipynb"
    nb = json.loads(own.read_text(encoding="utf-8"))
    nb["cells"].insert(1, {"cell_type": "markdown", "metadata": {}, "source": ["本项目自己的笔记本"]})
    own.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    res = _xxgk(installed, tmp_path / "proj", "demo", "--departments", "1", "--year", "2024", "--to", "html")
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "proj" / "outputs" / "2024" / "青禾县自然资源局" / "report.html").read_text(encoding="utf-8")
    assert "本项目自己的笔记本" in html
    # and it is part of the fingerprint: a change to it reruns the reports
    nb["cells"][1]["source"] = ["本项目改过的笔记本"]
    own.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    res = _xxgk(installed, tmp_path / "proj", "batch", "--dry-run", "--registry", "data/demo/registry.csv",
                "--to", "html")
    # the agency reports run the project's notebook; the region reports run the kit's region notebook
    assert "dry run: 2 would run, 2 unchanged" in res.stdout and "code" in res.stdout, res.stdout + res.stderr
