"""The socket side of a run against a base URL: a total deadline per request, bounded answers,
the CA bundle and the proxy.

httpx's timeouts bound each phase and the gap between two reads, so a target that drips one byte
a second (in its headers or its body) is never timed out. The transport's `DeadlineBackend`
(`immoteur_contract.deadline`) gives every connect, read and write only what is left of the
request's deadline, so a request ends by its deadline whatever the target sends. Headers are
bounded by h11 (httpcore sets `max_incomplete_event_size` to 100 KiB: a larger header block is a
protocol error); bodies by `read_bounded`, which stops reading past the limit and closes the
connection.

The certificate authorities are httpx's: certifi's bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`
when set, or `--cacert PATH`. The proxy comes from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`,
minus the hosts of `NO_PROXY` (urllib's reading of them, the one httpx follows too).
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx

from ..deadline import DeadlineBackend

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_REQUEST_TIMEOUT",
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
    backend = DeadlineBackend(pool._network_backend, passed="the request's deadline passed")
    pool._network_backend = backend
    return transport, backend


def read_bounded(response: httpx.Response, limit: int) -> bytes:
    """The raw body of a streamed `response`, at most `limit` bytes; past it (raw or decoded)
    the response is closed, its connection dropped, and TooLargeError raised."""
    if isinstance(response.stream, httpx.ByteStream):  # built in memory (in-process, mocks)
        raw = b"".join(_within(response.stream, limit))  # the bytes as given, not yet decoded
    else:
        try:
            raw = b"".join(_within(response.iter_raw(_CHUNK), limit))
        finally:
            response.close()
    if "content-encoding" in response.headers:
        _check_decoded(response, raw, limit)
    return raw


def _within(chunks: Iterable[bytes], limit: int, once: str = "") -> Iterator[bytes]:
    """`chunks` passed on while their total stays within `limit` bytes; TooLargeError (its
    message ending with `once`) at the first chunk past it."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise TooLargeError(f"an answer body over {limit:,} bytes{once}")
        yield chunk


def _check_decoded(response: httpx.Response, raw: bytes, limit: int) -> None:
    """TooLargeError when `raw`, decoded by its Content-Encoding, is over `limit` bytes (a
    compressed bomb), decoding chunk by chunk and keeping nothing."""
    probe = httpx.Response(response.status_code, headers=response.headers, content=raw)
    try:
        for _ in _within(probe.iter_bytes(_CHUNK), limit, " once decoded"):
            pass
    except httpx.DecodingError:
        return  # the client meets the same error when it decodes the body, and says so
