"""Deterministic fault injection for the crash tests; inert unless ``XXGK_FAULT`` is set.

``XXGK_FAULT=<point>:<n>`` kills this process with SIGKILL, as a power cut or ``kill -9`` would, the
n-th time it passes ``point``, so a crash test hits the same moment on every run instead of
sleeping a random time and hoping. The points:

- ``store.write``: inside a report's transaction, its rows written, before the commit;
- ``store.commit``: right after a report's transaction committed;
- ``batch.job``: right after a finished job was recorded in the batch's journal.
"""
from __future__ import annotations

import os
import signal

from .errors import ConfigError

POINTS = ("store.write", "store.commit", "batch.job")
_passed: dict[str, int] = {}


def point(name: str) -> None:
    """Mark a moment; dies here when ``XXGK_FAULT`` names this point and its count is reached."""
    spec = os.environ.get("XXGK_FAULT")
    if not spec:
        return
    target, _, count = spec.rpartition(":")
    if target not in POINTS or not count.isdigit():
        raise ConfigError(f"XXGK_FAULT={spec!r}: expected <point>:<n> with a point among {', '.join(POINTS)}")
    if target != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] == int(count):
        os.kill(os.getpid(), signal.SIGKILL)
