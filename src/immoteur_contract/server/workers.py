"""`--workers N`: N forked processes, each serving its own listening socket, and their parent.

Each worker builds its own app and its own store connection after the fork (a SQLite connection
must not cross a fork), then serves the socket of its index, bound before the fork with
SO_REUSEPORT so that the kernel spreads new connections evenly over the workers. The reports are
shared through the SQLite file, whose committed transactions keep "acknowledged means stored,
once" across processes. The parent only forwards SIGTERM and
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


def run_workers(serve: Callable[[int], None], count: int) -> int:
    """Fork `count` processes running `serve(index)`, index 0 to count-1 (a worker that dies is
    replaced with the same index); 0 once all stopped after a signal."""
    workers: dict[int, int] = {}
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in workers:
            _signal(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for index in range(count):
            workers[_fork(serve, index)] = index
        while workers:
            pid, status = os.wait()
            index = workers.pop(pid)
            if not stopping:
                _logger.warning("worker %d ended (status %d); starting another", pid, status)
                workers[_fork(serve, index)] = index
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _fork(serve: Callable[[int], None], index: int) -> int:
    """Start worker `index`; in the child, run `serve(index)` with the default signal handlers
    (the server installs its own) and exit without returning."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        serve(index)
        status = 0
    finally:
        logging.shutdown()
        os._exit(status)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
