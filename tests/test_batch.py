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
    written = {f: (out / f).stat().st_mtime_ns for f in ("manifest.json", "index.html")}
    summary, seen = _keys(store, out, workers=2)
    assert (summary.done, summary.skipped) == (0, 6) and seen == []
    # nothing ran: the manifest and the index are not written again (a province's index is megabytes)
    assert {f: (out / f).stat().st_mtime_ns for f in written} == written
    (out / "index.html").unlink()  # lost: written again though nothing ran
    assert _keys(store, out)[0].done == 0 and (out / "index.html").exists()
    # change one agency's 2023 data: its 2023 and 2024 reports rerun (2024 reads 2023), nothing else
    with Store(store) as s:
        r = s.get("青禾县自然资源局", 2023)
        r.sections["五"] += "补充说明。"
        s.put(r, reread=True)  # the same file read anew, differently
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
    """Two Dask worker processes (not threads) write into one outputs folder what the local pool writes."""
    import os

    from distributed import Client, LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids
        summary, seen = _keys(store, out, scheduler=cluster.scheduler_address)
        assert (summary.done, summary.failed) == (6, 0)
        summary, seen = _keys(store, out, scheduler=cluster.scheduler_address)
        assert (summary.done, summary.skipped) == (0, 6)
    assert len(list(out.glob("*/*/report.html"))) == 6
    # the local pool, elsewhere, writes the same bytes as the Dask workers (issue 22)
    local = tmp_path / "local"
    _keys(store, local, workers=2)

    def hashes(folder):
        return {e["key"]: e["hashes"] for e in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]}

    assert hashes(local) == hashes(out) and len(hashes(out)) == 6


def test_peers_rerun_when_a_peer_changes(tmp_path):
    st = tmp_path / "s.sqlite"
    paths = write_demo(tmp_path / "d", departments=3, years=(2023, 2024))
    reg = tmp_path / "d" / "registry.csv"
    assert main(["ingest", *map(str, paths), "--store", str(st), "--registry", str(reg)]) == 0
    out = tmp_path / "out"
    seen: list[str] = []
    run(plan(st, out, registry=reg), out, to=("html",), progress=False, workers=2)
    with Store(st) as s:
        r = s.get("青禾县住房和城乡建设局", 2024)
        r.cells["t3.new.natural"] += 1
        r.cells["t3.new.total"] += 1
        s.put(r, reread=True)
    run(plan(st, out, registry=reg), out, to=("html",), progress=False, workers=2,
        on_result=lambda e: seen.append(e["key"]))
    # the agency itself, its two peers' 2024 reports (they compare with it) and the county's (declared the
    # sum of its departments: its aggregation check reads them); not 2023
    assert sorted(seen) == ["2024/青禾县人民政府", "2024/青禾县住房和城乡建设局", "2024/青禾县公安局",
                            "2024/青禾县自然资源局", "regions/2024/禾川市", "regions/2024/青禾县"]  # and its regions' 2024
    html = (out / "2024" / "青禾县公安局" / "report.html").read_text(encoding="utf-8")
    assert "同级比较（3个机关）" in html


