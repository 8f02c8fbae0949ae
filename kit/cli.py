"""The ``xxgk`` command line: the one place that prints for people and sets exit codes.

Exit codes: 0 success, 1 some input or run failed (a one-line reason each, no traceback),
2 usage error.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, faults
from .config import Config, check_limits, load
from .errors import BatchStopped, ConfigError, InputError, KitError, StoreError

def _settings(**flags: Any) -> Config:
    """The project's settings with this command's flags on top (flag > environment > xxgk.toml > default)."""
    return load(overrides=flags)


def _store_opt(f: Any) -> Any:
    return click.option("--store", type=click.Path(dir_okay=False), default=None,
                        help="SQLite store (default: the project's, see `xxgk config`).")(f)


def _outputs_opt(f: Any) -> Any:
    return click.option("--outputs", default=None, help="Output folder (default: the project's).")(f)


def _registry_opt(f: Any) -> Any:
    return click.option("--registry", type=click.Path(dir_okay=False), default=None,
                        help="Agency registry CSV (default: the project's): resolves printed names to agencies, "
                             "compares peers, checks declared aggregates.")(f)


def _linked(cfg: Config, *, dry_run: bool = False) -> Any:
    """The project's registry (None without one), with the stored reports re-linked to it first: an
    alias added, or a registry edited by hand, takes effect without re-ingesting."""
    from .identity import Resolver
    from .registry import Registry
    from .store import Store

    if not cfg["registry"]:
        return None
    reg = Registry.load(cfg["registry"])
    if Path(cfg["store"]).exists():
        with Store(cfg["store"]) as st:
            moved = st.relink(Resolver(reg).link, dry_run=dry_run)
        for old, new, year in moved:
            click.echo(f"relink {old} {year} -> {new}" + (" (dry run)" if dry_run else ""), err=True)
    return reg


def _to_opt(f: Any) -> Any:
    return click.option("--to", "to", default=None,
                        help="Output formats, of html, pdf, docx (default: the project's).")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="Project file (default: $XXGK_CONFIG, else the nearest xxgk.toml).")
def cli(config_file: str | None) -> None:
    """Turn government information-disclosure annual reports into checked data and reports."""
    if config_file:  # the library, its workers and kernels find it the same way
        os.environ["XXGK_CONFIG"] = str(Path(config_file).resolve())
    # settings first: a bad one is a usage error before any work, never silently replaced
    check_limits()
    faults.planned()


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--agency", default=None, help="Agency name, overriding the title line.")
@click.option("--year", type=int, default=None, help="Report year, overriding the title line.")
def extract(file: str, as_json: bool, agency: str | None, year: int | None) -> None:
    """Read one report FILE and print its cells, sections and findings."""
    from .readers import read_file

    report = read_file(file, agency=agency, year=year)
    if as_json:
        d = report.to_dict()
        click.echo(json.dumps({k: d[k] for k in ("agency", "year", "published", "published_from", "format", "cells",
                                                 "raw", "sections", "findings", "provenance")},
                              ensure_ascii=False, indent=1))
        return
    filled = sum(v is not None for v in report.cells.values())
    click.echo(f"{file}: {report.agency or '?'} {report.year or '?'} {report.format}, "
               f"{filled}/{len(report.cells)} cells, {len(report.findings)} findings")
    for f in report.findings:
        click.echo(f"  [{f.severity}] {f.rule}: {f.message}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_store_opt
@click.option("--agency", default=None, help="Agency name for every file (overrides the title line).")
@click.option("--year", type=int, default=None, help="Year for every file (overrides the title line).")
@click.option("--reread", "--force", "reread", is_flag=True,
              help="Read files again even when stored unchanged; a file that reads differently now (e.g. after its "
                   "previous year arrived) becomes a new revision.")
@_registry_opt
def ingest(paths: tuple[str, ...], store: str | None, agency: str | None, year: int | None, reread: bool,
           registry: str | None) -> None:
    """Read report files (or folders of them; default: the project's inbox) into the store.

    One line per file read or refused; files stored unchanged are counted, not read again. A file for
    an agency-year already stored becomes its next revision (`xxgk history`); a byte-identical one adds
    none. With a registry, each printed name is resolved to its agency (an alias, a shortened or slipped name is
    said on the line); --agency (a name, an alias or an id) overrides the title line.
    """
    from .ingest import ingest as run_ingest
    from .store import Store

    cfg = _settings(store=store, registry=registry)
    reg = _linked(cfg)
    if not paths:
        if not cfg["inbox"].is_dir():
            raise ConfigError(f"inbox {cfg['inbox']} ({cfg.sources['inbox']}) is not a folder: give PATHS, "
                              "or set inbox in xxgk.toml")
        paths = (str(cfg["inbox"]),)
    counts = {"read": 0, "unchanged": 0, "failed": 0, "revisions": 0, "same": 0}
    with Store(cfg["store"]) as st:
        for got in run_ingest(paths, st, agency=agency, year=year, reread=reread, registry=reg):
            if got.error:
                counts["failed"] += 1
                click.echo(f"FAILED {got.error}", err=True)
            elif got.report and not got.revision:
                counts["read"] += 1
                counts["same"] += 1
                click.echo(f"same   {got.path}: {got.report.agency} {got.report.year}, identical to a stored "
                           "revision (none added)")
            elif got.report:
                counts["read"] += 1
                counts["revisions"] += (got.revision or 1) > 1
                r = got.report
                flagged = sum(1 for f in r.findings if f.rule.startswith("extract."))
                who = next((f for f in r.findings if f.rule.startswith("identity.")), None)
                click.echo(f"ok     {got.path}: {r.agency} {r.year} {r.format}"
                           + (f" revision {got.revision}" if (got.revision or 1) > 1 else "")
                           + (f" ({flagged} extract findings)" if flagged else "")
                           + (f" [{who.rule}: printed {r.provenance.printed}]" if who else ""))
            else:
                counts["unchanged"] += 1
    click.echo(f"ingest: {counts['read']} read, {counts['unchanged']} unchanged, {counts['failed']} failed"
               + (f" ({counts['revisions']} of those read are new revisions: `xxgk history`)" if counts["revisions"]
                  else "")
               + (f" ({counts['same']} read the same as a stored revision: none added)" if counts["same"] else ""),
               err=True)
    if counts["failed"]:
        raise SystemExit(1)


SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def _summarise(summary: Any, out: Path) -> None:
    """A batch's failures (one line each), its summary line and the index; exit 1 when any failed."""
    for f in summary.failures:
        click.echo(f"FAILED {f['agency']} {f['year']}: {f.get('error', '')} (see {out / f['key']})", err=True)
    click.echo(summary.line())
    click.echo(f"reports: {(out / 'index.html').resolve()}")
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--agency", "agencies", multiple=True,
              help="Only this agency (repeatable); with FILES, the agency of every file (overrides the title line).")
