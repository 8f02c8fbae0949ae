"""Scale by simulation: synthetic stores of 3,000, 10,000 and 30,000 agency-years, and what each costs.

    .venv/bin/python bench/scale.py [--sizes 3000,10000,30000] [--runs 3] [--batch-runs 3] [--skip-check]

Builds one store in a temporary folder, growing it size by size: agency ``模拟市机关NNNN`` (up to
3,000 of them) gets the years 2016..2025, so N agency-years are N/10 agencies x 10 years. Each report's
tables are demo agency (NNNN mod 40)'s report of that year (the demo store, ``make demo`` first;
``Store.get``; 2019's before 2019), with five values of table 二 changed (``random.Random``, seeded: the
same every run). Its narrative is as long as a real one: each part as long as that part of a corpus
report (``--corpus``, default ../shared/corpus; the demo's parts are a fifth of that), made of
sentences drawn from the corpus's and the demo's narratives (one of each once numbers and names are
removed, none stating a count), part 六 the one fee line every report has; one agency in a hundred
copies part 一 from the previous agency. No registry: the name is the identity, as ``xxgk ingest``
without one stores it.

At each size it measures:

- ingest: ``Store.put`` of every new report, one transaction each, as ``xxgk ingest`` stores a read
  report (kit.ingest.ingest), with the store's own pragmas (WAL, synchronous FULL): reports/s, also
  over the last 1,000 puts (a rate that falls as the store grows is a per-put cost that grows);
- the store on disk: MB, KB a report;
- ``xxgk check --json`` of the whole store (a subprocess, as a user runs it): seconds, peak memory;
- ``plan`` + ``fingerprint_jobs`` of every job, in this process: median of ``--runs``;
- the index: ``index_html`` of a manifest of every job, ``with_embedded_font`` of it, and the whole
  ``Manifest.save`` (manifest.json + index.html) as a batch ends with it: medians of ``--runs``;
- a no-op batch: ``xxgk batch --no-progress`` (a subprocess) when every job is recorded done in
  manifest.json with its current fingerprint and its outputs exist (empty placeholder files: what
  ``Manifest.reasons`` looks at); a ``--dry-run`` first must say 0 would run, else the bench stops
  rather than render thousands of notebooks.

Then per-report costs and growth ratios (time at a size / time at the first size, next to the size
ratio: ~1x per size ratio is linear). Acceptance (issue): no-op batch over 30,000 jobs < 10 s, plan +
fingerprint < 20 s, ``xxgk check`` < 5 min. Everything is deleted at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from kit.model import Provenance, Report  # noqa: E402
from kit.schema import SECTION_KEYS  # noqa: E402
from kit.store import Store  # noqa: E402

YEARS = tuple(range(2016, 2026))
SEED = 20240601
GOALS = {"batch": 10.0, "plan": 20.0, "check": 300.0}  # seconds at 30,000


# -- synthetic reports -----------------------------------------------------------------------------
def sentences(corpus: Path, demo: list[Report]) -> tuple[list[str], list[dict[str, int]]]:
    """The sentences of the narratives of the corpus's text reports and of the demo's (none stating a
    count, which would contradict the tables), and the corpus reports' part lengths (the profiles the
    synthetic narratives follow)."""
    from kit.readers import read_file

    pool: set[str] = set()
    profiles: list[dict[str, int]] = []
    texts: list[dict[str, str]] = [r.sections for r in demo]
    for p in sorted(corpus.iterdir()) if corpus.is_dir() else []:
        if p.suffix not in (".txt", ".md", ".html"):
            continue
        try:
            r = read_file(p)
        except Exception:  # an odd file of the corpus: its sentences are not needed
            continue
        if len(r.sections.get("一", "")) >= 300:
            profiles.append({k: len(v) for k, v in r.sections.items()})
            texts.append(r.sections)
    from kit.checks.narrative import _claims
    from kit.similarity import clean

    seen: set[str] = set()
    for secs in texts:
        for key, text in secs.items():
            for s in re.split(r"(?<=[。！？；])", text):
                s = s.strip()
                if len(s) < 8 or key == "六" or any(_claims(s)):
                    continue
                # the demo's sentences differ by numbers and names only: one of each, or agencies would
                # share them far more often
                same = clean(s.replace("青禾县", "").replace("平潭", ""))[0]
                if same not in seen:
                    seen.add(same)
                    pool.add(s)
    if not profiles:  # no corpus: the lengths real reports have (median of the corpus's, by hand)
        profiles = [{"一": 1300, "二": 0, "三": 0, "四": 0, "五": 430, "六": 18}]
    return sorted(pool), profiles


def agency_name(i: int) -> str:
    return f"模拟市机关{i:04d}"


def narrative(i: int, year: int, pool: list[str], profiles: list[dict[str, int]],
              copied: bool = True) -> dict[str, str]:
    """The parts of agency ``i``'s report of ``year``: each as long as a corpus report's part, of sentences
    drawn for this agency-year from every part's sentences (so two agencies share a sentence now and then,
    not a part); part 六 the one line every report has (boilerplate)."""
    rng = random.Random(f"{SEED}:text:{i}:{year}")
    profile = profiles[rng.randrange(len(profiles))]
    name = agency_name(i)
    out: dict[str, str] = {}
    for key in SECTION_KEYS:
        lines: list[str] = []
        n = 0
        while n < profile.get(key, 0) and pool:
            s = pool[rng.randrange(len(pool))]
            lines.append(s)
            n += len(s)
        out[key] = "".join(x + ("\n" if k % 4 == 3 else "") for k, x in enumerate(lines)).strip()
    out["六"] = f"本年度未收取信息处理费。\n{name}\n{year + 1}年1月{1 + rng.randrange(28)}日"
    if copied and i % 100 == 99:  # copied from the previous agency's report of the same year
        out["一"] = narrative(i - 1, year, pool, profiles, copied=False)["一"]
    return out


def synthetic(k: int, bases: list[dict[int, Report]], pool: list[str],
              profiles: list[dict[str, int]]) -> Report:
    """Agency-year number ``k``: agency i = k // 10, year 2016 + k % 10, from demo agency i % 40's report of
    that year (2019's before 2019, the nearest year the demo agency has), so an agency's years follow on."""
    i, year = divmod(k, len(YEARS))
    year = YEARS[year]
    held = bases[i % len(bases)]
    base = held[min(held, key=lambda y: (abs(y - max(year, 2019)), y))]
    rng = random.Random(f"{SEED}:cells:{i}:{year}")
    cells, raw = dict(base.cells), dict(base.raw)
    # a few values of its own (table 二, whose cells few rules tie together): no two reports alike
    numeric = sorted(c for c, v in cells.items()
                     if c.startswith("t2.") and isinstance(v, int) and not isinstance(v, bool))
    for cid in rng.sample(numeric, min(5, len(numeric))):
        v = max(0, int(cells[cid] or 0) + rng.choice((-3, -2, -1, 1, 2, 3)))
        cells[cid] = v
        if raw.get(cid):
            raw[cid] = str(v)
    sections = narrative(i, year, pool, profiles)
    name = agency_name(i)
    body = json.dumps([name, year, cells, sections], ensure_ascii=False, sort_keys=True, default=str)
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return Report(name, year, base.format, cells, raw, sections,
                  Provenance(f"{name}{year}年报告.txt", sha, "text", len(body.encode("utf-8")), name),
                  [], f"{name}{year}年政府信息公开工作年度报告", None,
                  f"{year + 1}-01-{1 + rng.randrange(28):02d}", "落款")


# -- measuring -------------------------------------------------------------------------------------
def median_time(fn: Any, runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def command(args: list[str], env: dict[str, str], cwd: Path, stdout: Path | None = None,
            timeout: float | None = None) -> tuple[float, int, float, list[str]]:
    """Run one xxgk command, its output to ``stdout`` (else to a file read back): (seconds, exit code, peak
    memory MB, its output's lines, else its error's). After ``timeout`` seconds it is stopped (SIGTERM: a
    batch that started rendering after all keeps what it finished and stops its workers)."""
    out = stdout or cwd / ".stdout"
    with out.open("wb") as o, (cwd / ".stderr").open("wb") as e:
        t = time.perf_counter()
        p = subprocess.Popen([str(BIN / "xxgk"), *args], cwd=cwd, env=env, stdout=o, stderr=e)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - t > timeout:
                p.terminate()
                timeout = None
            time.sleep(0.005)
        seconds = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    lines = [] if stdout else out.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    lines = lines or (cwd / ".stderr").read_text(encoding="utf-8", errors="replace").strip().splitlines() or [""]
    return seconds, p.returncode, usage.ru_maxrss / 1024, lines


def manifest_for(jobs: list[Any], outputs: Path) -> None:
    """manifest.json as ``xxgk batch`` would leave it had it rendered every job (kit.batch.run_job's entries),
    written by kit.batch.Manifest, and an empty file at every output path the batch looks for."""
    from kit.batch import Manifest
    from kit.fingerprint import environment_versions

    env = environment_versions()
    empty = hashlib.sha256(b"").hexdigest()
    m = Manifest(outputs)
    made: set[Path] = set()
    for n, j in enumerate(jobs):
        rng = random.Random(f"{SEED}:manifest:{j.key}")
        folder = Path(j.folder)
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        rel = {kind: f"{j.key}/report.{kind}" for kind in ("ipynb", "html", "pdf")}
        for kind in ("html", "pdf"):
            (outputs / rel[kind]).touch()
        m.entries[j.key] = {
            "key": j.key, "agency": j.agency, "agency_id": j.agency_id or j.agency, "year": j.year,
            "fingerprint": j.fingerprint, "parts": j.parts, "outputs": rel,
            "findings": {"error": rng.choice((0, 0, 0, 1, 2)), "info": rng.randrange(3), "warning": rng.randrange(4)},
            "hashes": {"html": empty, "ipynb": empty, "pdf": empty}, "environment": env,
            "format": "gov2021" if j.year >= 2021 else "gov2019", "status": "done",
            "seconds": round(20 + rng.random() * 20, 1),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    m.save()


def measure(size: int, store: Path, work: Path, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    from kit.batch import Manifest, plan
    from kit.fingerprint import code_digest, environment_versions, fingerprint_jobs
    from kit.report.index import index_html
    from kit.report.render import master_notebook, with_embedded_font

    out: dict[str, Any] = {}
    outputs = work / f"outputs-{size}"
    config = work / "xxgk.toml"  # the project: this store and outputs, no registry
    config.write_text(f'store = "{store}"\noutputs = "{outputs}"\n', encoding="utf-8")
    env = {**env, "XXGK_CONFIG": str(config)}
    root = work
    notebook = master_notebook(root)

    # xxgk check of the whole store
    if args.skip_check:
        out["check"] = None
    else:
        secs, rc, mem, last = command(["check", "--store", str(store), "--json"], env, work,
                                      stdout=work / f"check-{size}.json")
        if rc not in (0, 1):
            raise SystemExit(f"xxgk check failed (exit {rc}): {last[-1]}")
        found = json.loads((work / f"check-{size}.json").read_text(encoding="utf-8"))
        out["check"], out["check_mem"], out["findings"] = secs, mem, len(found)
        out["findings_by"] = {s: sum(1 for f in found if f["severity"] == s) for s in ("error", "warning", "info")}
        out["copied_peer"] = sum(1 for f in found if f["rule"] == "copied_peer")
        (work / f"check-{size}.json").unlink()

    # plan + fingerprint every job, in this process
    def plan_and_fingerprint() -> list[Any]:
        code_digest.cache_clear()  # as a new process finds them (the kit may have been edited since the last size)
        environment_versions.cache_clear()
        js = plan(store, outputs)
        fingerprint_jobs(js, notebook, root)
        return js

    out["plan"], jobs = median_time(plan_and_fingerprint, args.runs)
    out["plan_only"], _ = median_time(lambda: plan(store, outputs), args.runs)
    out["jobs"] = len(jobs)

    # the index of every job
    t = time.perf_counter()
    manifest_for(jobs, outputs)
    out["manifest_build"] = time.perf_counter() - t
    doc = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    out["index"], page = median_time(lambda: index_html(doc), args.runs)
    out["font"], full = median_time(lambda: with_embedded_font(page), args.runs)
    out["save"], _ = median_time(lambda: Manifest(outputs).save(), args.runs)
    out["index_mb"] = (outputs / "index.html").stat().st_size / 1e6
    out["manifest_mb"] = (outputs / "manifest.json").stat().st_size / 1e6

    # a no-op batch: a dry run must say nothing would run
    cmd = ["batch", "--store", str(store), "--outputs", str(outputs), "--no-progress"]
    for attempt in range(3):
        dry, rc, _, last = command([*cmd, "--dry-run"], env, work)
        if rc == 0 and last[-1].startswith("dry run: 0 would run"):
            break
        # the kit's code was edited since it was fingerprinted here (someone works on it): again
        print(f"   ({last[0] if last else '?'}...: fingerprinted again)", flush=True)
        jobs = plan_and_fingerprint()
        manifest_for(jobs, outputs)
    else:
        raise SystemExit(f"the no-op batch would run reports ({last[-1]}): stopping before it renders any")
    out["dry_run"] = dry
    runs = []
    for _ in range(args.batch_runs):
        secs, rc, mem, last = command(cmd, env, work, timeout=120 + size / 100)
        if rc != 0 or not any(x.startswith("batch: 0 done") for x in last):
            raise SystemExit(f"xxgk batch was no no-op (exit {rc}): {' / '.join(last[-3:])}")
        runs.append(secs)
        out["batch_mem"] = mem
    out["batch"] = statistics.median(runs)
    shutil.rmtree(outputs, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="3000,10000,30000", help="agency-years, comma-separated, growing")
    ap.add_argument("--runs", type=int, default=3, help="runs of each in-process measurement (median)")
    ap.add_argument("--batch-runs", type=int, default=3, help="no-op batches at each size (median)")
    ap.add_argument("--demo", default=str(ROOT / "data" / "xxgk.sqlite"), help="the demo store")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--skip-check", action="store_true", help="leave out xxgk check (the longest part)")
    ap.add_argument("--keep", default=None, help="build in this folder and keep it (default: a temporary one)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sizes[-1] > 3000 * len(YEARS):
        raise SystemExit("at most 3,000 agencies x 10 years")

    with Store(args.demo, create=False) as demo:
        base = [demo.get(a, y) for a, y, _ in demo.entries()]
    agencies: dict[str, dict[int, Report]] = {}
    for r in base:
        agencies.setdefault(r.key or "", {})[int(r.year or 0)] = r
    bases = [agencies[a] for a in sorted(agencies)]
    pool, profiles = sentences(Path(args.corpus), base)
    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="xxgk-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "store.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}

    sample = [synthetic(k, bases, pool, profiles) for k in range(0, 200)]
    cells = [len(r.cells) for r in sample]
    chars = [sum(len(t) for t in r.sections.values()) for r in sample]
    print(f"demo reports: {len(base)} from {args.demo} ({statistics.median(len(r.cells) for r in base):.0f} cells, "
          f"narratives {statistics.median(sum(len(t) for t in r.sections.values()) for r in base):.0f} characters, "
          "medians)")
    print(f"synthetic reports: {min(cells)}-{max(cells)} cells (gov2019 198, gov2021 200), narratives median "
          f"{statistics.median(chars):.0f} characters ({len(profiles)} corpus length profiles, "
          f"{len(pool)} sentences); agencies {agency_name(0)}.., years {YEARS[0]}-{YEARS[-1]}")
    print(f"work folder: {work}; {os.cpu_count()} cores; one measurement at a time")
    print()

    results: dict[int, dict[str, Any]] = {}
    have = 0
    for size in sizes:
        # ingest: the reports this size adds, one Store.put (one transaction) each
        reports = [synthetic(k, bases, pool, profiles) for k in range(have, size)]
        per: list[float] = []
        with Store(store) as s:
            for r in reports:
                t = time.perf_counter()
                s.put(r)
                per.append(time.perf_counter() - t)
        del reports
        have = size
        mb = sum(p.stat().st_size for p in work.glob("store.sqlite*")) / 1e6
        res: dict[str, Any] = {"added": len(per), "ingest": sum(per), "rate": len(per) / sum(per),
               "rate_last": min(1000, len(per)) / sum(per[-1000:]), "mb": mb}
        res.update(measure(size, store, work, env, args))
        results[size] = res
        print(f"== {size:,} agency-years ({-(-size // len(YEARS)):,} agencies x up to {len(YEARS)} years) ==")
        print(f"ingest        {res['added']:,} reports added in {res['ingest']:.1f} s: {res['rate']:.0f} reports/s "
              f"({res['rate_last']:.0f}/s over the last 1,000), Store.put, one transaction each")
        print(f"store         {mb:.1f} MB on disk, {mb * 1000 / size:.1f} KB a report")
        if res["check"] is not None:
            fb = res["findings_by"]
            print(f"xxgk check    {res['check']:.1f} s ({res['check'] * 1000 / size:.1f} ms a report), peak "
                  f"{res['check_mem']:.0f} MB; {res['findings']:,} findings ({fb['error']:,} errors, "
                  f"{fb['warning']:,} warnings, {fb['info']:,} info; {res['copied_peer']} copied_peer)")
        print(f"plan+fp       {res['plan']:.2f} s for {res['jobs']:,} jobs ({res['plan'] * 1000 / size:.2f} ms a job; "
              f"plan alone {res['plan_only']:.2f} s), median of {args.runs}")
        print(f"index         index_html {res['index']:.2f} s, with_embedded_font {res['font']:.2f} s, "
              f"Manifest.save {res['save']:.2f} s (index.html {res['index_mb']:.1f} MB, manifest.json "
              f"{res['manifest_mb']:.1f} MB)")
        print(f"no-op batch   {res['batch']:.2f} s ({res['batch'] * 1000 / size:.2f} ms a job), median of "
              f"{args.batch_runs}, peak {res['batch_mem']:.0f} MB; its dry run {res['dry_run']:.2f} s")
        print(flush=True)

    first = sizes[0]
    rows = [("ingest s/report", lambda r: r["ingest"] / r["added"]), ("check", lambda r: r["check"]),
            ("plan+fingerprint", lambda r: r["plan"]), ("index_html", lambda r: r["index"]),
            ("with_embedded_font", lambda r: r["font"]), ("Manifest.save", lambda r: r["save"]),
            ("no-op batch", lambda r: r["batch"]), ("store MB", lambda r: r["mb"])]
    print(f"growth against {first:,} (linear: the size ratio; per-report rows: 1.0)")
    print(f"{'':20}" + "".join(f"{s:>12,}" for s in sizes))
    print(f"{'size ratio':20}" + "".join(f"{s / first:12.1f}" for s in sizes))
    for name, get in rows:
        try:
            vals = [get(results[s]) for s in sizes]
        except TypeError:  # not measured (--skip-check)
            continue
        if None in vals:
            continue
        print(f"{name:20}" + "".join(f"{v / vals[0]:12.1f}" for v in vals))
    last = results[sizes[-1]]
    if sizes[-1] >= 30_000:
        print()
        print(f"acceptance at {sizes[-1]:,}: no-op batch {last['batch']:.1f} s (goal < {GOALS['batch']:.0f} s) "
              f"{'PASS' if last['batch'] < GOALS['batch'] else 'FAIL'}; plan+fingerprint {last['plan']:.1f} s "
              f"(goal < {GOALS['plan']:.0f} s) {'PASS' if last['plan'] < GOALS['plan'] else 'FAIL'}"
              + ("" if last["check"] is None else
                 f"; xxgk check {last['check']:.0f} s (goal < {GOALS['check']:.0f} s) "
                 f"{'PASS' if last['check'] < GOALS['check'] else 'FAIL'}"))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
