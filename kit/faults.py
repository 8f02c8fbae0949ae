"""Deterministic fault injection for the crash tests; inert unless ``XXGK_FAULT`` is set.

``XXGK_FAULT=<point>:<n>`` kills this process with SIGKILL, as a power cut or ``kill -9`` would, the
n-th time it passes ``point``, so a crash test hits the same moment on every run instead of
sleeping a random time and hoping. The points:

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


def planned() -> tuple[str, int] | None:
    """The point and count ``XXGK_FAULT`` names, None when unset; a malformed value is a ConfigError."""
    spec = os.environ.get("XXGK_FAULT")
    if not spec:
        return None
    target, _, count = spec.rpartition(":")
    if target not in POINTS or not count.isdigit() or int(count) < 1:
        raise ConfigError(f"XXGK_FAULT={spec!r}: expected <point>:<n>, n >= 1, with a point among {', '.join(POINTS)}")
    return target, int(count)


def point(name: str) -> None:
    """Mark a moment; dies here when ``XXGK_FAULT`` names this point and its count is reached."""
    fault = planned()
    if fault is None or fault[0] != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] == fault[1]:
        os.kill(os.getpid(), signal.SIGKILL)