def test_dry_run_names_what_changed_and_a_moved_project_reruns_nothing(small_store, tmp_path, monkeypatch):
    import shutil

    import kit.fingerprint as fp
    from kit.registry import Region, Registry

    project = tmp_path / "proj"
    (project / "data").mkdir(parents=True)
    shutil.move(str(small_store), project / "data" / "s.sqlite")
    shutil.copy(small_store.parent / "d" / "registry.csv", project / "data" / "registry.csv")
    store, reg, out = project / "data" / "s.sqlite", project / "data" / "registry.csv", project / "out"

    def dry(root=project, **kw):
        s = run(plan(root / "data" / "s.sqlite", root / "out", registry=root / "data" / "registry.csv"), root / "out",
                to=("html",), progress=False, root=root, dry_run=True, **kw)
        return dict(s.planned)

    before = dry()
    # 2 departments and the county, 2 years; the region reports of the county and the city, 2 years
    assert len(before) == 10 and all(why == ["new"] for why in before.values())
    first = run(plan(store, out, registry=reg), out, to=("html",), progress=False, workers=2, root=project)
    assert (first.done, first.failed) == (10, 0)
    assert dry() == {}
    # the project moved to another folder: paths in fingerprints are relative to it, so nothing reruns
    moved = tmp_path / "elsewhere" / "proj"
    moved.parent.mkdir()
    shutil.move(str(project), moved)
    assert dry(moved) == {}
    # a line of the chart module changed: every report reruns, and the dry run says it is the code
    kit_copy = tmp_path / "kit"
    shutil.copytree(fp.KIT, kit_copy, ignore=shutil.ignore_patterns("__pycache__"))
    charts = kit_copy / "report" / "charts.py"
    charts.write_text(charts.read_text(encoding="utf-8").replace("figsize=(7, 3.2)", "figsize=(7, 3.3)"), "utf-8")
    monkeypatch.setattr(fp, "KIT", kit_copy)
    fp.code_digest.cache_clear()
    assert dry(moved) == {key: ["code"] for key in dry(moved)} and len(dry(moved)) == 10
    monkeypatch.undo()
    fp.code_digest.cache_clear()
    # another library version: the environment
    monkeypatch.setattr(fp, "environment_digest", lambda: "other")
    assert set(map(tuple, dry(moved).values())) == {("environment",)}
    monkeypatch.undo()
    # the registry: an entry no report uses changes nothing; the agency's own entry reruns it (and the
    # reports that use its entry: its peers, and the county it is part of)
    r = Registry.load(moved / "data" / "registry.csv")
    r.agencies.append(type(r.agencies[0])("999", "别处某局", "县直部门", "别的县", ""))
    r.declared.append(Region("R999", "别的县"))  # a region of its own, outside the city
    r.save(moved / "data" / "registry.csv")
    assert dry(moved) == {}
    r = Registry.load(moved / "data" / "registry.csv")
    r.agencies[1] = type(r.agencies[1])(r.agencies[1].id, r.agencies[1].name, "乡镇", r.agencies[1].region,
                                       r.agencies[1].parent)
    r.save(moved / "data" / "registry.csv")
    changed = dry(moved)
    assert set(map(tuple, changed.values())) == {("data",)} and len(changed) == 10  # the regions read it too


def test_the_index_counts_what_the_notebook_found_with_the_aggregation(small_store, tmp_path):
    from kit.findings import check_report
    from kit.registry import Registry

    reg = tmp_path / "registry.csv"
    with Store(small_store) as s:  # the county and the two departments it adds up, nothing else
        stored = {a for a, _, _ in s.entries()}
    full = Registry.load(small_store.parent / "d" / "registry.csv")
    Registry([a for a in full.agencies if a.id in stored]).save(reg)
    with Store(small_store) as s:  # the county's report no longer adds up its departments
        county = s.get("青禾县人民政府", 2024)
        county.cells["t4.review.upheld"] += 1
        county.cells["t4.review.total"] += 1
        s.put(county, reread=True)
    out = tmp_path / "out"
    run(plan(small_store, out, registry=reg), out, to=("html",), progress=False, workers=1, root=tmp_path)
    manifest = {e["key"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]}
    with Store(small_store) as s:
        found = check_report(s.get("青禾县人民政府", 2024), s, registry=Registry.load(reg))
    assert "aggregate" in {f.rule for f in found}
    want = {sev: sum(1 for f in found if f.severity == sev) for sev in ("error", "warning", "info")}
    assert manifest["2024/青禾县人民政府"]["findings"] == want and want["error"] >= 1
    html = (out / "2024" / "青禾县人民政府" / "report.html").read_text(encoding="utf-8")
    assert "aggregate" in html and "下属单位之和不符" in html  # the rendered report shows it too
    assert "vnd.xxgk.summary" not in html  # the counts for the index are not part of the report


