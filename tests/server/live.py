"""The mock command as a subprocess on a free loopback port, for the server's tests."""

from __future__ import annotations

import os
import resource
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from immoteur_contract.server import free_port

__all__ = ["MockProcess", "free_port", "mock_process"]

LOOPBACK = "127.0.0.1"


@dataclass
class MockProcess:
    """A running `immoteur-contract mock`; `stop()` ends it and returns (stdout, stderr)."""

    process: subprocess.Popen[str]
    base_url: str
    stdout_lines: list[str] = field(default_factory=list)

    def readline(self, timeout: float = 30.0) -> str:
        """One line of stdout, waiting at most `timeout` seconds."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError("no output from the mock command")
        line = self.process.stdout.readline()
        self.stdout_lines.append(line)
        return line

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll the inspection API until it answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the mock command exited with {self.process.returncode}")
            try:
                httpx.get(f"{self.base_url}/_mock/reports", timeout=2).raise_for_status()
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError("the mock command did not start listening")

    def stop(self) -> tuple[str, str]:
        """SIGTERM, then collect the output."""
        self.process.terminate()
        stdout, stderr = self.process.communicate(timeout=30)
        return "".join(self.stdout_lines) + stdout, stderr


@contextmanager
def mock_process(
    args: Sequence[str], env: Mapping[str, str], *, max_open_files: int | None = None
) -> Iterator[MockProcess]:
    """`python -m immoteur_contract.cli mock --port <free> *args` with exactly `env` added to a
    copy of this process's environment (IMMOTEUR_MOCK_TOKEN removed unless given), its
    descriptor limit (RLIMIT_NOFILE) lowered to `max_open_files` when given."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if k != "IMMOTEUR_MOCK_TOKEN"} | dict(env)
    full_env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "immoteur_contract.cli", "mock", "--port", str(port), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        preexec_fn=None if max_open_files is None else lambda: _limit_files(max_open_files),
    )
    mock = MockProcess(process, f"http://{LOOPBACK}:{port}")
    try:
        yield mock
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def _limit_files(count: int) -> None:
    """In the child before exec: at most `count` open descriptors (soft and hard)."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))
