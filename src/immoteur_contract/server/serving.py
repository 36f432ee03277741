"""uvicorn serving an ASGI app, in the two ways the kit runs one: in a thread on a free port (for
tests of an integration over real HTTP, without a separate process), and in the foreground until
stopped (the `mock` and `proxy` commands).

    with serving(reference_app(token)) as base_url:   # http://127.0.0.1:PORT/public/v1
        ...
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import ipaddress
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

import uvicorn

from ..rules import CONTRACT
from .asgi import ASGIApp
from .listener import bind_listener

__all__ = [
    "LOOPBACK",
    "fastest_loop",
    "free_port",
    "is_loopback_host",
    "serve_until_stopped",
    "serving",
    "serving_thread",
    "settle_garbage_collector",
]

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


def fastest_loop() -> str:
    """uvicorn's `loop` setting: uvloop when it is installed, else asyncio."""
    return "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"


@contextlib.contextmanager
def serving(app: ASGIApp, *, start_timeout: float = 10.0, host: str = LOOPBACK) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of `host` (default 127.0.0.1; another of this
    machine's IPv4 addresses only for tests of the rules for remote targets) in a daemon
    thread; yield the API base URL (`http://HOST:PORT/public/v1`) once it listens, and stop it
    on exit."""
    config = uvicorn.Config(
        app, lifespan="off", log_level="warning", access_log=False, ws="none", loop="asyncio"
    )
    with serving_thread(config, host=host, start_timeout=start_timeout) as port:
        yield f"http://{host}:{port}{CONTRACT.base_path}"


@contextlib.contextmanager
def serving_thread(
    config: uvicorn.Config,
    *,
    host: str = LOOPBACK,
    start_timeout: float = 10.0,
    what: str = "the loopback server",
) -> Iterator[int]:
    """Run uvicorn with `config` on a free port of `host` in a daemon thread; yield the port
    once it listens (RuntimeError "`what` did not start" when it does not within
    `start_timeout` seconds), and stop it on exit."""
    sock = bind_listener(host, 0)  # TCP by name: asyncio sets TCP_NODELAY on what it accepts
    port: int = sock.getsockname()[1]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def serve_until_stopped(server: uvicorn.Server, listener: socket.socket) -> None:
    """Run `server` on `listener` in the foreground until SIGINT, SIGTERM or its `should_exit`,
    and return normally in each case, so that the caller closes what it holds (a store, a
    report) after uvicorn's graceful shutdown. The garbage collector is settled first."""
    settle_garbage_collector()
    restore = _stop_on_sigterm()
    try:
        server.run(sockets=[listener])
    except (_StoppedError, KeyboardInterrupt):
        pass  # uvicorn shut down gracefully, then re-raised the signal it caught
    finally:
        restore()


class _StoppedError(Exception):
    """Raised by the SIGTERM handler once uvicorn has shut down and passes the signal on."""


def _stop_on_sigterm() -> Callable[[], None]:
    """Make SIGTERM end the serving with an exception the caller catches (after uvicorn's
    graceful shutdown, which re-raises the signal it caught) instead of killing the process
    before it cleaned up; return the function that restores the previous handler. Only the
    main thread may set a handler: elsewhere, nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _StoppedError

    previous = signal.signal(signal.SIGTERM, stop)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def settle_garbage_collector() -> None:
    """Move everything loaded at start-up out of the collector's sight (gc.freeze) and collect
    the youngest generation less often: a request leaves almost no cycles, so the default
    thresholds only make the collector re-walk long-lived objects on the hot path."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
