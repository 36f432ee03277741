"""What bounds one `create` call: the size of the answer it reads and the time it may take.

httpx reads a whole body into memory, and its timeouts limit each step (connect, each read, each
write), not a request: a server that sends one byte a second never times out, and one that sends
gigabytes is read to the end. Two bounds close that:

- Size. A response event hook (`bound_body`, `bound_body_async`) replaces the response's stream,
  before httpx reads it, with one that stops at `limit` bytes and raises `BodyTooLarge`; httpx
  then closes the response, and so the connection. The answer is asked for uncompressed
  (`Accept-Encoding: identity`); a gzip or deflate answer sent anyway is decoded here, in steps
  that never produce more than the bytes left under the limit, so a small compressed body cannot
  expand past it. Any other content coding is passed on undecoded (and will not parse).
- Time. `DEADLINE` holds the monotonic time by which the call must end. `install_deadline` puts a
  network backend under an httpx client's connection pools whose every connect, TLS handshake,
  read and write waits at most until then, so a drip ends at the deadline whatever the gap
  between bytes; the body stream also checks it between chunks (which covers transports without
  a network, such as `httpx.MockTransport`). The async facade bounds each attempt with
  `anyio.fail_after` instead.

httpx takes no network backend as an argument, so `install_deadline` sets it on the pools of the
client's own transports (`httpx.HTTPTransport._pool._network_backend`, httpx 0.28); it returns
False when that layout is not there, and the facade logs a warning. A test guards the layout.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from ..deadline import DeadlineBackend

__all__ = [
    "DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BodyTooLarge",
    "DeadlinePassed",
    "bound_body",
    "bound_body_async",
    "deadline_passed",
    "install_deadline",
]

DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024
"""1 MiB: the contract's answers are a few hundred bytes."""

DEADLINE: ContextVar[float | None] = ContextVar("immoteur_client_deadline", default=None)
"""The `time.monotonic()` by which the current call must end; None: no deadline."""

_STEP = 64 * 1024
"""The most bytes a decompression step produces."""


class BodyTooLarge(httpx.ReadError):
    """The body passed the limit; reading stopped (an httpx.ReadError, so httpx closes the
    response and its connection as for any read failure)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer's body is larger than {limit} bytes")
        self.limit = limit


class DeadlinePassed(httpx.ReadTimeout):
    """The call's total deadline passed while the body was being read."""


def deadline_passed() -> bool:
    """True when the current call has a deadline and it has passed."""
    deadline = DEADLINE.get()
    return deadline is not None and time.monotonic() >= deadline


def _check_deadline() -> None:
    if deadline_passed():
        raise DeadlinePassed("the total deadline passed while reading the answer")


# -- the size bound --------------------------------------------------------------------------


class _Counter:
    """Counts body bytes and raises BodyTooLarge past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen = 0

    def room(self) -> int:
        """Bytes a decoder may still produce (one more than the limit allows, to detect it)."""
        return max(1, min(_STEP, self.limit - self.seen + 1))

    def take(self, chunk: bytes) -> bytes:
        self.seen += len(chunk)
        if self.seen > self.limit:
            raise BodyTooLarge(self.limit)
        return chunk


def _decompressor(coding: str) -> Any | None:
    """A zlib decompressor for a gzip or deflate coding; None for identity or unknown codings."""
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if coding == "deflate":  # zlib-wrapped, as RFC 9110 says; raw deflate is tried on error
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    return None


class _Inflater:
    """Decodes a gzip or deflate body in steps bounded by the counter's room."""

    def __init__(self, coding: str, counter: _Counter) -> None:
        self._coding = coding
        self._decoder: Any = _decompressor(coding)
        self._counter = counter
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._decoder.decompress(data, self._counter.room())
            except zlib.error as error:
                if self._coding == "deflate" and not self._started:
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise httpx.ReadError(f"the {self._coding} answer cannot be decoded") from error
            self._started = True
            yield self._counter.take(out)
            data = self._decoder.unconsumed_tail

    def finish(self) -> bytes:
        """What the decoder still holds once the body has ended (at most its window)."""
        try:
            return self._counter.take(self._decoder.flush())
        except zlib.error as error:
            raise httpx.ReadError(f"the {self._coding} answer cannot be decoded") from error


def _coding(response: httpx.Response) -> str:
    """The response's content coding, lowercased ('' for none); removes the header when the
    hook takes over decoding, so that httpx does not decode a second time."""
    coding = response.headers.get("content-encoding", "").strip().lower()
    if coding and coding != "identity":
        del response.headers["content-encoding"]
    return "" if coding == "identity" else coding


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, limit: int, coding: str) -> None:
        self._inner = inner
        self._counter = _Counter(limit)
        self._inflater = _Inflater(coding, self._counter) if _decompressor(coding) else None

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            _check_deadline()
            if self._inflater is None:
                yield self._counter.take(chunk)
            else:
                yield from self._inflater.feed(chunk)
        if self._inflater is not None:
            yield self._inflater.finish()

    def close(self) -> None:
        self._inner.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, coding: str) -> None:
        self._inner = inner
        self._counter = _Counter(limit)
        self._inflater = _Inflater(coding, self._counter) if _decompressor(coding) else None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            _check_deadline()
            if self._inflater is None:
                yield self._counter.take(chunk)
            else:
                for part in self._inflater.feed(chunk):
                    yield part
        if self._inflater is not None:
            yield self._inflater.finish()

    async def aclose(self) -> None:
        await self._inner.aclose()


def bound_body(response: httpx.Response, limit: int) -> None:
    """Make `response` (not read yet) read at most `limit` body bytes, decoded."""
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _BoundedStream(response.stream, limit, _coding(response))


def bound_body_async(response: httpx.Response, limit: int) -> None:
    """`bound_body` for an async client's response."""
    if isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncBoundedStream(response.stream, limit, _coding(response))


# -- the time bound --------------------------------------------------------------------------


class _DeadlineBackend(DeadlineBackend):
    """The backend under the facade's pools: its deadline is the current call's (`DEADLINE`)."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        super().__init__(inner, passed="the total deadline passed")

    def current_deadline(self) -> float | None:
        return DEADLINE.get()


def install_deadline(client: httpx.Client) -> bool:
    """Put the deadline backend under every pool of `client`'s own transports (the default one
    and the proxy mounts); False when a transport of httpx's own has not the expected layout.
    Transports passed in by the caller (mocks, ASGI) are left alone: the body check covers them."""
    transports = [client._transport, *client._mounts.values()]
    installed = True
    for transport in transports:
        if not isinstance(transport, httpx.HTTPTransport):
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if not isinstance(backend, httpcore.NetworkBackend):
            installed = False
            continue
        if not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return installed
