"""A network backend that ends every wait by a deadline: the one bound on a server that drips.

httpx's timeouts bound each phase and the gap between two reads, not a request: a server that
sends one byte a second (in its headers or its body) never times out. `DeadlineBackend` wraps
httpcore's network backend and gives every connect, TLS handshake, read and write only what is
left before the deadline its owner names, so a request ends by then whatever the server sends.

Two owners name the deadline: the runner's guarded transport sets `deadline` before each
request; the client facade's backend reads the current call's from a context variable (so that
threads sharing a client keep theirs apart), by overriding `current_deadline`.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore

__all__ = ["DeadlineBackend"]


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes wait no longer than its backend's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: DeadlineBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._backend.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, left), self._backend
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend `inner`, with the deadline (a `time.monotonic()` value, None:
    none) cutting every wait short; a wait asked for once it passed raises httpcore's timeout
    of that step, its message `passed`."""

    def __init__(self, inner: httpcore.NetworkBackend, *, passed: str) -> None:
        self._inner = inner
        self._passed = passed
        self.deadline: float | None = None

    def current_deadline(self) -> float | None:
        """The deadline of the request under way: `deadline`, as its owner set it."""
        return self.deadline

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The shorter of `timeout` and what is left before the deadline; `error` once past."""
        deadline = self.current_deadline()
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise error(self._passed)
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        left = self.left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        left = self.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options), self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