@click.option("--year", "years", type=int, multiple=True,
              help="Only this year (repeatable); with FILES, the year of every file (overrides the title line).")
@_store_opt
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of findings.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity is found.")
@_registry_opt
@click.option("--all", "show_all", is_flag=True, help="Also list info findings in the table.")
@click.option("--revision", type=click.IntRange(1), default=None,
              help="Check this earlier revision of the one agency-year --agency and --year name (`xxgk history`).")
def check(files: tuple[str, ...], agencies: tuple[str, ...], years: tuple[int, ...], store: str | None,
          as_json: bool, fail_on: str, registry: str | None, show_all: bool, revision: int | None) -> None:
    """Check stored reports against every consistency rule, or, given FILES, check report files before
    submitting them: read and checked like stored ones (last year's report from the store when it is
    there), never stored.

    Each finding has a stable key (agency id/year/rule/cells; `key` in the JSON) that reviewers'
    decisions name (`xxgk review`); a finding already decided shows its latest status.
    """
    from .checks import RANK
    from .findings import check_files, check_store
    from .review import decisions
    from .store import Store

    cfg = _settings(store=store, registry=registry)
    decided: dict[str, str] = {}
    if files:
        if revision is not None or len(agencies) > 1 or len(years) > 1:
            raise click.UsageError("with FILES: at most one --agency and one --year (for every file), no --revision")
        from .registry import Registry

        reg = Registry.load(cfg["registry"]) if cfg["registry"] else None
        results = check_files(list(files), cfg["store"], registry=reg, agency=agencies[0] if agencies else None,
                              year=years[0] if years else None)
    else:
        reg = _linked(cfg)
        results = check_store(cfg["store"], agencies=agencies, years=years, registry=reg, revision=revision)
        with Store(cfg["store"], create=False) as st:
            decided = {d.key: d.status for d in decisions(st)}
    if as_json:
        click.echo(json.dumps([{"agency": a, "year": y, **f.to_dict(),
                                **({"status": decided[f.key]} if f.key in decided else {})} for a, y, f in results],
                              ensure_ascii=False, indent=1))
    else:
        shown = [(a, y, f) for a, y, f in results if show_all or f.severity != "info"]
        for a, y, f in shown:
            cells = ",".join(f.cells[:4]) + ("…" if len(f.cells) > 4 else "")
            status = f" [{decided[f.key]}]" if f.key in decided else ""
            click.echo(f"{SEVERITY_NAMES.get(f.severity, f.severity)}{status}\t{a}\t{y}\t{f.rule}\t{cells}\t"
                       f"{f.message}")
        counts = {s: sum(1 for *_, f in results if f.severity == s) for s in ("error", "warning", "info")}
        click.echo(f"{len({(a, y) for a, y, _ in results}) if results else 0} reports with findings: "
                   f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info", err=True)
    if any(RANK[f.severity] <= RANK[fail_on] for *_, f in results):
        raise SystemExit(1)


@cli.command()
@click.argument("params_file", required=False, type=click.Path(dir_okay=False))
@click.option("--agency", default=None, help="The agency: its name, an alias or its registry id.")
@click.option("--region", default=None, help="A region of the registry: its region-year report instead.")
@click.option("--year", type=int, default=None, help="Report year.")
@_store_opt
@click.option("--to", "to", default=None,
              help="Output formats, of html, pdf, docx (default: the project's): docx is the agency's report as an "
                   "editable Word document, or a region's notice; a region's problem list (xlsx) is always written.")
@_outputs_opt
@_registry_opt
@click.option("--revision", type=click.IntRange(1), default=None,
              help="Render this earlier revision of the agency-year (`xxgk history`), into revision-N/ beside the "
                   "current report.")
def render(params_file: str | None, agency: str | None, region: str | None, year: int | None, store: str | None,
           to: str | None, outputs: str | None, registry: str | None, revision: int | None) -> None:
    """Run the master notebook for one agency and year, or the region notebook for one region and
    year, then export HTML and PDF, and with --to docx the agency's report as Word (report.docx, built
    from the stored report in the official layout) or the region's notice (通报.docx); a region
    always gets 问题清单.xlsx.

    Give PARAMS_FILE (YAML; a file naming a region is a region job), or --agency and --year, or
    --region and --year. The store and the registry are the project's unless the params file or
    the flags name them.
    """
    from .region.params import is_region
    from .report.params import load as load_params
    from .report.params import validate
    from .report.render import render as do_render

    from .store import Store

    if region or (params_file and is_region(params_file)):
        if revision is not None:
            raise click.UsageError("--revision is for an agency report, not a region's")
        return _render_region(params_file, region, year, store, to, outputs, registry)
    cfg = _settings(store=store, to=to, outputs=outputs, registry=registry)
    reg = _linked(cfg)
    if params_file:
        params = load_params(params_file)
    elif agency and year:
        params = validate({"agency": agency, "year": year})
    else:
        raise click.UsageError("give PARAMS_FILE, or --agency and --year, or --region and --year")
    if revision is not None:
        params["revision"] = revision
    params["store"] = str(cfg["store"] if store or not params["store"] else Path(params["store"]).resolve())
    if params["registry"] is None and cfg["registry"]:
        params["registry"] = str(cfg["registry"])
    with Store(params["store"], create=False) as st:  # the agency as the store shows it, whatever name was given
        params["agency"] = st.names().get(_one_key(st, params["agency"], reg), params["agency"])
        st.get(params["agency"], int(params["year"]), params.get("revision"))  # NotFound before any kernel starts
    paths = do_render(params, cfg["outputs"], to=cfg["to"], timeout=cfg["timeout"], root=cfg.root)
    for kind, p in paths.items():
        click.echo(f"{kind:5} {p}")


REGION_FORMATS = ("html", "pdf", "docx")


def _render_region(params_file: str | None, region: str | None, year: int | None, store: str | None,
                   to: str | None, outputs: str | None, registry: str | None) -> None:
    import yaml

    from .region.params import validate
    from .report.render import render_region

    formats = tuple(f.strip() for f in to.split(",") if f.strip()) if to else None
    if formats is not None and (not formats or any(f not in REGION_FORMATS for f in formats)):
        raise click.BadParameter(f"{to!r}: some of {', '.join(REGION_FORMATS)}", param_hint="--to")
    cfg = _settings(store=store, outputs=outputs, registry=registry)
    _linked(cfg)
    if params_file:
        try:
            params = validate(yaml.safe_load(Path(params_file).read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError) as e:
            raise InputError(params_file, f"cannot read parameters: {e}") from None
    elif region and year:
        params = validate({"region": region, "year": year})
    else:
        raise click.UsageError("give --region and --year (or a region PARAMS_FILE)")
    params["store"] = str(cfg["store"] if store or not params["store"] else Path(params["store"]).resolve())
    if params["registry"] is None:
        if not cfg["registry"]:
            raise ConfigError("a region report needs the agency registry: give --registry, or set registry in xxgk.toml")
        params["registry"] = str(cfg["registry"])
    paths = render_region(params, cfg["outputs"], to=formats or (*cfg["to"], "docx"), timeout=cfg["timeout"],
                          root=cfg.root)
    for kind, p in paths.items():
        click.echo(f"{kind:5} {p}")


@cli.command()
@click.option("--format", "version", type=click.Choice(["gov2021", "gov2019"]), default=None,
              help="Format version (default: from --year, else gov2021).")
@click.option("--agency", default=None, help="Agency name to pre-fill.")
@click.option("--year", type=int, default=None, help="Report year to pre-fill.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
def template(version: str | None, agency: str | None, year: int | None, output: str) -> None:
    """Write a fill-in Excel workbook in the official layout."""
    from .report.excel import write_template
    from .schema import version_for_year

    version = version or (version_for_year(year) if year else "gov2021")
    path = write_template(output, version, agency=agency, year=year)
    click.echo(f"template {version} -> {path}")


@cli.command()
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@_store_opt
@click.option("--to", "to", type=click.Choice(["xlsx", "csv", "parquet"]), required=True, help="Output format.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--revision", type=click.IntRange(1), default=None,
              help="Export this earlier revision of the one agency-year --agency and --year name.")
def export(agencies: tuple[str, ...], years: tuple[int, ...], store: str | None, to: str, output: str,
           revision: int | None) -> None:
    """Export the store as a tidy table (and, for xlsx, one sheet per table in the official layout)."""
    from .report.export import export_table
    from .store import Store

    from .findings import wanted
    from .registry import Registry

    cfg = _settings(store=store)
    reg = Registry.load(cfg["registry"]) if cfg["registry"] and agencies else None
    with Store(cfg["store"], create=False) as st:
        want = wanted(st, agencies, reg)
        reports = [st.get(a, y) for a, y, _ in st.entries()
                   if (want is None or a in want) and (not years or y in years)]
        if revision is not None:
            if len(reports) != 1:
                raise click.UsageError(f"--revision needs one agency and one year ({len(reports)} reports match)")
            reports = [st.get(reports[0].key or "", reports[0].year or 0, revision)]
    if not reports:
        raise click.ClickException("no stored report matches --agency/--year")
    export_table(reports, output, to)
    click.echo(f"{len(reports)} reports -> {output}")


@cli.command()
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--jobs", "workers", type=click.IntRange(1, 256), default=None,
              help="Parallel workers (default: the project's, else the number of cores).")
@_to_opt
@click.option("--force", is_flag=True, help="Rerun every job, changed or not.")
@click.option("--scheduler", default=None, help="Address of a Dask distributed scheduler to run the jobs on.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), default=None,
              help="Take the jobs from the params files in this folder instead of the store.")
@_store_opt
@_outputs_opt
@click.option("--strict", is_flag=True, help="A report with an error finding counts as failed.")
@_registry_opt
@click.option("--no-progress", is_flag=True, help="No progress bar (for logs).")
@click.option("--dry-run", is_flag=True, help="List each report that would run and which input changed; run none.")
def batch(years: tuple[int, ...], agencies: tuple[str, ...], workers: int | None, to: str | None, force: bool,
          scheduler: str | None, params_dir: str | None, store: str | None, outputs: str | None, strict: bool,
          registry: str | None, no_progress: bool, dry_run: bool) -> None:
    """Regenerate every report that changed: incremental, parallel, failure-isolated."""
    from .batch import plan, run

    cfg = _settings(store=store, outputs=outputs, registry=registry, jobs=workers, to=to)
    _linked(cfg, dry_run=dry_run)
    jobs = plan(cfg["store"], cfg["outputs"], agencies=agencies, years=years, params_dir=params_dir, strict=strict,
                registry=cfg["registry"])
    summary = run(jobs, cfg["outputs"], workers=cfg["jobs"], to=cfg["to"], force=force, scheduler=scheduler,
                  progress=not no_progress and sys.stderr.isatty(), root=cfg.root, dry_run=dry_run,
                  timeout=cfg["timeout"], prune=not (agencies or years or params_dir))
    for key in summary.removed:
        click.echo(f"{'would remove' if dry_run else 'removed'} {key}: no longer a stored report under that name",
                   err=True)
    if dry_run:
        for key, why in summary.planned:
            click.echo(f"would run {key}: {', '.join(why)}")
        click.echo(f"dry run: {len(summary.planned)} would run, {summary.skipped} unchanged")
        return
    _summarise(summary, cfg["outputs"])


@cli.command()
@click.option("--agency", required=True, help="The agency: its name, an alias or its registry id.")
@click.option("--year", type=int, required=True, help="Report year.")
@_store_opt
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def history(agency: str, year: int, store: str | None, as_json: bool) -> None:
    """Every stored revision of one agency-year, one line each (the last is current): number, when it
    was ingested, source file, sha256, reader. `--revision N` on check, render and export picks one."""
    from .store import Store

    cfg = _settings(store=store)
    reg = _linked(cfg)
    with Store(cfg["store"], create=False) as st:
        key = _one_key(st, agency, reg)
        rows = st.revisions(key, year)
    if not rows:
        raise click.ClickException(f"no report for {agency} {year} in {cfg['store']}")
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['revision']}\t{r['ingested_at']}\t{r['source']}\t{str(r['sha256'])[:12]}\t{r['reader']}"
                   + ("\tcurrent" if r["current"] else ""))


