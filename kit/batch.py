"""Regenerate every report: plan jobs, skip the unchanged, run the rest in parallel or on Dask.

A job is one agency and year. Its fingerprint covers the master notebook, the kit version, the
validated parameters and every report the notebook reads (the agency's own years up to this one:
the report itself, last year's for the cross-year checks, the history for the charts). A job whose
fingerprint matches its last successful run is skipped. Each worker keeps one warm kernel
(:class:`kit.render.WarmKernel`), so pandas, matplotlib and the kit are imported once per worker,
not once per report, while every report still gets a real executed notebook.

Outputs are written beside a temporary name and renamed; a failed report leaves its executed
notebook and ``report.error.txt`` where its output would be; ``outputs/index.html`` and
``outputs/manifest.json`` list every report. One batch at a time per outputs folder (a lock).
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import os
import shutil
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Generator, Iterator

from . import __version__, faults
from .errors import BatchLocked, BatchStopped, KitError, RenderError
from .processes import stop_on_signals
from .report.names import output_dir
from .report.params import load as load_params
from .report.params import validate_many
from .report.index import index_html
from .fingerprint import data_state, environment_versions, output_hashes
from .report.render import FORMATS, NOTEBOOK, _atomic_write, with_embedded_font
from .store import Store

STATE = ".xxgk"
REGION_EXTRA = ("docx", "xlsx")  # a region job always writes its notice and problem list
# A local worker process (and its kernel) is replaced after this many reports: laying out tables,
# WeasyPrint keeps some 0.15 MB of C memory a PDF that no collection frees (bench/batch.py --memory).
WORKER_REPORTS = 200


@dataclass
class Job:
    agency: str                      # the name shown (the registry's canonical one once resolved)
    year: int
    params: dict[str, Any]
    folder: str                      # absolute output folder of this report
    key: str = ""                    # "<year>/<folder name>", unique in the outputs
    fingerprint: str = ""
    parts: dict[str, str] = field(default_factory=dict)  # kit.fingerprint.PARTS -> digest
    agency_id: str = ""              # the agency's identity in the store
    kind: str = "agency"             # or "region": a region-year report (kit/notebooks/region.ipynb)
    notebook: str = ""               # the notebook run, when not the batch's agency notebook

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    planned: list[tuple[str, list[str]]] = field(default_factory=list)  # a dry run: (job key, why it would run)
    removed: list[str] = field(default_factory=list)  # reports no longer stored, taken out of the outputs

    def line(self) -> str:
        return (f"batch: {self.done} done, {self.skipped} skipped, {self.failed} failed "
                f"in {self.seconds:.1f}s")


# -- planning -------------------------------------------------------------------------------------
def plan(store: str | Path, outputs: str | Path, *, agencies: tuple[str, ...] = (), years: tuple[int, ...] = (),
         params_dir: str | Path | None = None, strict: bool = False, registry: str | Path | None = None) -> list[Job]:
    """Jobs for every stored (agency, year), or one per params file; filtered by agency and year.

    With ``registry``, each report compares its agency with its peers (same region and level).
    """
    from .findings import wanted
    from .registry import Registry

    store = str(Path(store).resolve())
    outputs = Path(outputs)
    raw: list[dict[str, Any]] = []
    reg = Registry.load(registry) if registry else None
    with Store(store, create=False) as s:
        names = s.names()
        want = wanted(s, agencies, reg)
        if params_dir:
            from .region.params import is_region

            for p in sorted(Path(params_dir).glob("*.y*ml")):
                if is_region(p):  # a region job: its own parameters (kit.region.params)
                    import yaml

                    params = dict(yaml.safe_load(p.read_text(encoding="utf-8")))
                    params.setdefault("registry", str(Path(registry).resolve()) if registry else None)
                else:
                    params = load_params(p)
                params["store"] = str(Path(params.get("store") or store).resolve())
                raw.append(params)
        else:
            # the notebook is given the name shown: it finds the agency's years through its identity
            raw = [{"agency": names[a], "year": y, "store": store, "strict": strict} for a, y, _ in s.entries()]
            if registry:
                for params in raw:
                    params["registry"] = str(Path(registry).resolve())
        keys: dict[Any, str] = {}  # once for each agency named, not once a job
        for params in raw:
            if "region" not in params and params["agency"] not in keys:
                keys[params["agency"]] = min(wanted(s, (params["agency"],), reg) or {params["agency"]})
    jobs = []
    if reg is not None and reg.declared and not params_dir and not agencies:
        jobs += _region_jobs(reg, store, registry, outputs, years)
    checked = iter(validate_many([p for p in raw if "region" not in p]))
    root = outputs.resolve()
    for params in raw:
        if "region" in params:
            jobs.append(_region_job(params, outputs))
            continue
        key = keys[params["agency"]]
        params = next(checked)
        if (want is not None and key not in want) or (years and params["year"] not in years):
            continue
        shown = names.get(key, params["agency"])
        folder = output_dir(root, shown, params["year"], resolved=True)
        jobs.append(Job(shown, params["year"], params, str(folder), f"{params['year']}/{folder.name}", agency_id=key))
    return jobs


def _region_job(params: dict[str, Any], outputs: Path) -> Job:
    from .region.params import validate as validate_region
    from .report.render import region_folder

    params = validate_region(params)
    folder = region_folder(outputs, params["region"], params["year"])
    return Job(params["region"], params["year"], {**params, "outputs": str(folder)}, str(folder),
               f"regions/{params['year']}/{folder.name}", kind="region")


def _region_jobs(reg: Any, store: str, registry: str | Path | None, outputs: Path,
                 years: tuple[int, ...]) -> list[Job]:
    """A job per declared region and year in which any of its agencies has a stored report."""
    stored: dict[str, set[int]] = {}
    with Store(store, create=False) as s:
        for k, y, _ in s.entries():
            stored.setdefault(k, set()).add(y)
    jobs = []
    for region in reg.declared:
        held = set().union(*(stored.get(a.id, set()) | stored.get(a.name, set()) for a in reg.members(region.name)))
        for year in sorted(held):
            if not years or year in years:
                jobs.append(_region_job({"region": region.name, "year": year, "store": store,
                                         "registry": str(Path(registry).resolve()) if registry else None}, outputs))
    return jobs


# -- the manifest: what ran, with what result ------------------------------------------------------
class Manifest:
    """``manifest.json`` plus a journal appended after every finished job (a crash loses nothing)."""

    def __init__(self, outputs: Path) -> None:
        self.outputs = outputs
        self.path = outputs / "manifest.json"
        self.journal = outputs / STATE / "journal.jsonl"
        self.entries: dict[str, dict[str, Any]] = {}
        # saved only when something changed: a no-op batch over a province's reports writes nothing
        self.dirty = not self.path.exists() or not (outputs / "index.html").exists()
        if self.path.exists():
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = {e["key"]: e for e in doc["reports"] + doc.get("regions", [])}
            except (ValueError, KeyError):
                self.entries = {}  # unreadable: everything reruns, nothing is lost
                self.dirty = True
        if self.journal.exists():
            self.dirty = True  # a run that stopped before saving: its journal goes into the manifest
            for line in self.journal.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError):
                    e = json.loads(line)
                    self.entries[e["key"]] = e

    def record(self, entry: dict[str, Any]) -> None:
        self.entries[entry["key"]] = entry
        self.dirty = True
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        with self.journal.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def reasons(self, job: Job, to: tuple[str, ...]) -> list[str]:
        """Why a job must run ([] when its last run is current): the parts that changed, a failure, lost files."""
        from .fingerprint import changed

        e = self.entries.get(job.key)
        why = changed(e, job.parts)
        if e and e.get("fingerprint") != job.fingerprint and not why:
            why = ["fingerprint"]  # recorded by an older kit, without its parts
        if e and e.get("status") != "done":
            why.append("not done last time" if e.get("status") == "stopped" else "failed last time")
        wanted = (*to, *REGION_EXTRA) if job.kind == "region" else to
        if e and not all((self.outputs / e.get("outputs", {}).get(f, "-")).exists() for f in wanted):
            why.append("outputs missing")
        return why

    def prune(self, keep: set[str]) -> list[str]:
        """Forget the reports not in ``keep`` (no longer stored under that agency, e.g. re-linked to its
        registry agency), and remove their output folders; returns their keys."""
        gone = sorted(k for k in self.entries if k not in keep)
        for key in gone:
            folder = (self.outputs / key).resolve()
            if self.outputs in folder.parents and folder.is_dir():
                shutil.rmtree(folder)
            del self.entries[key]
            self.dirty = True
        return gone

    def save(self) -> None:
        """Write manifest.json and index.html when anything changed since they were written."""
        if not self.dirty:
            return
        entries = sorted(self.entries.values(), key=lambda e: (e["year"], e["agency"]))
        doc = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "kit_version": __version__,
               "state": data_state(entries),
               "reports": [e for e in entries if e.get("kind", "agency") != "region"],
               "regions": [e for e in entries if e.get("kind") == "region"]}
        _atomic_write(self.path, json.dumps(doc, ensure_ascii=False, indent=1))
        _atomic_write(self.outputs / "index.html", with_embedded_font(index_html(doc)))
        self.journal.unlink(missing_ok=True)
        self.dirty = False


@contextlib.contextmanager
def lock(outputs: Path) -> Iterator[None]:
    """Hold the outputs folder for one batch; a second batch gets a clear message."""
    state = outputs / STATE
    state.mkdir(parents=True, exist_ok=True)
    f = (state / "batch.lock").open("a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "another process"
        f.close()
        raise BatchLocked(f"another xxgk batch is running on {outputs} ({holder}); wait for it to finish") from None
    f.seek(0)
    f.truncate()
    f.write(f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}")
    f.flush()
    try:
        yield
    finally:
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


# -- running one job (in a worker process, local or on Dask) ----------------------------------------
_KERNEL: Any = None


def _kernel() -> Any:
    global _KERNEL
    if _KERNEL is None:
        import atexit

        from .report.render import WarmKernel

        _KERNEL = WarmKernel()
        _KERNEL.start()
        atexit.register(_KERNEL.stop)
    return _KERNEL


def stop_kernel() -> None:
    """Stop this process's warm kernel, if it has one."""
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.stop()
        _KERNEL = None


