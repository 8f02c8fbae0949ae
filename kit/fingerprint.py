"""What a report is made from, as digests: the kit's code, the environment, the parameters, the data.

A batch job's fingerprint is the digest of four parts, each kept in the manifest so that
``xxgk batch --dry-run`` can say which one changed:

- ``code``: every file of the kit (modules, templates, CSS, format definitions) and the notebook run;
- ``environment``: Python and the libraries that shape a report's bytes (the font package, papermill,
  nbconvert, matplotlib, WeasyPrint);
- ``parameters``: the validated notebook parameters, paths relative to the project root, so that a
  moved project is the same project;
- ``data``: every stored report the notebook reads (the agency's years up to this one, its peers' and,
  for a declared aggregate, its children's same-year reports), found by the agency's identity, and
  only the registry entries it uses.
"""
from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .registry import Agency, Registry
from .report.params import PATH_PARAMETERS, portable
from .store import Store

if TYPE_CHECKING:
    from .batch import Job

PARTS = ("code", "environment", "parameters", "data")
LIBRARIES = ("pylopdf-fonts-zh-cn", "papermill", "nbconvert", "matplotlib", "weasyprint", "fonttools", "pillow",
             "python-docx", "openpyxl", "pydyf", "brotli", "uharfbuzz")
KIT = Path(__file__).resolve().parent
CODE_SUFFIXES = {".py", ".json", ".css", ".html", ".ipynb", ".yaml"}
def _digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=8)
def code_digest(notebook: Path) -> str:
    """The kit's own files and the notebook, by their contents (and the kit's files by name)."""
    files = sorted(p for p in KIT.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES
                   and "__pycache__" not in p.parts)
    return _digest([f"{p.relative_to(KIT).as_posix()}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in files]
                   + [f"notebook:{hashlib.sha256(Path(notebook).read_bytes()).hexdigest()}"])


@lru_cache(maxsize=1)
def environment_versions() -> dict[str, str]:
    """Python's version and the versions of the libraries that shape a report's bytes, Pango and
    HarfBuzz (which lay out WeasyPrint's PDF) among them."""
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "absent"

    out = {"python": platform.python_version(), **{n: version(n) for n in LIBRARIES}}
    for name, lib, call in (("pango", "pango-1.0", "pango_version_string"), ("harfbuzz", "harfbuzz", "hb_version_string")):
        out[name] = _c_version(lib, call)
    # WeasyPrint subsets fonts with HarfBuzz's subsetter when the system has it, else with fontTools:
    # two different font programs inside the PDF
    out["harfbuzz-subset"] = "present" if _find_library("harfbuzz-subset") else "absent"
    return out


def _find_library(name: str) -> str | None:
    import ctypes.util

    return ctypes.util.find_library(name)


def _c_version(library: str, function: str) -> str:
    """A C library's version string (the system's Pango and HarfBuzz, which WeasyPrint loads)."""
    import ctypes

    try:
        found = _find_library(library)
        if not found:
            return "absent"
        fn = getattr(ctypes.CDLL(found), function)
        fn.restype = ctypes.c_char_p
        return str(fn().decode("ascii"))
    except (OSError, AttributeError, UnicodeDecodeError):
        return "unknown"


def environment_digest() -> str:
    """A digest of :func:`environment_versions`."""
    return _digest(f"{k}:{v}" for k, v in environment_versions().items())


def output_hashes(paths: dict[str, Path]) -> dict[str, str]:
    """sha256 of every output file; the notebook by its cells and outputs only (its metadata holds the
    run's timings and times, its injected parameters the absolute paths of this machine)."""
    out = {}
    for kind, path in sorted(paths.items()):
        if kind == "ipynb":
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
            # the injected parameters name absolute paths; the fingerprint holds them relative to the project
            body = [{k: c.get(k) for k in ("cell_type", "source", "outputs")} for c in doc.get("cells", [])
                    if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
            out[kind] = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        elif Path(path).is_file():
            out[kind] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return out


def data_state(entries: Iterable[dict[str, Any]]) -> str:
    """A short digest of every report's inputs: what the index shows instead of a clock time."""
    return _digest(sorted(f"{e.get('key')}:{e.get('fingerprint')}" for e in entries))[:12]


def parameters_digest(params: dict[str, Any], root: Path,
                      paths: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> str:
    """The parameters as the project names them: store and registry relative to ``root`` when inside it.

    ``paths``: the paths already made portable by this caller (a batch's jobs name one store and one
    registry: resolved once, not once a job)."""
    if paths is None:
        return _digest([json.dumps(portable(params, root), sort_keys=True, ensure_ascii=False)])
    named = tuple(params.get(k) for k in PATH_PARAMETERS)
    shown = paths.get(named)
    if shown is None:
        shown = paths[named] = portable({k: params[k] for k in PATH_PARAMETERS if k in params}, root)
    return _digest([json.dumps({**params, **shown}, sort_keys=True, ensure_ascii=False)])


def _entry(a: Agency) -> str:
    # aliases are left out: they change a report only by re-linking it, which its data hash shows
    return "entry:" + json.dumps([a.id, a.name, a.level, a.region, a.parent, a.aggregate], ensure_ascii=False)


def fingerprint_jobs(jobs: list["Job"], notebook: Path, root: Path) -> None:
    """Set every job's ``parts`` and ``fingerprint``; one store query per store, one registry read per file."""
    code, env = code_digest(Path(notebook).resolve()), environment_digest()
    hashes: dict[str, dict[tuple[str, int], str]] = {}
    years: dict[tuple[str, str], list[tuple[int, str]]] = {}  # (store, agency) -> its (year, hash), sorted
    registries: dict[str, Registry] = {}
    paths: dict[tuple[Any, ...], dict[str, Any]] = {}
    for job in jobs:
        st = job.params["store"]
        if st not in hashes:
            with Store(st, create=False) as s:
                hashes[st] = s.content_hashes()
            for (a, y), sha in sorted(hashes[st].items()):
                years.setdefault((st, a), []).append((y, sha))
        stored = hashes[st]
        if job.kind == "region":
            _region_parts(job, stored, registries, code_digest(Path(job.notebook).resolve()) if job.notebook else code,
                          env, root)
            continue
        key = job.agency_id or job.agency
        deps = [f"{y}:{sha}" for y, sha in years.get((st, key), []) if y <= job.year]
        reg_path = job.params.get("registry")
        if reg_path:
            reg = registries.get(reg_path) or registries.setdefault(reg_path, Registry.load(reg_path))
            me = reg.find(key) or reg.find(job.agency)
            related = (reg.peers(me.id) + (reg.children(me.id) if me.aggregate else [])) if me else []
            deps += [_entry(me)] if me else ["entry:none"]
            deps += sorted(f"{_entry(a)}:{stored.get((a.id, job.year)) or stored.get((a.name, job.year), 'absent')}"
                           for a in related)
        job.parts = {"code": code, "environment": env, "parameters": parameters_digest(job.params, root, paths),
                     "data": _digest(deps)}
        job.fingerprint = _digest(f"{k}:{job.parts[k]}" for k in PARTS)


def _region_parts(job: "Job", stored: dict[tuple[str, int], str], registries: dict[str, Registry], code: str,
                  env: str, root: Path) -> None:
    """A region-year reads its agencies' years up to its own (the trend), their registry entries, the
    regions' rows and the scoring scheme."""
    from .region.scoring import DEFAULT

    reg_path = job.params.get("registry")
    deps: list[str] = []
    if reg_path:
        reg = registries.get(reg_path) or registries.setdefault(reg_path, Registry.load(reg_path))
        members = reg.members(job.agency)
        ids = {a.id for a in members} | {a.name for a in members}
        deps += sorted(_entry(a) for a in members)
        related = set(reg.chain(job.agency)) if job.agency in reg.regions else set()
        deps += sorted(f"region:{r.id}:{r.name}:{r.parent}" for r in reg.declared
                       if r.name in related or job.agency in reg.chain(r.name))  # above it, and below it
        deps += sorted(f"{a}:{y}:{sha}" for (a, y), sha in stored.items() if a in ids and y <= job.year)
    given = job.params.get("scoring")
    scheme = DEFAULT if given in (None, "", "default") else Path(given)
    deps.append("scoring:" + (hashlib.sha256(scheme.read_bytes()).hexdigest() if scheme.is_file() else "absent"))
    job.parts = {"code": code, "environment": env, "parameters": parameters_digest(job.params, root),
                 "data": _digest(deps)}
    job.fingerprint = _digest(f"{k}:{job.parts[k]}" for k in PARTS)


def changed(before: dict[str, Any] | None, parts: dict[str, str]) -> list[str]:
    """Which parts differ from a manifest entry's (``["new"]`` when there is none)."""
    if not before or not before.get("parts"):
        return ["new"]
    return [k for k in PARTS if before["parts"].get(k) != parts.get(k)]
