"""The master notebook's parameters: a JSON Schema, checked before any kernel starts."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# jsonschema imports rfc3987_syntax when it is installed (jupyterlab pulls it in), and building its
# grammar costs ~0.7 s in every process that validates anything (nbformat, papermill, this module).
# No schema here or in nbformat checks IRI formats, so keep it out (toolchain.md).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import jsonschema  # noqa: E402
import yaml  # noqa: E402

from ..errors import ParameterError

# papermill writes string parameters into the notebook as Python source with naive escaping: a
# backslash, quote or line break in an (untrusted) agency name could end the string and run code.
SAFE_TEXT = "^[^\\\\\"'`\\x00-\\x1f\\x7f]*$"
PATH: dict[str, Any] = {"type": ["string", "null"], "pattern": SAFE_TEXT, "maxLength": 4096}  # a file, or None
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["agency", "year"],
    "properties": {
        "agency": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": SAFE_TEXT},
        "year": {"type": "integer", "minimum": 2008, "maximum": 2100},
        "store": PATH,
        "strict": {"type": "boolean"},
        "registry": PATH,
        "peers": {"type": "boolean"},
        "history_years": {"type": "integer", "minimum": 1, "maximum": 30},
        "revision": {"type": ["integer", "null"], "minimum": 1},
        "docx_analysis": {"type": "boolean"},
        "sections": {"type": "array", "uniqueItems": True,
                     "items": {"enum": ["compare", "narrative", "findings", "history", "peers", "provenance"]}},
    },
}
KIT_SECTIONS = ["compare", "narrative", "findings", "history", "peers", "provenance"]
DEFAULTS: dict[str, Any] = {"store": None, "strict": False, "registry": None, "peers": True, "history_years": 5,
                            "sections": KIT_SECTIONS, "revision": None, "docx_analysis": False}


# parameters naming a file or folder, of the agency and the region notebooks alike
PATH_PARAMETERS = ("store", "registry", "scoring", "outputs")


def portable(params: dict[str, Any], root: str | Path) -> dict[str, Any]:
    """``params`` as the project names them: every path relative to ``root`` when inside it, else
    absolute. What the fingerprint digests and what a notebook run from ``root`` is given, so that
    neither holds the folder the project happens to sit in."""
    base = Path(root).resolve()
    shown = dict(params)
    for key in PATH_PARAMETERS:
        if isinstance(shown.get(key), str) and shown[key]:
            p = Path(shown[key])
            p = p.resolve() if p.is_absolute() else (base / p).resolve()
            shown[key] = p.relative_to(base).as_posix() if p.is_relative_to(base) else p.as_posix()
    return shown


def validate(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters with defaults filled in; raises ParameterError naming every bad parameter."""
    return checked(params, SCHEMA, DEFAULTS)


# what differs from one job of a batch to the next, every distinct value checked in one pass (validate_many)
_PER_JOB = {"type": "object", "properties": {k: {"type": "array", "items": SCHEMA["properties"][k]}
                                             for k in ("agency", "year")}}


def validate_many(many: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`validate` for each of a batch's parameter sets, which differ in agency and year and little
    else: each distinct agency and year checked once in one pass, each distinct rest once with the whole
    schema (no rule of the schema ties two parameters together). The same results; on any problem the
    sets are checked one by one, so the error names the bad one as :func:`validate`'s does. Per job,
    jsonschema costs 30 µs: a second over a province's 30,000 jobs."""
    import json

    if not all("agency" in p and "year" in p for p in many) or not jsonschema.Draft202012Validator(_PER_JOB).is_valid(
            {k: list({repr(p[k]): p[k] for p in many}.values()) for k in ("agency", "year")}):
        return [validate(p) for p in many]
    rests: dict[str, dict[str, Any]] = {}
    out = []
    for params in many:
        rest = {k: v for k, v in params.items() if k not in ("agency", "year")}
        tag = json.dumps(rest, sort_keys=True, default=repr)
        filled = rests.get(tag)
        if filled is None:
            out.append(validate(params))
            rests[tag] = {k: v for k, v in out[-1].items() if k not in ("agency", "year")}
        else:
            out.append({**filled, "agency": params["agency"], "year": params["year"]})
    return out


def checked(params: dict[str, Any], schema: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """``params`` against a notebook's ``schema``, with ``defaults`` filled in; every problem named."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for err in sorted(validator.iter_errors(params), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path) or "parameters"
        if err.validator == "additionalProperties":
            allowed = ", ".join(schema["properties"])
            problems.append(f"{err.message} (allowed: {allowed})")
        elif err.validator == "pattern" and err.schema.get("pattern") != SAFE_TEXT:
            problems.append(f"{where}: {err.instance!r} does not have the form {err.schema['pattern']}")
        elif err.validator == "pattern":
            problems.append(f"{where}: {err.instance!r} contains a quote, backslash, backtick or control character, "
                            "which cannot be passed to the notebook safely")
        else:
            problems.append(f"{where}: {err.message}")
    if problems:
        raise ParameterError(problems)
    return {**defaults, **params}


def load(path: str | Path) -> dict[str, Any]:
    """Read a params YAML file (agency codes such as "0012" stay text when quoted)."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ParameterError([f"{p}: cannot read parameters: {e}"]) from None
    if not isinstance(data, dict):
        raise ParameterError([f"{p}: a params file must be a mapping of name: value"])
    return validate(data)