def _one_key(st: Any, agency: str, reg: Any) -> str:
    """The stored identity one --agency value names."""
    from .findings import wanted

    return min(wanted(st, (agency,), reg) or {agency})


@cli.group()
def review() -> None:
    """Reviewers' decisions on findings: 待整改 (returned), 不是问题 (dismissed, with a reason), 已整改
    (corrected). Append-only: every change is kept with who and when."""


def _status_opt(required: bool) -> Any:
    def wrap(f: Any) -> Any:
        return click.option("--status", required=required, default=None,
                            help="待整改, 不是问题 or 已整改 (or returned, dismissed, corrected).")(f)
    return wrap


@review.command("list")
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--year", type=int, default=None, help="Only this year.")
@_status_opt(False)
@click.option("--history", "show_history", is_flag=True, help="Every decision ever recorded, not only the latest.")
@_store_opt
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def review_list(agencies: tuple[str, ...], year: int | None, status: str | None, show_history: bool,
                store: str | None, as_json: bool) -> None:
    """The latest decision on each finding key (or, --history, every one): key, status, reason, who, when."""
    from .findings import wanted
    from .review import decisions, status_of
    from .store import Store

    cfg = _settings(store=store)
    reg = _linked(cfg)
    with Store(cfg["store"], create=False) as st:
        ids = wanted(st, agencies, reg)
        rows = decisions(st, agency_ids=sorted(ids) if ids is not None else None, year=year,
                         status=status_of(status) if status else None, history=show_history)
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in rows], ensure_ascii=False, indent=1))
        return
    for d in rows:
        click.echo(f"{d.key}\t{d.status}\t{d.reason}\t{d.reviewer}\t{d.at}\trevision {d.revision}\t{d.origin}")
    click.echo(f"{len(rows)} decisions", err=True)


