"""Time limits for reading one file, in any thread or process.

``within(path, seconds, setting)`` gives this thread a deadline; the readers call :func:`check`
between pages, tables, cell bands and split combinations, so an overrun stops at the next of them
with an :class:`kit.errors.InputError` naming the file and the limit. On the main thread an alarm
(SIGALRM) also interrupts the code between those checks, as far as Python can be interrupted.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time
from typing import Iterator

from ..errors import InputError

clock = time.monotonic  # the tests replace it, to make time pass at a chosen check
_local = threading.local()


def _overrun(seconds: int, setting: str) -> str:
    return f"reading took longer than the limit of {seconds} s ({setting})"


@contextlib.contextmanager
def within(path: str, seconds: int, setting: str) -> Iterator[None]:
    """Read ``path`` within ``seconds`` (0: no limit); ``setting`` names the limit in the error."""
    if seconds <= 0:
        yield
        return
    before = getattr(_local, "deadline", None)
    _local.deadline = (clock() + seconds, path, seconds, setting)
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        def expire(signum: int, frame: object) -> None:
            raise InputError(path, _overrun(seconds, setting))

        old = signal.signal(signal.SIGALRM, expire)
        signal.alarm(seconds)
    try:
        yield
    finally:
        if alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        _local.deadline = before


def check() -> None:
    """Raise the overrun error when this thread's reading has passed its deadline."""
    current = getattr(_local, "deadline", None)
    if current is not None and clock() > current[0]:
        _, path, seconds, setting = current
        raise InputError(path, _overrun(seconds, setting))
