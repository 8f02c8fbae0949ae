"""xxgk batch: skip and rerun, a failing report among good ones, a killed run, the lock, Dask."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.batch import lock, plan, run
from kit.errors import BatchLocked
from kit.cli import main
from kit.demo import write_demo
from kit.readers import read_file
from kit.store import Store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(small_store):
    return small_store


def _keys(store, outputs, years=(), **kw):
    seen = []
    summary = run(plan(store, outputs, years=years), outputs, to=("html",), progress=False,
                  on_result=lambda e: seen.append(e["key"]), **kw)
    return summary, sorted(seen)


def test_skip_and_rerun_exactly_what_changed(store, tmp_path):
    out = tmp_path / "out"
    summary, seen = _keys(store, out, workers=2)
    assert (summary.done, summary.skipped, summary.failed) == (6, 0, 0)  # 2 departments + county, 2 years
    assert not list(out.rglob("*.part*"))
    summary, seen = _keys(store, out, workers=2)
    assert (summary.done, summary.skipped) == (0, 6) and seen == []
    # change one agency's 2023 data: its 2023 and 2024 reports rerun (2024 reads 2023), nothing else
    with Store(store) as s:
        r = s.get("青禾县自然资源局", 2023)
        r.sections["五"] += "补充说明。"
        s.put(r)
    summary, seen = _keys(store, out, workers=1)
    assert seen == ["2023/青禾县自然资源局", "2024/青禾县自然资源局"] and summary.skipped == 4
    # a changed notebook reruns everything; --force too
    nb = tmp_path / "report.ipynb"
    doc = json.loads((ROOT / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    doc["cells"][-1]["source"] = doc["cells"][-1]["source"] + ["\n# changed"]
    nb.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    summary, seen = _keys(store, out, workers=2, notebook=nb)
    assert len(seen) == 6
    summary, seen = _keys(store, out, years=(2024,), workers=1, notebook=nb, force=True)  # unchanged, forced
    assert seen == ["2024/青禾县人民政府", "2024/青禾县住房和城乡建设局", "2024/青禾县自然资源局"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["reports"]) == 6 and all(e["status"] == "done" for e in manifest["reports"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "青禾县自然资源局" in index and 'href="2024/' in index and "<script>" in index


def test_failing_report_is_isolated(store, tmp_path, capsys):
    params = tmp_path / "params"
    params.mkdir()
    (params / "good.yaml").write_text('agency: "青禾县自然资源局"\nyear: 2024\n', encoding="utf-8")
    (params / "bad.yaml").write_text('agency: "没有这个局"\nyear: 2024\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", "--params", str(params), "--store", str(store), "--outputs", str(out), "--to", "html",
                 "--jobs", "2", "--no-progress"])
    assert code == 1
    cap = capsys.readouterr()
    assert "1 done, 0 skipped, 1 failed" in cap.out and "没有这个局" in cap.err
    bad = next(out.glob("2024/没有这个局*"))
    assert (bad / "report.ipynb").exists() and "NotFound" in (bad / "report.error.txt").read_text(encoding="utf-8")
    assert not (bad / "report.html").exists()
    assert (out / "2024" / "青禾县自然资源局" / "report.html").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in manifest["reports"]} == {"done", "failed"}


def test_lock_refuses_a_second_batch(store, tmp_path, capsys):
    out = tmp_path / "out"
    with lock(out):
        with pytest.raises(BatchLocked):
            run(plan(store, out), out, progress=False)
        assert main(["batch", "--store", str(store), "--outputs", str(out), "--no-progress"]) == 1
        assert "another xxgk batch is running" in capsys.readouterr().err


def test_dask_local_cluster(store, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary, seen = _keys(store, out, scheduler=cluster.scheduler_address)
        assert (summary.done, summary.failed) == (6, 0)
        summary, seen = _keys(store, out, scheduler=cluster.scheduler_address)
        assert (summary.done, summary.skipped) == (0, 6)
    assert len(list(out.glob("*/*/report.html"))) == 6


def test_peers_rerun_when_a_peer_changes(tmp_path):
    st = tmp_path / "s.sqlite"
    with Store(st) as s:
        for p in write_demo(tmp_path / "d", departments=3, years=(2023, 2024)):
            s.put(read_file(p))
    reg = tmp_path / "d" / "registry.csv"
    out = tmp_path / "out"
    seen: list[str] = []
    run(plan(st, out, registry=reg), out, to=("html",), progress=False, workers=2)
    with Store(st) as s:
        r = s.get("青禾县住房和城乡建设局", 2024)
        r.cells["t3.new.natural"] += 1
        r.cells["t3.new.total"] += 1
        s.put(r)
    run(plan(st, out, registry=reg), out, to=("html",), progress=False, workers=2,
        on_result=lambda e: seen.append(e["key"]))
    # the agency itself and its two peers' 2024 reports (they compare with it); not 2023, not the county
    assert sorted(seen) == ["2024/青禾县住房和城乡建设局", "2024/青禾县公安局", "2024/青禾县自然资源局"]
    html = (out / "2024" / "青禾县公安局" / "report.html").read_text(encoding="utf-8")
    assert "同级比较（3个机关）" in html
