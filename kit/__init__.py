"""xxgk-kit: Chinese government information-disclosure annual reports as checked data and reports.

The public API is listed in ``__all__``; heavy modules (pandas, matplotlib, nbconvert) load only
when one of their names is first used, so the command line starts fast.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import (FormatError, InputError, KitError, NotFound, ParameterError, RenderError,
                     ReviewError, StoreError, UnsupportedInput)
from .model import Finding, Provenance, Report
from .schema import get_format, version_for_year

__version__ = "0.1.0"

_LAZY = {
    "read_file": "readers", "read_text": "readers.text",
    "Store": "store",
    "check_report": "findings", "check_store": "findings", "Registry": "registry",
    "run_checks": "checks", "Context": "checks", "rules": "checks",
    "load_report": "report.data", "table_frame": "report.data", "history_frame": "report.data",
    "peers_frame": "report.data", "peer_reports": "report.data", "tidy_frame": "report.data",
    "pivot_cell": "report.data",
    "findings_frame": "report.data",
    "narrative_section": "report.sections", "history_section": "report.sections", "peers_section": "report.sections",
    "previous_report": "report.sections", "sentences": "report.narrative",
    "write_template": "report.excel", "export_workbook": "report.excel",
    "use_chinese_font": "report.charts", "applications_chart": "report.charts", "figure_html": "report.charts",
    "title_block": "report.layout", "section_html": "report.layout", "table_html": "report.layout",
    "findings_html": "report.layout", "provenance_html": "report.layout", "summary_bundle": "report.layout",
    "render": "report.render", "execute": "report.render", "export": "report.render",
    "validate_parameters": ("report.params", "validate"),
    "safe_name": "report.names", "output_dir": "report.names",
    "write_demo": "demo",
    "review_report": "review", "decisions": "review",
    "comparison_html": "report.compare", "write_report_docx": "report.docx",
}

__all__ = [
    "__version__", "KitError", "InputError", "UnsupportedInput", "FormatError", "StoreError", "NotFound",
    "ParameterError", "RenderError", "ReviewError", "Finding", "Provenance", "Report", "get_format", "version_for_year",
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
