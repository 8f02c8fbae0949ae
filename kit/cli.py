"""The ``xxgk`` command line: the one place that prints for people and sets exit codes.

Exit codes: 0 success, 1 some input or run failed (a one-line reason each, no traceback),
2 usage error.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from . import __version__, faults
from .config import check_limits
from .errors import ConfigError, InputError, KitError, StoreError

TEXT_EXT = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg",
            ".tif", ".tiff"}


def _outputs(value: str | None) -> Path:
    return Path(value or os.environ.get("XXGK_OUTPUTS") or "outputs")


def _store_opt(f: Any) -> Any:
    return click.option("--store", type=click.Path(dir_okay=False), default=None,
                        help="SQLite store (default: $XXGK_STORE or data/xxgk.sqlite).")(f)


def _formats(value: str) -> tuple[str, ...]:
    fmts = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [f for f in fmts if f not in ("html", "pdf")]
    if bad or not fmts:
        raise click.BadParameter(f"{value!r}: choose from html, pdf (comma-separated)")
    return fmts


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def cli() -> None:
    """Turn government information-disclosure annual reports into checked data and reports."""
    # settings first: a bad limit is a usage error before any work, never silently replaced
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
        click.echo(json.dumps({k: d[k] for k in ("agency", "year", "format", "cells", "raw", "sections",
                                                   "findings", "provenance")}, ensure_ascii=False, indent=1))
        return
    filled = sum(v is not None for v in report.cells.values())
    click.echo(f"{file}: {report.agency or '?'} {report.year or '?'} {report.format}, "
               f"{filled}/{len(report.cells)} cells, {len(report.findings)} findings")
    for f in report.findings:
        click.echo(f"  [{f.severity}] {f.rule}: {f.message}")


def _walk(paths: tuple[str, ...]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in TEXT_EXT
                              and not q.name.startswith("."))
        else:
            yield p


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_store_opt
@click.option("--agency", default=None, help="Agency name for every file (overrides the title line).")
@click.option("--year", type=int, default=None, help="Year for every file (overrides the title line).")
def ingest(paths: tuple[str, ...], store: str | None, agency: str | None, year: int | None) -> None:
    """Read report files (or folders of them) into the store, one line per file."""
    from .readers import read_file
    from .store import Store

    failed = 0
    with Store(store) as st:
        for path in _walk(paths):
            try:
                report = read_file(path, agency=agency, year=year)
                st.put(report)
            except (InputError, StoreError) as e:
                failed += 1
                click.echo(f"FAILED {e}", err=True)
                continue
            flagged = sum(1 for f in report.findings if f.rule.startswith("extract."))
            click.echo(f"ok     {path}: {report.agency} {report.year} {report.format}"
                       + (f" ({flagged} extract findings)" if flagged else ""))
    if failed:
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
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@_store_opt
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of findings.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity is found.")
@click.option("--registry", type=click.Path(dir_okay=False), default=None,
              help="Agency registry CSV; enables the aggregation check for declared parents.")
@click.option("--all", "show_all", is_flag=True, help="Also list info findings in the table.")
def check(agencies: tuple[str, ...], years: tuple[int, ...], store: str | None, as_json: bool, fail_on: str,
          registry: str | None, show_all: bool) -> None:
    """Check stored reports against every consistency rule."""
    from .checks import RANK
    from .registry import Registry
    from .findings import check_store

    reg = Registry.load(registry) if registry else None
    results = check_store(store, agencies=agencies, years=years, registry=reg)
    if as_json:
        click.echo(json.dumps([{"agency": a, "year": y, **f.to_dict()} for a, y, f in results],
                              ensure_ascii=False, indent=1))
    else:
        shown = [(a, y, f) for a, y, f in results if show_all or f.severity != "info"]
        for a, y, f in shown:
            cells = ",".join(f.cells[:4]) + ("…" if len(f.cells) > 4 else "")
            click.echo(f"{SEVERITY_NAMES.get(f.severity, f.severity)}\t{a}\t{y}\t{f.rule}\t{cells}\t{f.message}")
        counts = {s: sum(1 for *_, f in results if f.severity == s) for s in ("error", "warning", "info")}
        click.echo(f"{len({(a, y) for a, y, _ in results}) if results else 0} reports with findings: "
                   f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info", err=True)
    if any(RANK[f.severity] <= RANK[fail_on] for *_, f in results):
        raise SystemExit(1)


@cli.command()
@click.argument("params_file", required=False, type=click.Path(dir_okay=False))
@click.option("--agency", default=None, help="Agency name as stored.")
@click.option("--year", type=int, default=None, help="Report year.")
@_store_opt
@click.option("--to", "to", default="html,pdf", show_default=True, help="Output formats: html, pdf.")
@click.option("--outputs", default=None, help="Output folder (default: $XXGK_OUTPUTS or outputs/).")
def render(params_file: str | None, agency: str | None, year: int | None, store: str | None, to: str,
           outputs: str | None) -> None:
    """Run the master notebook for one agency and year, then export HTML and PDF.

    Give either PARAMS_FILE (YAML) or --agency and --year.
    """
    from .report.params import load, validate
    from .report.render import render as do_render
    from .store import default_path

    fmts = _formats(to)
    if params_file:
        params = load(params_file)
    elif agency and year:
        params = validate({"agency": agency, "year": year})
    else:
        raise click.UsageError("give PARAMS_FILE, or --agency and --year")
    if store:
        params["store"] = store
    params["store"] = str(Path(params["store"] or default_path()).resolve())
    paths = do_render(params, _outputs(outputs), to=fmts)
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
def export(agencies: tuple[str, ...], years: tuple[int, ...], store: str | None, to: str, output: str) -> None:
    """Export the store as a tidy table (and, for xlsx, one sheet per table in the official layout)."""
    from .report.export import export_table
    from .store import Store

    with Store(store, create=False) as st:
        reports = [st.get(a, y) for a, y, _ in st.entries()
                   if (not agencies or a in agencies) and (not years or y in years)]
    if not reports:
        raise click.ClickException("no stored report matches --agency/--year")
    export_table(reports, output, to)
    click.echo(f"{len(reports)} reports -> {output}")


@cli.command()
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@click.option("--agency", "agencies", multiple=True, help="Only this agency (repeatable).")
@click.option("--jobs", "workers", type=click.IntRange(1, 256), default=None,
              help="Parallel workers (default: the number of cores).")
@click.option("--to", "to", default="html,pdf", show_default=True, help="Output formats: html, pdf.")
@click.option("--force", is_flag=True, help="Rerun every job, changed or not.")
@click.option("--scheduler", default=None, help="Address of a Dask distributed scheduler to run the jobs on.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), default=None,
              help="Take the jobs from the params files in this folder instead of the store.")
@_store_opt
@click.option("--outputs", default=None, help="Output folder (default: $XXGK_OUTPUTS or outputs/).")
@click.option("--strict", is_flag=True, help="A report with an error finding counts as failed.")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Agency registry CSV: compare each agency with its peers.")
@click.option("--no-progress", is_flag=True, help="No progress bar (for logs).")
def batch(years: tuple[int, ...], agencies: tuple[str, ...], workers: int | None, to: str, force: bool,
          scheduler: str | None, params_dir: str | None, store: str | None, outputs: str | None, strict: bool,
          registry: str | None, no_progress: bool) -> None:
    """Regenerate every report that changed: incremental, parallel, failure-isolated."""
    from .batch import plan, run
    from .store import default_path

    fmts = _formats(to)
    out = _outputs(outputs)
    jobs = plan(store or default_path(), out, agencies=agencies, years=years, params_dir=params_dir, strict=strict,
                registry=registry)
    summary = run(jobs, out, workers=workers, to=fmts, force=force, scheduler=scheduler,
                  progress=not no_progress and sys.stderr.isatty())
    _summarise(summary, out)


@cli.command()
@click.option("--data", "data_dir", default="data/demo", show_default=True, help="Where to write the demo reports.")
@_store_opt
@click.option("--outputs", default=None, help="Output folder (default: $XXGK_OUTPUTS or outputs/).")
@click.option("--to", "to", default="html,pdf", show_default=True, help="Output formats: html, pdf.")
@click.option("--jobs", "workers", type=click.IntRange(1, 256), default=None, help="Parallel workers.")
def demo(data_dir: str, store: str | None, outputs: str | None, to: str, workers: int | None) -> None:
    """Write the demo county, ingest and check it, and regenerate every report (incrementally)."""
    import hashlib

    from .batch import plan, run
    from .demo import RECIPE, write_demo
    from .readers import read_file
    from .registry import Registry
    from .findings import check_store
    from .store import Store

    fmts = _formats(to)
    folder = Path(data_dir)
    stamp = folder / ".recipe"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == RECIPE:
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".docx", ".xlsx"))
        click.echo(f"demo data: {len(paths)} reports in {folder} (up to date)")
    else:
        paths = write_demo(folder)
        stamp.write_text(RECIPE, encoding="utf-8")
        click.echo(f"demo data: {len(paths)} reports written to {folder}")
    read = unchanged = 0
    with Store(store) as st:
        known = st.sources()
        for p in paths:
            if (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) in known:
                unchanged += 1
                continue
            st.put(read_file(p))
            read += 1
        store_path = st.path.resolve()
    click.echo(f"ingest: {read} read, {unchanged} unchanged -> {store_path}")
    results = check_store(store_path, registry=Registry.load(folder / "registry.csv"))
    counts = {s: sum(1 for *_, f in results if f.severity == s) for s in ("error", "warning")}
    click.echo(f"check: {counts['error']} errors, {counts['warning']} warnings "
               f"(the seeded ones are listed in {folder / 'errors.json'}; see `xxgk check`)")
    out = _outputs(outputs)
    jobs = plan(store_path, out, registry=folder / "registry.csv")
    summary = run(jobs, out, workers=workers, to=fmts, progress=sys.stderr.isatty())
    _summarise(summary, out)


REFERENCE_START = "<!-- cli-reference:start (generated by `make docs`; tests/test_cli_docs.py keeps it current) -->"
REFERENCE_END = "<!-- cli-reference:end -->"


def reference_markdown() -> str:
    """The CLI reference, from each command's --help, as it appears in the README."""
    parts = [REFERENCE_START, ""]
    # make_context applies the group's context_settings (-h as well as --help), as a real run does
    group_ctx = cli.make_context("xxgk", [], resilient_parsing=True, terminal_width=100, max_content_width=100)
    parts += ["```", cli.get_help(group_ctx), "```", ""]
    for name in sorted(cli.commands):
        cmd = cli.commands[name]
        ctx = cmd.make_context(name, [], parent=group_ctx, resilient_parsing=True, terminal_width=100,
                               max_content_width=100)
        parts += [f"### `xxgk {name}`", "", "```", cmd.get_help(ctx), "```", ""]
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
    """Entry point: library errors become one-line messages and exit code 1."""
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
