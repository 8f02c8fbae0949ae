"""Settings from the environment, read and checked in one place.

The limits on untrusted input: ``XXGK_MAX_BYTES`` (a file, 50 MB), ``XXGK_MAX_UNPACKED`` (a DOCX or
XLSX archive unpacked, 200 MB), ``XXGK_PDF_PAGES`` (200) and ``XXGK_PDF_SECONDS`` (60). A value
that is not a whole number of at least 0 is a :class:`kit.errors.ConfigError` naming the variable:
a limit silently replaced by its default would let through what the user meant to refuse.
"""
from __future__ import annotations

import os

from .errors import ConfigError

LIMITS: dict[str, tuple[int, str]] = {
    "XXGK_MAX_BYTES": (50 * 1024 * 1024, "bytes a report file may have"),
    "XXGK_MAX_UNPACKED": (200 * 1024 * 1024, "bytes a DOCX/XLSX archive may unpack to"),
    "XXGK_PDF_PAGES": (200, "pages a PDF may have"),
    "XXGK_PDF_SECONDS": (60, "seconds reading one PDF may take (0: no limit)"),
}


def limit(name: str) -> int:
    """The value of one limit: its environment variable, else its default."""
    default, what = LIMITS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"{name}={raw!r}: expected a whole number of {what} (default {default})")
    return value


def check_limits() -> dict[str, int]:
    """Every limit, checked (the CLI does this before any command runs)."""
    return {name: limit(name) for name in LIMITS}