@review.command("set")
@click.argument("keys", nargs=-1, required=True)
@_status_opt(True)
@click.option("--reason", default="", help="Why (required for 不是问题).")
@click.option("--by", "by", default=None, help="Who decides (default: $XXGK_REVIEWER, else the login name).")
@_store_opt
@_registry_opt
def review_set(keys: tuple[str, ...], status: str, reason: str, by: str | None, store: str | None,
               registry: str | None) -> None:
    """Record a decision on findings KEYS (as `xxgk check --json` or the problem list gives them)."""
    from .review import Proposed, known_findings, record, split_key
    from .store import Store

    cfg = _settings(store=store, registry=registry)
    reg = _linked(cfg)
    pairs = set()
    for k in keys:
        agency, year, _ = split_key(k)
        pairs.add((agency, year))
    known = known_findings(cfg["store"], reg, pairs)
    with Store(cfg["store"], create=False) as st:
        added = record(st, [Proposed(k, status, reason) for k in keys], known, who=by)
    for d in added:
        click.echo(f"{d.key}\t{d.status}\t{d.reviewer}\t{d.at}")
    click.echo(f"{len(added)} decisions recorded ({len(keys) - len(added)} unchanged)", err=True)


@review.command("import")
@click.argument("sheet", type=click.Path(dir_okay=False, exists=True))
@click.option("--region", default=None, help="Refuse a sheet of another region than this one.")
@click.option("--by", "by", default=None, help="Who decided rows whose 审核人 is empty (default: the login name).")
@_store_opt
@_registry_opt
def review_import(sheet: str, region: str | None, by: str | None, store: str | None, registry: str | None) -> None:
    """Record the statuses filled into a region's problem list (问题清单.xlsx): all of them or, when
    any row is wrong (unknown key, bad status, a dismissal without a reason, another region's row),
    none, naming every such row."""
    from .region.reviewing import import_problems

    cfg = _settings(store=store, registry=registry)
    reg = _linked(cfg)
    if reg is None:
        raise ConfigError("importing a problem list needs the agency registry: give --registry, or set registry in "
                          "xxgk.toml")
    added = import_problems(sheet, cfg["store"], reg, region=region, by=by)
    click.echo(f"{sheet}: {len(added)} decisions recorded")


