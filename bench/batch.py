"""Batch speed, cost and memory on this machine, in one run (by hand; prints medians and ratios):

    .venv/bin/python bench/batch.py [--reports 30] [--fingerprints 10000] [--skip a,d,f]
    .venv/bin/python bench/batch.py --profile [--reports 10]     # where a report's time goes
    .venv/bin/python bench/batch.py --memory 500                 # worker RSS over 500 reports

(a) the plain loop: ``papermill`` then ``jupyter nbconvert`` (HTML and PDF) per report, as a shell
    loop would (same parameters as the batch gives: store and registry relative to the project);
(b) ``xxgk batch`` on the same reports from scratch (one worker a core);
(c) ``xxgk batch`` again with nothing changed;
(d) planning and fingerprinting 10,000 jobs from a store of 10,000 reports;
(e) the floor: the same reports rendered in this one process with no kernel at all (bench/floor.py:
    the notebook's cells run here, HTML and PDF by the kit's exporters), a report at a time;
(f) ``xxgk batch`` on a Dask ``LocalCluster`` of separate worker processes (one a core), into its own
    outputs folder: its files must equal (b)'s.
Every report's HTML text is compared: (a) = (b) = (e), and (f)'s files = (b)'s byte for byte.
Core-seconds of a batch are its wall time times the cores it had (idle included), and the CPU
seconds its processes used. Needs the demo store (``make demo`` first).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor  # noqa: E402
from kit.store import Store  # noqa: E402

NOTEBOOK = ROOT / "kit" / "notebooks" / "report.ipynb"
CORES = os.cpu_count() or 1


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], **kw: Any) -> tuple[float, float]:
    """Wall seconds and CPU seconds of a command and every process it waited for."""
    t, c = time.perf_counter(), cpu_children()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t, cpu_children() - c


def relative(path: str) -> str:
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def selection(jobs: list[tuple[str, int]]) -> list[str]:
    sel: list[str] = []
    for agency in sorted({j[0] for j in jobs}):
        sel += ["--agency", agency]
    for year in sorted({j[1] for j in jobs}):
        sel += ["--year", str(year)]
    return sel


def batch_texts(out: Path) -> dict[tuple[str, int], str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {(e["agency"], e["year"]): floor.text_of((out / e["outputs"]["html"]).read_text(encoding="utf-8"))
            for e in manifest["reports"] if e.get("status") == "done" and e.get("kind") != "region"}


def hashes(out: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {e["key"]: e.get("hashes") for e in manifest["reports"]}


def same(name: str, ours: dict[Any, str], theirs: dict[Any, str]) -> bool:
    diff = [k for k in theirs if ours.get(k) != theirs[k]]
    missing = set(theirs) - set(ours)
    print(f"    HTML text {name}: {len(theirs) - len(diff)} of {len(theirs)} equal"
          + (f"; differ: {diff[:3]}" if diff else "") + (f"; missing {sorted(missing)[:3]}" if missing else ""))
    return not diff


def in_process(jobs: list[tuple[str, int]], store: str, registry: str, out: Path,
               watch: floor.Stopwatch | None = None) -> tuple[list[float], dict[tuple[str, int], str]]:
    """(e): every report rendered here, no kernel; seconds a report and HTML texts."""
    seconds, texts = [], {}
    for agency, year in jobs:
        folder = out / str(year) / agency
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        doc, _ = floor.render(NOTEBOOK, {"agency": agency, "year": year, "store": relative(store),
                                         "registry": relative(registry)}, folder, watch)
        seconds.append(time.perf_counter() - t)
        texts[(agency, year)] = floor.text_of(doc)
    return seconds, texts


def profile(jobs: list[tuple[str, int]], store: str, registry: str, tmp: Path) -> None:
    """Stages of a report (one warm-up report first, as a worker's first report pays the imports), then
    cProfile's heaviest functions over the same reports."""
    import cProfile
    import pstats

    os.chdir(ROOT)
    in_process(jobs[:1], store, registry, tmp / "warm")
    watch = floor.Stopwatch()
    seconds, _ = in_process(jobs, store, registry, tmp / "prof", watch)
    n = len(jobs)
    print(f"{n} reports in this process, no kernel: median {statistics.median(seconds):.3f} s a report")
    for stage, s in floor.breakdown(dict(watch.total), n):
        print(f"  {stage:<42} {s:7.3f} s  {100 * s / statistics.mean(seconds):5.1f} %")
    prof = cProfile.Profile()
    prof.enable()
    in_process(jobs, store, registry, tmp / "prof2")
    prof.disable()
    print("\nheaviest functions (own seconds over all reports):")
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    print("kernel side, per report (warm kernel, the notebook run and written, no export):")
    kernel_only(jobs, store, registry, tmp)
    tables(jobs[0], store, registry)


def tables(job: tuple[str, int], store: str, registry: str) -> None:
    """WeasyPrint's share for the statutory tables: one report's PDF with and without them."""
    import re

    from kit.report.render import _body, _year, page, pdf_of

    nb = floor.run_cells(NOTEBOOK, {"agency": job[0], "year": job[1], "store": relative(store),
                                    "registry": relative(registry)})
    document = page(_body(nb), embed_font=False)
    bare = re.sub(r"<table.*?</table>", "", document, flags=re.S)
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(3):
        for name, doc in (("with", document), ("without", bare)):
            t = time.perf_counter()
            pdf_of(doc, _year(nb))
            runs[name].append(time.perf_counter() - t)
    w, wo = statistics.median(runs["with"]), statistics.median(runs["without"])
    print(f"WeasyPrint, one report: {w:.3f} s, without its {document.count('<table')} tables {wo:.3f} s:"
          f" the tables cost {w - wo:.3f} s")


def kernel_only(jobs: list[tuple[str, int]], store: str, registry: str, tmp: Path) -> None:
    """The kernel's share: the same notebooks run in a warm kernel, minus the same cells run here."""
    from kit.report.render import WarmKernel

    k = WarmKernel()
    k.start()
    try:
        k.execute({"agency": jobs[0][0], "year": jobs[0][1], "store": store, "registry": registry},
                  tmp / "k" / "warm.ipynb", cwd=ROOT)
        run, cells = [], []
        for i, (agency, year) in enumerate(jobs):
            params = {"agency": agency, "year": year, "store": store, "registry": registry}
            t = time.perf_counter()
            k.execute(params, tmp / "k" / f"{i}.ipynb", cwd=ROOT)
            run.append(time.perf_counter() - t)
            t = time.perf_counter()
            floor.run_cells(NOTEBOOK, {**params, "store": relative(store), "registry": relative(registry)})
            cells.append(time.perf_counter() - t)
    finally:
        k.stop()
    a, b = statistics.median(run), statistics.median(cells)
    print(f"  papermill in a warm kernel {a:.3f} s, the same cells here {b:.3f} s: kernel, messages and"
          f" notebook writing {a - b:.3f} s a report")


def rss_of_tree(root_pid: int) -> dict[int, tuple[str, int]]:
    """{pid: (command, RSS bytes)} of every process under ``root_pid``."""
    found: dict[int, tuple[str, int]] = {}
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        try:
            kids = []
            for task in Path(f"/proc/{pid}/task").iterdir():
                kids += [int(x) for x in (task / "children").read_text().split()]
            status = Path(f"/proc/{pid}/status").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rss = next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
        if pid != root_pid:
            found[pid] = (cmd, rss)
        todo += kids
    return found


def memory(n: int, store: str, registry: str, tmp: Path, workers: int) -> None:
    """RSS of each worker and its kernel at the start and after every 100 reports of ``n``."""
    from kit.batch import plan, run

    import dataclasses

    base = [j for j in plan(store, tmp / "mem-out", registry=registry) if j.kind != "region"]
    jobs = []
    for i in range(n):  # the demo's reports again and again, each time into a folder of its own
        j, k = base[i % len(base)], i // len(base)
        jobs.append(dataclasses.replace(j, key=f"{k}/{j.key}", folder=str(Path(j.folder).parent / f"{k}-{Path(j.folder).name}")))
    print(f"{len(jobs)} reports, {workers} workers: RSS of each worker process (and of its kernel)")
    samples: list[tuple[int, dict[int, tuple[str, int]]]] = []
    done = 0

    def sample(_: Any = None) -> None:
        nonlocal done
        if _ is not None:
            done += 1
        if done == 1 or done % 100 == 0:  # after the first report (warm), then every 100
            samples.append((done, rss_of_tree(os.getpid())))

    t = time.perf_counter()
    run(jobs, tmp / "mem-out", workers=workers, progress=False, on_result=sample, root=ROOT)
    wall = time.perf_counter() - t
    # workers are replaced every WORKER_REPORTS reports (kit.batch): listed by the reports done, not by pid
    worst: dict[int, int] = {}
    for done, tree in samples:
        kinds: dict[str, list[str]] = {"worker": [], "kernel": []}
        for pid, (cmd, rss) in sorted(tree.items()):
            if "ipykernel" in cmd:
                kinds["kernel"].append(f"{rss / 2**20:.0f}")
            elif "spawn_main" in cmd:  # a pool worker (not the resource tracker)
                kinds["worker"].append(f"{rss / 2**20:.0f}")
                worst[done] = max(worst.get(done, 0), rss)
        print(f"  after {done:4}: workers {', '.join(kinds['worker'])} MB; kernels {', '.join(kinds['kernel'])} MB")
    if 100 in worst and max(worst) >= 500:
        last = max(worst)
        print(f"  the largest worker after {last} reports / after 100: {worst[last] / 2**20:.0f} / "
              f"{worst[100] / 2**20:.0f} MB = {worst[last] / worst[100]:.3f} (goal within 10 %)")
    print(f"  ({wall:.0f} s, {wall * workers / len(jobs):.2f} core-s a report)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=30)
    ap.add_argument("--fingerprints", type=int, default=10_000)
    ap.add_argument("--store", default=str(ROOT / "data" / "xxgk.sqlite"))
    ap.add_argument("--registry", default=str(ROOT / "data" / "demo" / "registry.csv"))
    ap.add_argument("--skip", default="", help="modes to leave out, e.g. a,d")
    ap.add_argument("--profile", action="store_true", help="only: where a report's time goes")
    ap.add_argument("--memory", type=int, default=0, help="only: worker RSS over this many reports")
    ap.add_argument("--workers", type=int, default=CORES)
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    with Store(args.store, create=False) as s:
        names = s.names()  # the store keys agencies by identity; the notebook is given the name shown
        jobs = [(names.get(a, a), y) for a, y, _ in s.entries() if y in (2023, 2024)][: args.reports]
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    try:
        if args.profile:
            profile(jobs, args.store, args.registry, tmp)
            return
        if args.memory:
            memory(args.memory, args.store, args.registry, tmp, args.workers)
            return
        compare(jobs, args, skip, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare(jobs: list[tuple[str, int]], args: argparse.Namespace, skip: set[str], tmp: Path) -> None:
    n = len(jobs)
    print(f"{n} reports from {args.store}, {CORES} cores, {args.workers} workers")
    params = ["-p", "store", relative(args.store), "-p", "registry", relative(args.registry)]
    texts: dict[str, dict[tuple[str, int], str]] = {}
    a = None
    if "a" not in skip:  # (a) the plain loop
        per_report, a_cpu = [], 0.0
        t0 = time.perf_counter()
        for i, (agency, year) in enumerate(jobs):
            nb = tmp / "loop" / f"{i}.ipynb"
            nb.parent.mkdir(parents=True, exist_ok=True)
            steps = [timed([str(BIN / "papermill"), "kit/notebooks/report.ipynb", str(nb), "-k", "python3",
                            "--no-progress-bar", "-p", "agency", agency, "-p", "year", str(year), *params]),
                     timed([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_html", str(nb)]),
                     timed([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_pdf", str(nb)])]
            per_report.append(sum(w for w, _ in steps))
            a_cpu += sum(c for _, c in steps)
        a = time.perf_counter() - t0
        texts["a"] = {job: floor.text_of(nb.with_suffix(".html").read_text(encoding="utf-8"))
                      for job, nb in ((j, tmp / "loop" / f"{i}.ipynb") for i, j in enumerate(jobs))}
        print(f"(a) plain loop: {a:.1f} s, median {statistics.median(per_report):.2f} s a report"
              f" ({a_cpu / n:.2f} CPU-s a report)")

    # (b) xxgk batch from scratch, (c) again unchanged
    out = tmp / "batch"
    cmd = [str(BIN / "xxgk"), "batch", "--store", args.store, "--registry", args.registry, "--outputs", str(out),
           "--no-progress", "--jobs", str(args.workers), *selection(jobs)]
    b, b_cpu = timed(cmd)
    done = len(list(out.glob("*/*/report.pdf")))
    b_core = b * args.workers / max(done, 1)
    print(f"(b) xxgk batch from scratch: {b:.1f} s for {done} reports ({b / max(done, 1):.2f} s a report;"
          f" {b_core:.2f} core-s, {b_cpu / max(done, 1):.2f} CPU-s a report)")
    texts["b"] = batch_texts(out)
    c = statistics.median(timed(cmd)[0] for _ in range(5))
    print(f"(c) xxgk batch, nothing changed: median {c:.2f} s of 5 runs")

    d = None
    if "d" not in skip:  # (d) fingerprints of N jobs over a store of N reports
        d = fingerprints(jobs, args, tmp)
        print(f"(d) plan + fingerprint {args.fingerprints} jobs: median {d:.2f} s of 3 runs")

    # (e) the floor
    os.chdir(ROOT)
    in_process(jobs[:1], args.store, args.registry, tmp / "warm")  # a worker's first report pays the imports
    e_runs, texts["e"] = in_process(jobs, args.store, args.registry, tmp / "floor")
    e = statistics.median(e_runs)
    print(f"(e) floor, one process, no kernel: median {e:.2f} s a report, {sum(e_runs):.1f} s in all")

    if "f" not in skip:  # (f) on Dask
        f = dask_batch(cmd, out, tmp)
        print(f"(f) xxgk batch on a Dask LocalCluster ({args.workers} worker processes): {f:.1f} s"
              f" ({f * args.workers / n:.2f} core-s a report); files equal to (b)'s: "
              f"{hashes(tmp / 'dask') == hashes(out)}")

    print("same content:")
    if "a" in texts:
        same("(b) = (a)", texts["b"], texts["a"])
    same("(e) = (b)", texts["e"], texts["b"])
    if a is not None:
        print(f"ratio (a)/(b): {a / b:.1f}x  (goal >= 15x); the most any batch could reach with this content"
              f" on {args.workers} cores, the floor with no overhead at all: (a) / ((e) x {n} / {args.workers})"
              f" = {a / (e * n / args.workers):.1f}x")
    print(f"batch core-s a report / floor: {b_core:.2f} / {e:.2f} = {b_core / e:.2f}x  (goal <= 1.3x)")
    print(f"(c) {c:.2f} s (goal < 2 s)" + (f"; (d) {d:.2f} s (goal < 20 s)" if d is not None else ""))


def fingerprints(jobs: list[tuple[str, int]], args: argparse.Namespace, tmp: Path) -> float:
    from kit.batch import plan
    from kit.fingerprint import fingerprint_jobs

    big = tmp / "big.sqlite"
    with Store(args.store) as src, Store(big) as dst:
        base = [src.get(a, y) for a, y in jobs]
        dst.db.execute("PRAGMA synchronous = OFF")
        for i in range(args.fingerprints):
            r = base[i % len(base)]
            # the name its identity (no registry), printed so too: else the store links it to the first
            r.agency, r.agency_id = f"机关{i // 7:05d}", None
            r.provenance = dataclasses.replace(r.provenance, printed=r.agency)
            r.year = 2019 + i % 7
            dst.put(r)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        js = plan(big, tmp / "fp")
        fingerprint_jobs(js, NOTEBOOK, ROOT)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def dask_batch(cmd: list[str], out: Path, tmp: Path) -> float:
    """The same batch on a LocalCluster of worker processes; its files must equal the local pool's."""
    from distributed import LocalCluster

    workers = int(cmd[cmd.index("--jobs") + 1])
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dcmd = [x if x != str(out) else str(tmp / "dask") for x in cmd] + ["--scheduler", cluster.scheduler_address]
        return timed(dcmd)[0]


if __name__ == "__main__":
    main()
