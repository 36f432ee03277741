"""A real uvicorn reference server on a free loopback port, for the runner's tests."""

from __future__ import annotations

import contextlib
import ipaddress
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from immoteur_contract.server import free_port

__all__ = ["closed_port", "live_reference_server", "own_address"]

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
    (loopback, or this machine's own address for "remote" rules); yield its base URL."""
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
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def own_address() -> str | None:
    """This machine's own first non-loopback IPv4 address (`hostname -I`), or None: the only
    non-loopback host a test may send to."""
    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    for word in found.stdout.split():
        try:
            address = ipaddress.ip_address(word)
        except ValueError:
            continue
        if address.version == 4 and not address.is_loopback:
            return word
    return None
