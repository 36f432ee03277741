"""A real uvicorn reference server on a free loopback port, for the runner's tests."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

__all__ = ["closed_port", "live_reference_server", "own_remote_address"]


def own_remote_address() -> str | None:
    """One of this machine's own IPv4 addresses that is not loopback (`hostname -I`, else what
    the host name resolves to), for tests of the rules for remote targets: traffic to it never
    leaves the machine. None when the machine has none."""
    candidates: list[str] = []
    hostname = shutil.which("hostname")
    if hostname is not None:
        done = subprocess.run([hostname, "-I"], capture_output=True, text=True, check=False)
        candidates += done.stdout.split()
    with contextlib.suppress(OSError):
        candidates += socket.gethostbyname_ex(socket.gethostname())[2]
    for candidate in candidates:
        with contextlib.suppress(ValueError):
            address = ipaddress.ip_address(candidate)
            if address.version == 4 and not address.is_loopback:
                return candidate
    return None


_SERVE = (
    "import importlib, sys, uvicorn\n"
    "sys.path.insert(0, sys.argv[4])\n"
    "module, _, name = sys.argv[3].partition(':')\n"
    "factory = getattr(importlib.import_module(module), name)\n"
    "uvicorn.run(factory(sys.stdin.readline().strip()), host=sys.argv[2],"
    " port=int(sys.argv[1]), log_level='warning', access_log=False)\n"
)
REFERENCE_APP = "immoteur_contract.server:reference_app"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    return free_port()


@contextlib.contextmanager
def live_reference_server(
    token: str, host: str = "127.0.0.1", app: str = REFERENCE_APP
) -> Iterator[str]:
    """Serve the reference server (or the factory `app`, MODULE:ATTR, importable from this
    folder too) accepting `token` (passed on stdin, never on the command line) on `host`
    (loopback, or this machine's own address for "remote" rules); yield its API base URL
    (`http://HOST:PORT/public/v1`, used as given)."""
    port = closed_port()
    here = str(Path(__file__).parent)
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(port), host, app, here], stdin=subprocess.PIPE, text=True
    )
    assert process.stdin is not None
    process.stdin.write(token + "\n")
    process.stdin.close()
    url = f"http://{host}:{port}"
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
