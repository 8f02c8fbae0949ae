"""Deterministic fault injection for the crash tests; inert unless ``XXGK_FAULT`` is set.

``XXGK_FAULT=<point>:<n>`` kills this process with SIGKILL, as a power cut or ``kill -9`` would, the
n-th time it passes ``point``, so a crash test hits the same moment on every run instead of
sleeping a random time and hoping; ``<point>:<n>:TERM`` (or ``:INT``) sends that signal instead, as a
``timeout``, a shutdown or Ctrl-C would. The points:

- ``store.write``: inside a report's transaction, its report row and cells written, its sections and
  findings not yet;
- ``store.commit``: right after a report's transaction committed;
- ``batch.job``: right after a finished job was recorded in the batch's journal.
"""
from __future__ import annotations

import os
import signal

from .errors import ConfigError

POINTS = ("store.write", "store.commit", "batch.job")
_passed: dict[str, int] = {}


SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM, "INT": signal.SIGINT}


def planned() -> tuple[str, int, signal.Signals] | None:
    """The point, count and signal ``XXGK_FAULT`` names, None when unset; a malformed value is a ConfigError."""
    spec = os.environ.get("XXGK_FAULT")
    if not spec:
        return None
    parts = spec.split(":")
    target, count, sig = (parts + ["KILL"])[:3] if len(parts) in (2, 3) else ("", "", "")
    if target not in POINTS or not count.isdigit() or int(count) < 1 or sig not in SIGNALS:
        raise ConfigError(f"XXGK_FAULT={spec!r}: expected <point>:<n>[:KILL|TERM|INT], n >= 1, with a point among "
                          f"{', '.join(POINTS)}")
    return target, int(count), SIGNALS[sig]


def point(name: str) -> None:
    """Mark a moment; the process gets its signal here when ``XXGK_FAULT`` names this point and count."""
    fault = planned()
    if fault is None or fault[0] != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] == fault[1]:
        os.kill(os.getpid(), fault[2])
