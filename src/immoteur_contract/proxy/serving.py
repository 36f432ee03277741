"""The proxy's listening side: the client connections it admits, its upstream pool, and its
graceful stop; served in the foreground (the `proxy` command) or in a thread (the pytest
fixture and the tests).

Stopping closes the listener and the idle connections at once, lets the exchanges in flight
finish for up to `GRACE_SECONDS` (their answers say `Connection: close`), then closes the rest:
every exchange that started is recorded, finished or not. Client connections are bounded in
number (past `max_connections` a new one is answered 503 and closed) and in idle time.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from ..server.listener import BACKLOG, bind_listener
from ..server.serving import fastest_loop, settle_garbage_collector
from .bounded import DEFAULT_BODY_LIMIT, CaptureBudget
from .downstream import ClientConnection
from .exchange import Seen
from .forwarding import Upstream
from .upstream import UpstreamPool

__all__ = ["GRACE_SECONDS", "ExchangeSink", "ProxyServer", "serve_in_thread", "serve_until_stopped"]

GRACE_SECONDS = 5.0
"""How long exchanges in flight may take to finish once the proxy is asked to stop."""
_SWEEP_SECONDS = 1.0


class ExchangeSink(Protocol):
    """Where finished exchanges go: a `Recorder` (judged in a thread of this process) or a
    `JudgeProcess` (judged in a process of its own); called from the event loop's thread."""

    def next_index(self) -> int:
        """The number of an exchange that starts now."""
        ...

    def submit(self, seen: Seen) -> None:
        """Take a finished exchange (never blocks)."""
        ...


class ProxyServer:
    """Forwards to `upstream` and records every exchange in `recorder`. `verify`: True,
    False, or an SSLContext (--cacert) for an https:// upstream; `timeout`: the longest wait
    for the upstream between two reads."""

    def __init__(
        self,
        upstream: Upstream,
        recorder: ExchangeSink,
        *,
        verify: ssl.SSLContext | bool = True,
        timeout: float = 60.0,
        body_limit: int = DEFAULT_BODY_LIMIT,
        budget: CaptureBudget | None = None,
        max_connections: int = 2000,
        idle_timeout: float = 75.0,
    ) -> None:
        self.upstream = upstream
        self.recorder = recorder
        self.body_limit = body_limit
        self.budget = budget or CaptureBudget()
        self.pool = UpstreamPool(upstream.origin, verify=verify, timeout=timeout)
        self.host_header = self.pool.netloc.encode("idna")
        self.stopping = False
        self._max_connections = max_connections
        self._idle_timeout = idle_timeout
        self._connections: set[ClientConnection] = set()
        self._refused: set[ClientConnection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stop_asked = False

    def admit(self, connection: ClientConnection) -> bool:
        """Count a new client connection in; False when there are too many (it is answered 503,
        and closed once the client has read that, or when the serving stops)."""
        if len(self._connections) >= self._max_connections:
            self._refused.add(connection)
            return False
        self._connections.add(connection)
        return True

    def leave(self, connection: ClientConnection) -> None:
        self._connections.discard(connection)
        self._refused.discard(connection)

    def stop(self) -> None:
        """Ask the serving to end (from any thread)."""
        self._stop_asked = True
        loop, event = self._loop, self._stop
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop just closed
                loop.call_soon_threadsafe(event.set)

    async def serve(
        self, listener: socket.socket, *, started: Callable[[], None] = lambda: None
    ) -> None:
        """Accept on `listener` until `stop`, then stop gracefully."""
        loop = self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stop_asked:
            self._stop.set()
        server = await loop.create_server(
            lambda: ClientConnection(self), sock=listener, backlog=BACKLOG
        )
        sweeper = loop.create_task(self._sweep())
        started()
        try:
            await self._stop.wait()
        finally:
            self.stopping = True
            server.close()
            sweeper.cancel()
            await self._wind_down()
            await self.pool.aclose()

    async def _wind_down(self) -> None:
        for connection in list(self._refused):
            connection.close()
        for connection in list(self._connections):
            if not connection.forwarding:
                connection.close()
        deadline = time.monotonic() + GRACE_SECONDS
        while any(c.forwarding for c in self._connections) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self._connections):
            connection.close()
        for _ in range(100):  # their connection_lost runs: what started is recorded
            if not self._connections and not self._refused:
                return
            await asyncio.sleep(0.01)

    async def _sweep(self) -> None:
        """Close client connections idle (nothing forwarded, nothing read) for too long."""
        while True:
            await asyncio.sleep(_SWEEP_SECONDS)
            now = time.monotonic()
            for connection in list(self._connections):
                if not connection.forwarding and now - connection.last_active > self._idle_timeout:
                    connection.close()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed (the `server` extra brings it), else asyncio's."""
    if fastest_loop() != "uvloop":
        return None
    import uvloop

    return uvloop.new_event_loop


def serve_until_stopped(server: ProxyServer, listener: socket.socket) -> None:
    """Serve in the foreground (the main thread) until SIGINT, SIGTERM or `server.stop()`,
    and return normally in each case, so that the caller writes its report."""
    settle_garbage_collector()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stop)
        try:
            await server.serve(listener)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())


@contextlib.contextmanager
def serve_in_thread(
    server: ProxyServer, *, host: str, start_timeout: float = 10.0
) -> Iterator[int]:
    """Serve on a free port of `host` in a daemon thread; yield the port once it listens
    (RuntimeError when it does not within `start_timeout` seconds); stop on exit."""
    listener = bind_listener(host, 0)
    port: int = listener.getsockname()[1]
    listening = threading.Event()

    def run() -> None:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(server.serve(listener, started=listening.set))

    thread = threading.Thread(
        target=run,
        name="immoteur-proxy",
        daemon=True,
    )
    thread.start()
    try:
        if not listening.wait(start_timeout):
            raise RuntimeError("the proxy did not start")
        yield port
    finally:
        server.stop()
        thread.join(GRACE_SECONDS + 5)
        listener.close()