@review.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--year", type=int, default=None, help="Only this year.")
@_status_opt(False)
@_store_opt
@_registry_opt
def review_export(output: str, agencies: tuple[str, ...], year: int | None, status: str | None, store: str | None,
                  registry: str | None) -> None:
    """Write the latest decisions (in the problem list's columns) and the whole audit trail to an .xlsx."""
    from .findings import wanted
    from .region.reviewing import export_decisions
    from .review import status_of
    from .store import Store

    cfg = _settings(store=store, registry=registry)
    reg = _linked(cfg)
    with Store(cfg["store"], create=False) as st:
        ids = wanted(st, agencies, reg)
    path = export_decisions(cfg["store"], output, reg, agency_ids=sorted(ids) if ids is not None else None,
                            year=year, status=status_of(status) if status else None)
    click.echo(f"decisions -> {path}")


@cli.command()
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@click.option("--sample", type=click.IntRange(1), default=None, help="Only N of the reports (the same N each time).")
@click.option("--all", "every", is_flag=True, help="Every published report.")
@click.option("--jobs", "workers", type=click.IntRange(1, 256), default=None, help="Parallel workers.")
@_store_opt
@_outputs_opt
@_registry_opt
def verify(agencies: tuple[str, ...], years: tuple[int, ...], sample: int | None, every: bool, workers: int | None,
           store: str | None, outputs: str | None, registry: str | None) -> None:
    """Re-render published reports into a temporary folder and compare them with the manifest's
    hashes: identical; content differs (which file, for HTML its first differing lines; a file edited
    after rendering is named); or environment differs (which library versions). Exit 1 on any
    difference."""
    from .verify import verify as run_verify

    if not (agencies or years or sample or every):
        raise click.UsageError("give --agency/--year, --sample N or --all")
    cfg = _settings(store=store, outputs=outputs, registry=registry, jobs=workers)
    verdicts = run_verify(cfg["store"], cfg["outputs"], agencies=agencies, years=years, sample=sample,
                          registry=cfg["registry"], workers=cfg["jobs"], root=cfg.root, timeout=cfg["timeout"])
    for v in verdicts:
        click.echo(v.line())
    bad = sum(1 for v in verdicts if v.status != "identical")
    click.echo(f"verify: {len(verdicts) - bad} identical, {bad} differ", err=True)
    if bad or not verdicts:
        raise SystemExit(1)


