"""The reference server (or any ASGI app) on a free loopback port, in a thread: for tests of an
integration over real HTTP, without a separate process.

    with serving(reference_app(token)) as base_url:   # http://127.0.0.1:PORT/public/v1
        ...
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from ..rules import CONTRACT
from .asgi import ASGIApp

__all__ = ["LOOPBACK", "free_port", "is_loopback_host", "serving"]

LOOPBACK = "127.0.0.1"


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1, bracketed or not); any
    other name counts as not loopback, whatever it resolves to."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    """A loopback port that nothing listens on right now (bound, then released)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(app: ASGIApp, *, start_timeout: float = 10.0, host: str = LOOPBACK) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of `host` (default 127.0.0.1; another of this
    machine's IPv4 addresses only for tests of the rules for remote targets) in a daemon
    thread; yield the API base URL (`http://HOST:PORT/public/v1`) once it listens, and stop it
    on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="off", log_level="warning", access_log=False, ws="none", loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the loopback server did not start")
            time.sleep(0.01)
        yield f"http://{host}:{port}{CONTRACT.base_path}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
