"""`--workers N`: N forked processes serving one listening socket, and the parent that minds them.

Each worker builds its own app and its own store connection after the fork (a SQLite connection
must not cross a fork), then serves the inherited socket; the kernel hands each new connection to
one of them. The reports are shared through the SQLite file, whose one-transaction-per-insert
keeps "acknowledged means stored, once" across processes. The parent only forwards SIGTERM and
SIGINT to the workers, replaces a worker that dies on its own, and returns once all have stopped.
Faults such as --rate-limit count per worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable
from types import FrameType

__all__ = ["run_workers"]

_logger = logging.getLogger("immoteur_contract.server")


def run_workers(serve: Callable[[], None], count: int) -> int:
    """Fork `count` processes running `serve()`; 0 once all stopped after a signal."""
    workers: set[int] = set()
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in workers:
            _signal(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(count):
            workers.add(_fork(serve))
        while workers:
            pid, status = os.wait()
            workers.discard(pid)
            if not stopping:
                _logger.warning("worker %d ended (status %d); starting another", pid, status)
                workers.add(_fork(serve))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _fork(serve: Callable[[], None]) -> int:
    """Start one worker; in the child, run `serve()` with the default signal handlers (the
    server installs its own) and exit without returning."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        serve()
        status = 0
    finally:
        logging.shutdown()
        os._exit(status)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