@cli.group()
def registry() -> None:
    """The agency registry: who is who, the names each agency prints, which stored report is whose."""


def _registry_settings(registry_path: str | None, store: str | None = None) -> Config:
    cfg = _settings(store=store, registry=registry_path)
    if not cfg["registry"]:
        raise ConfigError("no agency registry: give --registry, or set registry in xxgk.toml")
    return cfg


@registry.command("list")
@_registry_opt
@_store_opt
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def registry_list(registry: str | None, store: str | None, as_json: bool) -> None:
    """Every agency: id, canonical name, aliases, level, region, and how many reports are stored under it."""
    from .store import Store

    cfg = _registry_settings(registry, store)
    reg = _linked(cfg)
    counts: dict[str, int] = {}
    if Path(cfg["store"]).exists():
        with Store(cfg["store"]) as st:
            for key, _, _ in st.entries():
                counts[key] = counts.get(key, 0) + 1
    rows = [{"id": a.id, "name": a.name, "aliases": list(a.aliases), "level": a.level, "region": a.region,
             "parent": a.parent, "reports": counts.get(a.id, 0)} for a in reg.agencies]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['name']}\t{';'.join(r['aliases'])}\t{r['level']}\t{r['region']}\t{r['reports']}")
    click.echo(f"{len(rows)} agencies, {sum(counts.get(a.id, 0) for a in reg.agencies)} stored reports linked "
               f"({sum(counts.values())} stored in all)", err=True)


@registry.command("alias")
@click.argument("agency")
@click.argument("aliases", nargs=-1, required=True)
@_registry_opt
@_store_opt
def registry_alias(agency: str, aliases: tuple[str, ...], registry: str | None, store: str | None) -> None:
    """Add ALIASES (names AGENCY prints) to AGENCY (its id, name or an alias), then re-link the store.

    Reports stored under an alias move to the agency at once, without re-ingesting; the next
    `xxgk batch` re-renders exactly the reports whose inputs that changed.
    """
    from .registry import Registry

    cfg = _registry_settings(registry, store)
    reg = Registry.load(cfg["registry"])
    me = reg.find(agency)
    if me is None:
        raise click.UsageError(f"{agency!r} is no agency of {cfg['registry']} (give its id, name or an alias)")
    for alias in aliases:
        reg = reg.with_alias(me, alias.strip())
    if Path(cfg["store"]).exists():  # a registry the store cannot follow is not written
        from .identity import Resolver
        from .store import Store

        with Store(cfg["store"]) as st:
            st.relink(Resolver(reg).link, dry_run=True)
    reg.save(cfg["registry"])
    click.echo(f"{me.id} {me.name}: aliases {';'.join(reg.by_id[me.id].aliases)}")
    _linked(cfg)


