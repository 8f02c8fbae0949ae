"""The region notebook's parameters: a JSON Schema, checked before any kernel starts (like the agency
notebook's, :mod:`kit.report.params`). A params file with a ``region`` key is a region job."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..report.params import PATH, SAFE_TEXT, checked

SECTIONS = ["coverage", "rollup", "findings", "copying", "scores", "trend"]
DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["region", "year"],
    "properties": {
        "region": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": SAFE_TEXT},
        "year": {"type": "integer", "minimum": 2008, "maximum": 2100},
        "store": PATH,
        "registry": PATH,
        "scoring": PATH,
        "deadline": {"type": ["string", "null"], "pattern": DATE},
        "notice_date": {"type": ["string", "null"], "pattern": DATE},
        "correct_by": {"type": ["string", "null"], "pattern": DATE},
        "issuer": {"type": ["string", "null"], "pattern": SAFE_TEXT, "maxLength": 200},
        "outputs": PATH,
        "notice": {"type": "boolean"},
        "sections": {"type": "array", "uniqueItems": True, "items": {"enum": SECTIONS}},
    },
}
DEFAULTS: dict[str, Any] = {"store": None, "registry": None, "scoring": None, "deadline": None, "notice_date": None,
                            "correct_by": None, "issuer": None, "outputs": None, "notice": True, "sections": SECTIONS}


def validate(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters with defaults filled in; raises ParameterError naming every bad parameter."""
    return checked(params, SCHEMA, DEFAULTS)


def is_region(path: str | Path) -> bool:
    """Whether a params file is a region job (it names a ``region``)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "region" in data
