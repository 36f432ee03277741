"""The socket side of a run against a base URL: a total deadline per request, bounded answers,
the CA bundle and the proxy.

httpx's timeouts bound each phase and the gap between two reads, so a target that drips one byte
a second (in its headers or its body) is never timed out. `DeadlineBackend` wraps httpcore's
network backend and gives every connect, read and write only what is left of the request's
deadline, so a request ends by its deadline whatever the target sends. Headers are bounded by
h11 (httpcore sets `max_incomplete_event_size` to 100 KiB: a larger header block is a protocol
error); bodies by `read_bounded`, which stops reading past the limit and closes the connection.

The certificate authorities are httpx's: certifi's bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`
when set, or `--cacert PATH`. The proxy comes from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`,
minus the hosts of `NO_PROXY` (urllib's reading of them, the one httpx follows too).
"""

from __future__ import annotations

import ssl
import time
import typing
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import httpcore
import httpx

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_REQUEST_TIMEOUT",
    "DeadlineBackend",
    "TooLargeError",
    "network_transport",
    "proxy_for",
    "read_bounded",
]

DEFAULT_MAX_BODY = 1024 * 1024
"""Largest answer body read (1 MiB): the contract's answers are a few hundred bytes."""
DEFAULT_REQUEST_TIMEOUT = 30.0
"""Seconds one request may take in all: connect, send, wait and read."""
_CHUNK = 64 * 1024


class TooLargeError(Exception):
    """The answer's body went past the size limit: it was not read further, nor judged."""


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes wait no longer than the backend's deadline."""

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

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, with `deadline` (a `time.monotonic()` value, None: none)
    cutting every wait short. The guarded transport sets it before each request."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner
        self.deadline: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The shorter of `timeout` and what is left before the deadline; `error` once past."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the request's deadline passed")
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


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, in
    either case), None when there is none or NO_PROXY lists the host."""
    parts = httpx.URL(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.netloc.decode()):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def network_transport(
    base_url: str, *, cacert: Path | None = None
) -> tuple[httpx.HTTPTransport, DeadlineBackend]:
    """The transport to a real target at `base_url`, and the deadline backend it sends through:
    no retries of its own (the guarded transport decides), the CA bundle `cacert` (else httpx's:
    certifi, or SSL_CERT_FILE / SSL_CERT_DIR), the environment's proxy for `base_url`."""
    verify: ssl.SSLContext | bool = True
    if cacert is not None:
        verify = ssl.create_default_context(cafile=str(cacert))
    transport = httpx.HTTPTransport(verify=verify, retries=0, proxy=proxy_for(base_url))
    # httpx builds the pool without a way to pass a network backend: wrap the one it chose.
    pool = transport._pool
    backend = DeadlineBackend(pool._network_backend)
    pool._network_backend = backend
    return transport, backend


def read_bounded(response: httpx.Response, limit: int) -> bytes:
    """The raw body of a streamed `response`, at most `limit` bytes; past it (raw or decoded)
    the response is closed, its connection dropped, and TooLargeError raised."""
    if isinstance(response.stream, httpx.ByteStream):  # built in memory (in-process, mocks)
        raw = b"".join(response.stream)  # the bytes as given, not yet decoded
        if len(raw) > limit:
            raise TooLargeError(f"an answer body over {limit:,} bytes")
        if "content-encoding" in response.headers:
            _check_decoded(response, raw, limit)
        return raw
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_raw(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLargeError(f"an answer body over {limit:,} bytes")
            chunks.append(chunk)
    finally:
        response.close()
    raw = b"".join(chunks)
    if "content-encoding" in response.headers:
        _check_decoded(response, raw, limit)
    return raw


def _check_decoded(response: httpx.Response, raw: bytes, limit: int) -> None:
    """TooLargeError when `raw`, decoded by its Content-Encoding, is over `limit` bytes (a
    compressed bomb), decoding chunk by chunk and keeping nothing."""
    probe = httpx.Response(response.status_code, headers=response.headers, content=raw)
    size = 0
    try:
        for chunk in probe.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLargeError(f"an answer body over {limit:,} bytes once decoded")
    except httpx.DecodingError:
        return  # the client meets the same error when it decodes the body, and says so