@registry.command("reports")
@_registry_opt
@_store_opt
@click.option("--unresolved", is_flag=True, help="Only reports whose printed name names no registry agency.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def registry_reports(registry: str | None, store: str | None, unresolved: bool, as_json: bool) -> None:
    """Which stored report maps to which agency: year, name printed, how it was resolved, id, name."""
    from .identity import Resolver
    from .store import Store

    cfg = _registry_settings(registry, store)
    resolver = Resolver(_linked(cfg))
    with Store(cfg["store"], create=False) as st:
        stored = st.printed()
    rows: list[dict[str, Any]] = []
    for key, year, name, printed in stored:
        res = resolver.resolve(printed or name)
        if unresolved and res.agency is not None:
            continue
        rows.append({"year": year, "printed": printed, "how": res.how, "id": key if res.agency else None,
                     "name": name, "candidates": [a.id for a in res.candidates]})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        extra = f"\t(could be {', '.join(r['candidates'])})" if r["candidates"] else ""
        click.echo(f"{r['year']}\t{r['printed']}\t{r['how']}\t{r['id'] or '-'}\t{r['name']}{extra}")
    click.echo(f"{len(rows)} reports; {sum(1 for r in rows if r['id'] is None)} unresolved", err=True)


@registry.command("relink")
@_registry_opt
@_store_opt
@click.option("--dry-run", is_flag=True, help="Say which reports would move; change nothing.")
def registry_relink(registry: str | None, store: str | None, dry_run: bool) -> None:
    """Re-resolve every stored report's printed name (after the registry was edited by hand).

    ingest, check, render and batch do this first anyway; one line per report that moves.
    """
    _linked(_registry_settings(registry, store), dry_run=dry_run)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--notebooks", "copy_notebooks", is_flag=True,
              help="Copy the kit's notebooks into the project: that copy is then the one run and fingerprinted.")
def init(folder: str, copy_notebooks: bool) -> None:
    """Create a project in FOLDER: xxgk.toml (every setting, commented), inbox/ and params/."""
    from . import config
    from .report.render import NOTEBOOK

    root = Path(folder)
    if (root / config.FILE_NAME).exists():
        raise ConfigError(f"{root / config.FILE_NAME} exists already: a project is there")
    for sub in ("inbox", "params"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / config.FILE_NAME).write_text(config.template({"store": "data/xxgk.sqlite", "outputs": "outputs",
                                                          "inbox": "inbox"}), encoding="utf-8")
    (root / "params" / "example.yaml").write_text(
        "# one report per file: `xxgk render params/example.yaml`, or `xxgk batch --params params/`\n"
        'agency: "某县某局"\nyear: 2024\n', encoding="utf-8")
    made = [config.FILE_NAME, "inbox/", "params/"]
    if copy_notebooks:
        (root / "notebooks").mkdir(exist_ok=True)
        for nb in NOTEBOOK.parent.glob("*.ipynb"):
            (root / "notebooks" / nb.name).write_bytes(nb.read_bytes())
        made.append("notebooks/")
    click.echo(f"project {root.resolve()}: {', '.join(made)}; put reports in inbox/, then `xxgk ingest` "
               "and `xxgk batch`")


@cli.command()
@click.option("--data", "data_dir", default="data/demo", show_default=True, help="Where to write the demo reports.")
@_store_opt
@_outputs_opt
@_to_opt
@click.option("--jobs", "workers", type=click.IntRange(1, 256), default=None, help="Parallel workers.")
@click.option("--departments", type=click.IntRange(1, 30), default=None,
              help="Only the first N of the 30 departments: a smaller county to try quickly.")
@click.option("--year", "years", type=click.IntRange(2019, 2025), multiple=True,
              help="Only this year (repeatable; default 2019-2025).")
