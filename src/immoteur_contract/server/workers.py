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
import threading
import time
from collections.abc import Callable
from types import FrameType

__all__ = ["STOP_GRACE", "run_workers"]

STOP_GRACE = 10.0
"""Seconds a worker whose parent died has to stop gracefully before it exits outright."""

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
    lifeline = os.pipe()  # the parent holds the writing end until it ends
    try:
        for index in range(count):
            workers[_fork(serve, index, lifeline)] = index
        while workers:
            pid, status = os.wait()
            index = workers.pop(pid)
            if not stopping:
                _logger.warning("worker %d ended (status %d); starting another", pid, status)
                workers[_fork(serve, index, lifeline)] = index
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for end in lifeline:
            os.close(end)
    return 0


def _fork(serve: Callable[[int], None], index: int, lifeline: tuple[int, int]) -> int:
    """Start worker `index`; in the child, watch the parent's `lifeline`, run `serve(index)`
    with the default signal handlers (the server installs its own) and exit without
    returning."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        _watch_parent(lifeline)
        serve(index)
        status = 0
    finally:
        logging.shutdown()
        os._exit(status)


def _watch_parent(lifeline: tuple[int, int]) -> None:
    """In a worker: close the pipe's writing end and wait, in a daemon thread, for end-of-file,
    which comes when the parent (the last holder of the writing end) has ended; then stop."""
    reading, writing = lifeline
    os.close(writing)

    def wait_for_parent() -> None:
        while True:
            try:
                if not os.read(reading, 1):
                    break
            except InterruptedError:
                continue
        _logger.warning("the parent process ended; worker %d stops", os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_GRACE)
        os._exit(1)

    threading.Thread(target=wait_for_parent, name="parent-watch", daemon=True).start()


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