def test_an_alias_added_after_ingest_relinks_and_reruns_exactly_the_affected_reports(tmp_path, capsys):
    data, st, out = tmp_path / "d", tmp_path / "s.sqlite", tmp_path / "out"
    paths = write_demo(data, departments=3, years=(2023, 2024))
    police_2023 = next(p for p in paths if p.stem == "2023-03")  # 青禾县公安局
    reg = data / "registry.csv"
    common = ["--store", str(st), "--registry", str(reg)]
    assert main(["ingest", *map(str, (p for p in paths if p != police_2023)), *common]) == 0
    assert main(["ingest", str(police_2023), "--agency", "青禾县公共安全管理局", *common]) == 0  # a name the registry lacks
    batch = ["batch", "--outputs", str(out), "--to", "html", "--jobs", "2", "--no-progress", *common]
    assert main(batch) == 0
    assert (out / "2023" / "青禾县公共安全管理局" / "report.html").exists()
    capsys.readouterr()

    assert main(["registry", "alias", "331103", "青禾县公共安全管理局", *common]) == 0
    assert "relink 青禾县公共安全管理局 2023 -> 331103" in capsys.readouterr().err
    assert main([*batch, "--dry-run"]) == 0
    dry = capsys.readouterr()
    would = sorted(line.split()[2].rstrip(":") for line in dry.out.splitlines() if line.startswith("would run"))
    # the re-linked report itself (now under its agency), the agency's next year (its history grew), what
    # compares with it in 2023 (its two peers and the county, declared the sum of its departments), and the
    # region reports of the county and the city from 2023 on (the agency's years up to theirs changed)
    assert would == ["2023/青禾县人民政府", "2023/青禾县住房和城乡建设局", "2023/青禾县公安局", "2023/青禾县自然资源局",
                     "2024/青禾县公安局", "regions/2023/禾川市", "regions/2023/青禾县", "regions/2024/禾川市",
                     "regions/2024/青禾县"]
    assert "would remove 2023/青禾县公共安全管理局" in dry.err
    assert main(batch) == 0
    assert "batch: 9 done, 3 skipped, 0 failed" in capsys.readouterr().out
    assert not (out / "2023" / "青禾县公共安全管理局").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["reports"]) == 8 and len(manifest["regions"]) == 4
    assert "青禾县公共安全管理局" not in (out / "index.html").read_text(encoding="utf-8")
    html = (out / "2023" / "青禾县公安局" / "report.html").read_text(encoding="utf-8")
    assert "青禾县公共安全管理局" in html  # the printed name, in the provenance


def test_region_jobs_run_after_the_agency_jobs_and_rerun_on_what_they_read(small_store, tmp_path):
    from kit.registry import Registry

    reg = small_store.parent / "d" / "registry.csv"
    assert [r.name for r in Registry.load(reg).declared] == ["禾川市", "青禾县", "溪口县"]
    out = tmp_path / "out"
    order: list[str] = []
    summary = run(plan(small_store, out, registry=reg), out, to=("html",), progress=False, workers=2, root=tmp_path,
                  on_result=lambda e: order.append(e["key"]))
    regions = ["regions/2023/禾川市", "regions/2023/青禾县", "regions/2024/禾川市", "regions/2024/青禾县"]
    assert (summary.done, summary.failed) == (10, 0) and sorted(order[-4:]) == regions  # 溪口县 has no report here
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = {e["key"]: e for e in manifest["regions"]}["regions/2024/青禾县"]
    assert (entry["expected"], entry["present"], entry["late"]) == (31, 3, 0)  # the registry expects all 31
    assert set(entry["outputs"]) == {"ipynb", "html", "docx", "xlsx"}
    assert (out / entry["outputs"]["docx"]).exists() and len(manifest["reports"]) == 6
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "regions/2024/" in index and "地区汇总" in index
    # nothing changed: nothing runs; another scoring scheme: the region reports only
    assert run(plan(small_store, out, registry=reg), out, to=("html",), progress=False, root=tmp_path,
               dry_run=True).planned == []
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text("name: 另一方案\npoints: 5\ndeductions:\n  - {label: 未发布, fact: missing, points: 5}\n",
                      encoding="utf-8")
    jobs = plan(small_store, out, registry=reg)
    for j in jobs:
        if j.kind == "region":
            j.params["scoring"] = str(scheme)
    planned = run(jobs, out, to=("html",), progress=False, root=tmp_path, dry_run=True).planned
    assert sorted(k for k, _ in planned) == regions and all(why == ["parameters", "data"] for _, why in planned)


def test_workers_are_replaced_after_their_share_of_reports(store, tmp_path, monkeypatch):
    """A pool lives for WORKER_REPORTS reports a worker, then new workers (and kernels) take over: what a
    library keeps of each report cannot grow without end; every report is still done once."""
    import kit.batch as batch

    pools: list[list[str]] = []
    real = batch._pool

    def counted(payload, n, to, outputs):
        pools.append([j["key"] for j in payload])
        yield from real(payload, n, to, outputs)

    monkeypatch.setattr(batch, "WORKER_REPORTS", 1)
    monkeypatch.setattr(batch, "_pool", counted)
    summary, seen = _keys(store, tmp_path / "out", years=(2024,), workers=2)
    assert [len(p) for p in pools] == [2, 1] and sorted(sum(pools, [])) == seen
    assert (summary.done, summary.failed) == (3, 0)
    assert len(list((tmp_path / "out" / "2024").glob("*/report.html"))) == 3