def warm_up(parent: int | None = None) -> None:
    """Worker initializer: die with the batch (and the kernel with the worker), start the kernel now."""
    import signal

    from .processes import die_with_parent

    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    if parent is not None:  # a pool worker: killed when the batch dies, however it dies
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the batch, which stops the workers
        die_with_parent(signal.SIGKILL, parent)
    _kernel()
    if parent is not None:
        global _WORKER
        gc.collect()
        gc.freeze()  # what the imports and the kernel made lives as long as the worker: not scanned again
        _WORKER = True


_WORKER = False  # a pool worker of this batch (warm_up), which collects after each report
_SETTLED = False  # its first report's imports and caches frozen too


def _collect() -> None:
    """After each report in a pool worker: a Word document is a cycle of python-docx objects holding lxml
    trees, whose megabytes the collector does not see, so it waits too long (a worker grew 1 MB a report).
    With what the worker's start and first report made frozen, a collection takes some 20 ms; elsewhere (a
    batch of one worker, in the calling process) it would scan everything, 130 ms, and is left to the
    collector's own pace."""
    global _SETTLED
    if not _WORKER:
        return
    gc.collect()
    if not _SETTLED:
        gc.freeze()
        _SETTLED = True


def run_job(job: dict[str, Any], to: tuple[str, ...], outputs: str) -> dict[str, Any]:
    """Render one report; never raises: a failure is a result with the error and the notebook kept."""
    from .report.render import export

    t0 = time.perf_counter()
    folder = Path(job["folder"])
    entry: dict[str, Any] = {"key": job["key"], "agency": job["agency"],
                             "agency_id": job.get("agency_id") or job["agency"], "year": job["year"],
                             "fingerprint": job["fingerprint"], "parts": job["parts"], "outputs": {}, "findings": {}}
    root = Path(outputs).resolve()
    err_file = folder / "report.error.txt"
    region = job.get("kind") == "region"
    if region:
        entry.update(kind="region", region=job["agency"])
    try:
        name = "region.ipynb" if region else "report.ipynb"
        params = {**job["params"], "notice": True} if region else job["params"]
        cwd = Path(job["root"]) if job.get("root") else None
        nb = _kernel().execute(params, folder / name, notebook=Path(job.get("notebook") or NOTEBOOK),
                               timeout=job.get("timeout"), cwd=cwd)
        paths = {"ipynb": nb, **export(nb, tuple(t for t in to if not (region and t == "docx")), cwd)}
        if region:
            from .region.documents import NOTICE, PROBLEMS

            paths.update(docx=folder / NOTICE, xlsx=folder / PROBLEMS)
            entry.update(_region_counts(nb))
        entry["outputs"] = {k: str(Path(v).resolve().relative_to(root)) for k, v in paths.items()}
        entry["hashes"] = output_hashes(paths)  # beside the fingerprint of the inputs: `xxgk verify` compares
        entry["environment"] = environment_versions()
        if not region:
            entry["findings"], entry["format"] = _counts(nb)
        entry["status"] = "done"
        err_file.unlink(missing_ok=True)
    except BatchStopped:
        raise  # the whole batch stops, not only this report
    except Exception as e:  # isolate: this report fails, the batch goes on
        msg = str(e) if isinstance(e, KitError) else "".join(traceback.format_exception_only(type(e), e)).strip()
        entry["status"] = "failed"
        entry["error"] = msg
        kept = folder / "report.ipynb"
        if kept.exists():
            entry["outputs"] = {"ipynb": str(kept.resolve().relative_to(root))}
        with contextlib.suppress(OSError):
            _atomic_write(err_file, msg + "\n")
            entry["outputs"]["error"] = str(err_file.resolve().relative_to(root))
    entry["seconds"] = round(time.perf_counter() - t0, 3)
    _collect()
    entry["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return entry


def _region_counts(nb: Path) -> dict[str, Any]:
    """The region notebook's hidden summary: expected, present, late, findings."""
    from .region.documents import REGION_MIME

    doc = json.loads(nb.read_text(encoding="utf-8"))
    for cell in doc.get("cells", []):
        for out in cell.get("outputs", []):
            if REGION_MIME in out.get("data", {}):
                found = dict(out["data"][REGION_MIME])
                return {k: found[k] for k in ("expected", "present", "late", "findings")}
    raise RenderError(f"{nb} has no region summary ({REGION_MIME})", notebook=nb)


def _counts(nb: Path) -> tuple[dict[str, int], str]:
    """The finding counts and format the notebook computed (its summary output): never checked twice."""
    from .report.layout import SUMMARY_MIME

    doc = json.loads(nb.read_text(encoding="utf-8"))
    for cell in doc.get("cells", []):
        for out in cell.get("outputs", []):
            summary = out.get("data", {}).get(SUMMARY_MIME)
            if summary:
                return dict(summary["findings"]), str(summary["format"])
    raise RenderError(f"{nb} has no summary output ({SUMMARY_MIME}): was it run from the kit's notebook?",
                      notebook=nb)


# -- running many ----------------------------------------------------------------------------------
def run(jobs: list[Job], outputs: str | Path, *, workers: int | None = None, to: tuple[str, ...] = FORMATS,
        force: bool = False, scheduler: str | None = None, progress: bool = True,
        on_result: Callable[[dict[str, Any]], None] | None = None, notebook: Path | None = None,
        root: Path | None = None, dry_run: bool = False, timeout: int | None = None, prune: bool = False) -> Summary:
    """Run the jobs that changed; returns the summary (failures listed).

    ``root`` is the project root the fingerprints name paths against (default: the project's);
    ``notebook`` the notebook run (default: the project's copy when it has one, else the kit's);
    ``dry_run`` only lists, in ``summary.planned``, each job that would run and why; ``timeout``
    (seconds) fails a report whose notebook runs a cell longer, the others go on. ``prune`` (``jobs`` are
    every stored report): reports of earlier runs that are no longer jobs leave the manifest, the
    index and the outputs, listed in ``summary.removed``. SIGTERM or SIGINT
    stops the workers and kernels, keeps what finished, records the rest as not done and raises
    :class:`kit.errors.BatchStopped`.
    """
    from .config import load
    from .fingerprint import fingerprint_jobs

    from .report.render import master_notebook, region_notebook

    outputs = Path(outputs).resolve()
    t0 = time.perf_counter()
    summary = Summary()
    root = (root or load().root).resolve()
    notebook = Path(notebook) if notebook else master_notebook(root)
    for job in jobs:
        if job.kind == "region":
            job.notebook = str(region_notebook(root).resolve())
    fingerprint_jobs(jobs, notebook, root)
    if dry_run:
        manifest = Manifest(outputs)
        summary.planned = [(j.key, ["forced"] if force else why) for j in jobs
                           for why in [manifest.reasons(j, to)] if force or why]
        summary.skipped = len(jobs) - len(summary.planned)
        if prune:
            summary.removed = sorted(set(manifest.entries) - {j.key for j in jobs})
        return summary
    with lock(outputs), stop_on_signals():
        manifest = Manifest(outputs)
        todo = [j for j in jobs if force or manifest.reasons(j, to)]
        summary.skipped = len(jobs) - len(todo)
        recorded: set[str] = set()
        try:
            # region reports after the agency reports they show and link to
            for phase in ([j for j in todo if j.kind != "region"], [j for j in todo if j.kind == "region"]):
                if phase:
                    _run_todo(phase, to, outputs, workers, scheduler, notebook, progress, manifest, summary,
                              recorded, on_result, timeout, root)
        except BatchStopped as stop:
            # keep what finished, record the rest as not done (the next batch runs them), say so
            for job in todo:
                if job.key not in recorded:
                    manifest.record({"key": job.key, "agency": job.agency, "agency_id": job.agency_id or job.agency,
                                     "year": job.year, "status": "stopped",
                                     "fingerprint": job.fingerprint, "parts": job.parts, "outputs": {},
                                     "error": f"not done: the batch was {stop}"})
            stop.done, stop.not_done = len(recorded), len(todo) - len(recorded)
            raise
        finally:
            if prune:
                summary.removed = manifest.prune({j.key for j in jobs})
            manifest.save()
    summary.seconds = time.perf_counter() - t0
    return summary


def _run_todo(todo: list[Job], to: tuple[str, ...], outputs: Path, workers: int | None, scheduler: str | None,
              notebook: Path, progress: bool, manifest: "Manifest", summary: Summary, recorded: set[str],
              on_result: Callable[[dict[str, Any]], None] | None, timeout: int | None, root: Path) -> None:
    bar = _bar(len(todo), progress)
    results = _execute(todo, to, outputs, workers, scheduler, notebook, timeout, root)
    try:
        for entry in results:
            manifest.record(entry)
            recorded.add(entry["key"])
            faults.point("batch.job")
            if entry["status"] == "done":
                summary.done += 1
            else:
                summary.failed += 1
                summary.failures.append(entry)
            if on_result:
                on_result(entry)
            bar.update(1)
            bar.set_postfix(failed=summary.failed, refresh=False)
    finally:
        results.close()  # a stop between two results: the workers and kernels go now
        bar.close()


def _bar(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, unit="report", desc="reports", disable=not enabled, dynamic_ncols=True)


def _execute(todo: list[Job], to: tuple[str, ...], outputs: Path, workers: int | None,
             scheduler: str | None, notebook: Path, timeout: int | None,
             root: Path) -> Generator[dict[str, Any], None, None]:
    """Results as jobs finish. However the consumer stops (a signal, an error), the finally clauses
    leave no worker and no kernel running. Kernels run in the project ``root``."""
    payload = [{**j.to_dict(), "notebook": j.notebook or str(notebook.resolve()), "timeout": timeout,
                "root": str(root)} for j in todo]
    if scheduler:
        from distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = client.map(run_job, payload, to=to, outputs=str(outputs), pure=False)
            try:
                for fut in as_completed(futures):
                    yield fut.result()
            finally:
                client.cancel(futures)
        return
    n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    if n == 1:
        warm_up()
        try:
            for job in payload:
                yield run_job(job, to, str(outputs))
        except BaseException:
            stop_kernel()  # stopped mid-run: the kernel may be busy with a half-run notebook
            raise
        return
    # a new pool for every WORKER_REPORTS reports a worker: its processes and kernels replaced
    # (ProcessPoolExecutor's max_tasks_per_child deadlocks once a worker is replaced: cpython#115634)
    for start in range(0, len(payload), n * WORKER_REPORTS):
        yield from _pool(payload[start:start + n * WORKER_REPORTS], n, to, outputs)


def _pool(payload: list[dict[str, Any]], n: int, to: tuple[str, ...],
          outputs: Path) -> Generator[dict[str, Any], None, None]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed as done

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(n, len(payload)), mp_context=ctx, initializer=warm_up,
                               initargs=(os.getpid(),))
    finished = False
    try:
        futures = [pool.submit(run_job, job, to, str(outputs)) for job in payload]
        for fut in done(futures):
            yield fut.result()
        finished = True
    finally:
        if not finished:  # a worker's kernel dies with it (kit.processes)
            for proc in list(getattr(pool, "_processes", {}).values()):  # no public way to reach them
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
