"""A reference server for the documentation's examples, started as `make mock` would start it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .examples import DOCS_TOKEN, ROOT

_START_DEADLINE = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the reference server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the reference server did not listen on port {port} in time")


@pytest.fixture(scope="session")
def docs_server_address() -> Iterator[str]:
    """`immoteur-contract mock --allow-prefer` on a free loopback port, token DOCS_TOKEN."""
    port = _free_port()
    command = Path(sys.executable).with_name("immoteur-contract")
    env = {**os.environ, "IMMOTEUR_MOCK_TOKEN": DOCS_TOKEN}
    process = subprocess.Popen(
        [str(command), "mock", "--port", str(port), "--allow-prefer", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, process, time.monotonic() + _START_DEADLINE)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
