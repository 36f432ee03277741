"""`mock --workers N` (server/workers.py): the workers end with their parent, whatever ends it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from .conftest import TOKEN
from .live import LOOPBACK, mock_process

DEADLINE = 60.0
"""Seconds a wait below may take before the test fails (a hung worker fails it, never hangs it)."""


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_end_when_their_parent_is_killed_and_free_the_port(tmp_path: Path) -> None:
    with mock_process(
        ["--workers", "2", "--store", str(tmp_path / "reports.db")],
        {"IMMOTEUR_MOCK_TOKEN": TOKEN},
    ) as mock:
        mock.wait_ready()
        port = urlsplit(mock.base_url).port
        assert port is not None
        workers = _children(mock.process.pid)
        assert len(workers) == 2
        try:
            os.kill(mock.process.pid, signal.SIGKILL)
            mock.process.wait(timeout=DEADLINE)
            mock.stop()  # collects the dead parent's output and closes its pipes
            deadline = time.monotonic() + DEADLINE
            while any(map(_alive, workers)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(map(_alive, workers)), "a worker outlived its parent"
            assert _port_is_free(port)
        finally:
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