def demo(data_dir: str, store: str | None, outputs: str | None, to: str | None, workers: int | None,
         departments: int | None, years: tuple[int, ...]) -> None:
    """Write the demo county, ingest and check it, and regenerate every report (incrementally).

    Without a project file, it writes one (xxgk.toml here) naming the demo's store, outputs,
    registry and inbox, so that plain `xxgk ingest` and `xxgk batch` carry on from the demo.
    """
    from . import config
    from .batch import plan, run
    from .demo import RECIPE, YEARS, write_demo
    from .findings import check_store
    from .identity import Resolver
    from .ingest import ingest as run_ingest
    from .registry import Registry
    from .store import Store

    folder = Path(data_dir)
    if config.find_file() is None:
        written = Path(config.FILE_NAME)
        written.write_text(config.template({
            "store": str(Path(store or "data/xxgk.sqlite")), "outputs": str(Path(outputs or "outputs")),
            "registry": (folder / "registry.csv").as_posix(), "inbox": folder.as_posix()}), encoding="utf-8")
        click.echo(f"project settings: {written.resolve()} (see `xxgk config`)")
    cfg = _settings(store=store, outputs=outputs, to=to, jobs=workers)
    stamp = folder / ".recipe"
    recipe = f"{RECIPE} departments={departments or 30} years={','.join(map(str, sorted(years or YEARS)))}"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == recipe:
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".docx", ".xlsx"))
        click.echo(f"demo data: {len(paths)} reports in {folder} (up to date)")
    else:
        if folder.is_dir():  # another recipe's reports would be ingested with these
            for old in folder.iterdir():
                if old.suffix in (".txt", ".html", ".docx", ".xlsx"):
                    old.unlink()
        paths = write_demo(folder, departments=departments, years=tuple(sorted(years)) or YEARS)
        stamp.write_text(recipe, encoding="utf-8")
        click.echo(f"demo data: {len(paths)} reports written to {folder}")
    registry = folder / "registry.csv"
    reg = Registry.load(registry)
    with Store(cfg["store"]) as st:
        st.relink(Resolver(reg).link)
        done = list(run_ingest(paths, st, registry=reg))
    failed = [d for d in done if d.error]
    for d in failed:
        click.echo(f"FAILED {d.error}", err=True)
    read = sum(1 for d in done if d.report)
    click.echo(f"ingest: {read} read, {len(done) - read - len(failed)} unchanged -> {cfg['store']}")
    results = check_store(cfg["store"], registry=reg)
    counts = {s: sum(1 for *_, f in results if f.severity == s) for s in ("error", "warning")}
    click.echo(f"check: {counts['error']} errors, {counts['warning']} warnings "
               f"(the seeded ones are listed in {folder / 'errors.json'}; see `xxgk check`)")
    jobs = plan(cfg["store"], cfg["outputs"], registry=registry.resolve())
    summary = run(jobs, cfg["outputs"], workers=cfg["jobs"], to=cfg["to"], progress=sys.stderr.isatty(),
                  root=cfg.root, timeout=cfg["timeout"], prune=True)
    _summarise(summary, cfg["outputs"])
    if failed:
        raise SystemExit(1)


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def show_config(as_json: bool) -> None:
    """Print every effective setting, and where it comes from (flag > environment > xxgk.toml > default)."""
    from .config import SETTINGS

    cfg = _settings()
    shown = {name: (cfg.relative(v) if isinstance(v, Path) else ",".join(v) if isinstance(v, tuple) else v)
             for name, v in cfg.values.items()}
    if as_json:
        click.echo(json.dumps({"file": str(cfg.file) if cfg.file else None, "root": str(cfg.root),
                               "settings": {n: {"value": shown[n], "source": cfg.sources[n],
                                                "env": SETTINGS[n].env} for n in shown}},
                              ensure_ascii=False, indent=1))
        return
    click.echo(f"project file: {cfg.file or '(none: defaults, relative to the working directory)'}")
    for name, value in shown.items():
        click.echo(f"{name:13} {'' if value is None else value!s:40} {cfg.sources[name]}")


REFERENCE_START = "<!-- cli-reference:start (generated by `make docs`; tests/test_cli_docs.py keeps it current) -->"
REFERENCE_END = "<!-- cli-reference:end -->"


def reference_markdown() -> str:
    """The CLI reference, from each command's --help, as it appears in the README."""
    parts = [REFERENCE_START, ""]
    # make_context applies the group's context_settings (-h as well as --help), as a real run does
    group_ctx = cli.make_context("xxgk", [], resilient_parsing=True, terminal_width=100, max_content_width=100)
    parts += ["```", cli.get_help(group_ctx), "```", ""]
    def add(group: click.Group, parent: click.Context, prefix: str) -> None:
        for name in sorted(group.commands):
            cmd = group.commands[name]
            ctx = cmd.make_context(name, [], parent=parent, resilient_parsing=True, terminal_width=100,
                                   max_content_width=100)
            parts.extend([f"### `{prefix} {name}`", "", "```", cmd.get_help(ctx), "```", ""])
            if isinstance(cmd, click.Group):
                add(cmd, ctx, f"{prefix} {name}")

    add(cli, group_ctx, "xxgk")
    parts.append(REFERENCE_END)
    return "\n".join(parts)


def update_readme(path: str = "README.md") -> bool:
    """Rewrite the README's CLI reference section; True when it changed."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    start, end = text.index(REFERENCE_START), text.index(REFERENCE_END) + len(REFERENCE_END)
    new = text[:start] + reference_markdown() + text[end:]
    if new != text:
        p.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Entry point: library errors become one-line messages and exit code 1.

    ``--config`` sets XXGK_CONFIG for the command's workers and kernels, and only for this call: a
    program that calls :func:`main` twice (the tests do) gets no project from the first call."""
    before = os.environ.get("XXGK_CONFIG")
    try:
        return _main(argv)
    finally:
        if before is None:
            os.environ.pop("XXGK_CONFIG", None)
        else:
            os.environ["XXGK_CONFIG"] = before


def _main(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="xxgk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except ConfigError as e:  # a setting the user gave: a usage error
        click.echo(f"error: {e}", err=True)
        return 2
    except BatchStopped as e:  # the finished reports are kept; the next batch does the rest
        click.echo(f"batch: {e}: {e.done} reports finished and kept, {e.not_done} not done (the next batch runs "
                   "them)", err=True)
        return 128 + e.signum
    except KitError as e:
        click.echo(f"error: {e}", err=True)
        return 1
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())
