"""The project's settings: one file, ``xxgk.toml``, read by every command, with a documented precedence.

Where a setting comes from, strongest first:

1. a command-line flag (``--store``, ``--outputs``, ``--registry``, ``--jobs``, ``--to`` ...);
2. an environment variable (``XXGK_STORE`` ...; the names are in ``SETTINGS``);
3. the project file ``xxgk.toml``: ``--config FILE``, else ``XXGK_CONFIG``, else the first
   ``xxgk.toml`` found walking up from the working directory;
4. the default.

Relative paths in the file are relative to the file; given as a flag or a variable, relative to the
working directory. The folder holding the file is the project root (the working directory when
there is no file): batch fingerprints and reports name files relative to it. A bad value is a
:class:`kit.errors.ConfigError` naming the file and key, or the variable (the CLI: exit 2), never
silently replaced by a default. ``xxgk config`` prints every effective setting and its source.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

FILE_NAME = "xxgk.toml"
FORMATS = ("html", "pdf", "docx")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    kind: str        # path | optional-path | count | formats | jobs
    help: str
    table: str = ""  # the TOML table it lives in ("" for the top level)


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("store", "XXGK_STORE", "data/xxgk.sqlite", "path", "the SQLite store"),
    Setting("outputs", "XXGK_OUTPUTS", "outputs", "path", "where reports, the index and the manifest go"),
    Setting("registry", "XXGK_REGISTRY", None, "optional-path", "agency registry CSV (peers, aggregation)"),
    Setting("inbox", "XXGK_INBOX", "inbox", "path", "the folder `xxgk ingest` reads when given no path"),
    Setting("jobs", "XXGK_JOBS", None, "jobs", "parallel workers of `xxgk batch` (empty: the number of cores)"),
    Setting("to", "XXGK_TO", "html,pdf", "formats", "output formats of render and batch"),
    Setting("timeout", "XXGK_TIMEOUT", 600, "count", "seconds one report's notebook may run (0: no limit)"),
    Setting("max_bytes", "XXGK_MAX_BYTES", 50 * 1024 * 1024, "count", "bytes a report file may have", "limits"),
    Setting("max_unpacked", "XXGK_MAX_UNPACKED", 200 * 1024 * 1024, "count",
            "bytes a DOCX/XLSX archive may unpack to", "limits"),
    Setting("pdf_pages", "XXGK_PDF_PAGES", 200, "count", "pages a PDF may have", "limits"),
    Setting("read_seconds", "XXGK_READ_SECONDS", 60, "count", "seconds reading one file may take (0: no limit)",
            "limits"),
    Setting("ocr_seconds", "XXGK_OCR_SECONDS", 900, "count", "seconds reading one scan by OCR may take (0: no limit)",
            "limits"),
)}
RESERVED_TABLES = ("region",)  # settings of later features: accepted as they are, read by their owners
LIMITS = [s.env for s in SETTINGS.values() if s.table == "limits"]


@dataclass(frozen=True)
class Config:
    """The effective settings: ``values`` (paths absolute), and where each came from (``sources``)."""

    file: Path | None
    root: Path
    values: dict[str, Any]
    sources: dict[str, str]
    reserved: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def relative(self, path: str | Path) -> str:
        """A path as the project names it: relative to the root when inside it, else absolute."""
        p = Path(path).resolve()
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            return p.as_posix()


def find_file(start: Path | None = None) -> Path | None:
    """``XXGK_CONFIG``, else the nearest ``xxgk.toml`` at or above ``start`` (the working directory)."""
    named = os.environ.get("XXGK_CONFIG", "").strip()
    if named:
        p = Path(named)
        if not p.is_file():
            raise ConfigError(f"XXGK_CONFIG={named!r}: no such file")
        return p.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / FILE_NAME).is_file():
            return folder / FILE_NAME
    return None


def load(file: str | Path | None = None, *, overrides: dict[str, Any] | None = None) -> Config:
    """The effective settings: ``overrides`` (flags; None means not given), environment, file, defaults."""
    path = Path(file).resolve() if file else find_file()
    if file and not Path(file).is_file():
        raise ConfigError(f"--config {file}: no such file")
    doc = _read(path) if path else {}
    root = path.parent if path else Path.cwd().resolve()
    shown = path.name if path else FILE_NAME
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS.values():
        flag = (overrides or {}).get(s.name)
        where = (doc.get(s.table) or {}) if s.table else doc
        if flag is not None:
            raw, source, base = flag, f"--{s.name.replace('_', '-')}", Path.cwd()
        elif os.environ.get(s.env, "").strip():
            raw, source, base = os.environ[s.env].strip(), s.env, Path.cwd()
        elif s.name in where:
            raw, source, base = where[s.name], f"{shown}:{s.table + '.' if s.table else ''}{s.name}", root
        else:
            raw, source, base = s.default, "default", root
        values[s.name] = _parse(s, raw, source, base)
        sources[s.name] = source
    return Config(path, root, values, sources, {t: doc[t] for t in RESERVED_TABLES if t in doc})


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: not a readable TOML file: {e}") from None
    tables = {s.table for s in SETTINGS.values() if s.table}
    known = {s.name for s in SETTINGS.values() if not s.table} | tables | set(RESERVED_TABLES)
    for key, value in doc.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in tables:
            inner = {s.name for s in SETTINGS.values() if s.table == key}
            bad = [k for k in value if k not in inner] if isinstance(value, dict) else [key]
            if bad:
                raise ConfigError(f"{path}: unknown setting {key}.{bad[0]} (known: {', '.join(sorted(inner))})")
    return doc


def _parse(s: Setting, raw: Any, source: str, base: Path) -> Any:
    def bad(expected: str) -> str:
        return f"{source}={raw!r}: {s.name} must be {expected}"

    if raw is None:
        return None
    if s.kind in ("path", "optional-path"):
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigError(bad("a path"))
        return (base / raw).resolve()
    if s.kind == "formats":
        items = raw if isinstance(raw, list) else str(raw).split(",")
        fmts = tuple(str(x).strip() for x in items if str(x).strip())
        if not fmts or any(f not in FORMATS for f in fmts):
            raise ConfigError(bad(f"some of {', '.join(FORMATS)} (comma-separated)"))
        return fmts
    if isinstance(raw, bool):
        raise ConfigError(bad("a whole number"))
    try:
        number = int(str(raw).strip().replace("_", ""))
    except ValueError:
        number = -1
    if s.kind == "jobs":
        if number < 1 or number > 256:
            raise ConfigError(bad("a whole number from 1 to 256"))
        return number
    if number < 0:
        raise ConfigError(bad(f"a whole number of {s.help.split(' ', 1)[0]}, at least 0 (default {s.default})"))
    return number


_LIMITS_SEEN: dict[tuple[str, ...], tuple[Config, int]] = {}


def limit(env: str) -> int:
    """One limit's value for this process (``XXGK_MAX_BYTES`` ...): the variable, else the project file.

    Read for every file ingested, so the settings are kept while the working directory, the variables
    and the project file's modification time stay the same.
    """
    name = next(s.name for s in SETTINGS.values() if s.env == env)
    key = (os.getcwd(), os.environ.get("XXGK_CONFIG", ""), *(os.environ.get(s.env, "") for s in SETTINGS.values()))
    seen = _LIMITS_SEEN.get(key)
    if seen is None or (seen[0].file is not None and _mtime(seen[0].file) != seen[1]):
        cfg = load()
        seen = _LIMITS_SEEN[key] = (cfg, _mtime(cfg.file) if cfg.file else 0)
    return int(seen[0].values[name])


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def check_limits() -> dict[str, int]:
    """Every limit, checked (the CLI does this before any command runs)."""
    cfg = load()
    return {s.env: cfg.values[s.name] for s in SETTINGS.values() if s.table == "limits"}


def template(values: dict[str, Any]) -> str:
    """The text of an ``xxgk.toml`` with these top-level values and every other setting commented out."""
    lines = ["# xxgk-kit project settings. Flags and XXGK_* variables override them; relative paths are",
             "# relative to this file. `xxgk config` shows what is in effect and where it comes from.", ""]
    for table in ("", "limits"):
        if table:
            lines += ["", f"[{table}]"]
        for s in (x for x in SETTINGS.values() if x.table == table):
            if s.name in values:
                lines.append(f"{s.name} = {_toml(values[s.name])}  # {s.help}")
            else:
                shown = "" if s.default is None else _toml(s.default)
                lines.append(f"# {s.name} = {shown}  # {s.help}")
    return "\n".join(lines) + "\n"


def _toml(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)
