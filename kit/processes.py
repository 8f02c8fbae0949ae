"""Process hygiene: nothing a batch starts outlives it, however it ends.

- :func:`die_with_parent` asks Linux to kill this process when its parent dies (``PR_SET_PDEATHSIG``):
  a pool worker when the batch dies, a kernel when the process that started it dies. SIGKILL, not a
  signal with a handler: a dying worker runs no code that could get stuck.
- :func:`stop_on_signals` turns SIGTERM and SIGINT in the batch's main thread into
  :class:`kit.errors.BatchStopped`, so the batch can stop its workers and kernels, keep what it
  finished and record the rest as not done.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from typing import Callable, Iterator

from .errors import BatchStopped

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL, parent: int | None = None) -> None:
    """Get ``sig`` when the parent process dies (Linux); exit at once if it already has (``parent``)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if parent is not None and os.getppid() != parent:  # the parent died before we asked
        os._exit(128 + int(sig))


def kernel_preexec(parent: int) -> Callable[[], None]:
    """A ``preexec_fn`` for a kernel: SIGKILL when the process that starts it (``parent``) dies."""
    return lambda: die_with_parent(signal.SIGKILL, parent)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT raise BatchStopped (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise BatchStopped(signal.Signals(signum).name, int(signum))

    old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
