"""xxgk-kit: Chinese government information-disclosure annual reports as checked data and reports.

The public API is listed in ``__all__``; heavy modules (pandas, matplotlib, nbconvert) load only
when one of their names is first used, so the command line starts fast.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import (FormatError, InputError, KitError, NotFound, ParameterError, RenderError,
                     StoreError, UnsupportedInput)
from .model import Finding, Provenance, Report
from .schema import get_format, version_for_year

__version__ = "0.1.0"

_LAZY = {
    "read_file": "readers", "read_text": "readers.text",
    "Store": "store",
    "load_report": "data", "table_frame": "data", "history_frame": "data", "peers_frame": "data",
    "headline": "data", "yearly": "data", "peer_reports": "data", "year_frame": "data", "tidy_frame": "data",
    "narrative_section": "sections", "history_section": "sections", "peers_section": "sections",
    "previous_report": "sections", "sentences": "narrative", "pivot_cell": "data", "findings_frame": "data",
    "write_template": "excel", "export_workbook": "excel",
    "use_chinese_font": "charts", "applications_chart": "charts", "figure_html": "charts",
    "title_block": "layout", "section_html": "layout", "table_html": "layout", "findings_html": "layout",
    "provenance_html": "layout",
    "render": "render", "execute": "render", "export": "render",
    "validate_parameters": ("params", "validate"), "load_parameters": ("params", "load"),
    "safe_name": "names", "output_dir": "names",
    "make_demo": ("demo", "write_demo"),
    "check_report": "review", "check_store": "review", "Registry": "registry",
    "run_checks": "checks", "Context": "checks", "rules": "checks",
}

__all__ = [
    "__version__", "KitError", "InputError", "UnsupportedInput", "FormatError", "StoreError", "NotFound",
    "ParameterError", "RenderError", "Finding", "Provenance", "Report", "get_format", "version_for_year",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    value = getattr(import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
