"""A real uvicorn reference server on a free loopback port, for the runner's tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

__all__ = ["closed_port", "live_reference_server"]

_SERVE = (
    "import sys, uvicorn\n"
    "from immoteur_contract.server import reference_app\n"
    "uvicorn.run(reference_app(sys.stdin.readline().strip()), host='127.0.0.1',"
    " port=int(sys.argv[1]), log_level='warning', access_log=False)\n"
)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


@contextlib.contextmanager
def live_reference_server(token: str) -> Iterator[str]:
    """Serve the reference server accepting `token` (passed on stdin, never on the command
    line); yield its API base URL (`http://127.0.0.1:PORT/public/v1`, used as given)."""
    port = closed_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(port)], stdin=subprocess.PIPE, text=True
    )
    assert process.stdin is not None
    process.stdin.write(token + "\n")
    process.stdin.close()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the reference server did not start") from None
                time.sleep(0.1)
        yield url + CONTRACT.base_path
    finally:
        process.terminate()
        process.wait(timeout=10)
