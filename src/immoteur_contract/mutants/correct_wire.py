"""Correct servers that differ from the reference server only on the wire: compressed bodies
(when the request accepts them), chunked transfer, `Connection: close`, slow answers.

They exist only over a real socket (an in-process ASGI target never frames or encodes), so the
mutants command serves them over loopback (served.py): "transport" in the catalog.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import itertools
import re
import zlib
from collections.abc import Callable
from typing import Any

import brotli
import zstandard

from ..server.asgi import ASGIApp, Message, Receive, Scope, Send
from .bodies import example
from .correct_servers import Transform, correct_server, rewriting
from .exchange import Request, Response
from .registry import Witness

__all__ = ["LATENCY_SECONDS"]

_VALID = Witness(json=example("data"))
_TWO_FAULTS = Witness(
    json=example("data", propertyIds=["not-a-uuid"], issueFacets=[]), expect=(422,)
)


# -- content codings, when the request accepts them -------------------------------------------

_COMPRESS: dict[str, Callable[[bytes], bytes]] = {  # at the levels web servers commonly use
    "gzip": functools.partial(gzip.compress, compresslevel=6),
    "deflate": functools.partial(zlib.compress, level=6),  # HTTP's deflate is zlib (RFC 9110)
    "br": functools.partial(brotli.compress, quality=5),
    "zstd": zstandard.ZstdCompressor(level=3).compress,
}
_REFUSED = re.compile(r"^q=0(\.0{0,3})?$")


def _accepts(request: Request, coding: str) -> bool:
    """Whether the request's Accept-Encoding lists `coding` with a non-zero weight."""
    for item in (request.header("accept-encoding") or "").split(","):
        token, _, params = item.partition(";")
        if token.strip().lower() == coding:
            return not _REFUSED.match(params.replace(" ", "").lower())
    return False


def _compressing() -> Transform:
    """Each answer with a body compressed with the next coding, in turn, of those the request
    accepts (so that one run meets every coding on every kind of answer)."""
    turn = itertools.count()

    def transform(request: Request, response: Response) -> Response:
        accepted = [coding for coding in _COMPRESS if _accepts(request, coding)]
        if not response.body or not accepted:
            return response
        coding = accepted[next(turn) % len(accepted)]
        compressed = response.with_body(_COMPRESS[coding](response.body))
        return compressed.with_header("content-encoding", coding).with_header(
            "vary", "Accept-Encoding"
        )

    return transform


def _compressing_app(app: ASGIApp) -> ASGIApp:
    return rewriting(_compressing())(app)


correct_server(
    "compressed_responses",
    "each body is compressed with gzip, deflate, br or zstd in turn, among those the request "
    "accepts (Content-Encoding, Vary)",
    "transport",
    _TWO_FAULTS,
    lambda response: response.headers.get("content-encoding") in _COMPRESS,
)(_compressing_app)


# -- how the bytes travel ---------------------------------------------------------------------

LATENCY_SECONDS = 0.005
"""The slow server's pause between the headers and the body of every response."""
_CHUNKS = 3


class _Sending:
    """ASGI middleware that changes how the wrapped app's response messages are sent: headers
    added or dropped, the body split into chunks, pauses."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        add: tuple[tuple[bytes, bytes], ...] = (),
        chunked: bool = False,
        pause: float = 0.0,
    ) -> None:
        self.app = app
        self._add = add
        self._chunked = chunked
        self._pause = pause

    def __getattr__(self, name: str) -> Any:
        """The wrapped app's attributes (`store`, `state`, ...)."""
        if name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if self._pause and message["type"] == "http.response.body":
                await asyncio.sleep(self._pause)
            if message["type"] == "http.response.start":
                headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
                if self._chunked:
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                await send({**message, "headers": [*headers, *self._add]})
            elif message["type"] == "http.response.body" and self._chunked:
                await self._send_chunked(message, send)
            else:
                await send(message)

        await self.app(scope, receive, sending)

    @staticmethod
    async def _send_chunked(message: Message, send: Send) -> None:
        body = bytes(message.get("body", b""))
        size = max(1, -(-len(body) // _CHUNKS))
        parts = [body[start : start + size] for start in range(0, len(body), size)] or [b""]
        more = bool(message.get("more_body", False))
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more or not last})


correct_server(
    "chunked_responses",
    "every body is sent with Transfer-Encoding: chunked, in three chunks, no Content-Length",
    "transport",
    _VALID,
    lambda response: response.headers.get("transfer-encoding") == "chunked",
)(functools.partial(_Sending, chunked=True))
correct_server(
    "connection_close",
    "every response carries Connection: close and the server closes the connection after it",
    "transport",
    _VALID,
    lambda response: response.headers.get("connection") == "close",
)(functools.partial(_Sending, add=((b"connection", b"close"),)))
correct_server(
    "slow_responses",
    f"every response pauses {LATENCY_SECONDS * 1000:.0f} ms between its headers and its body",
    "transport",
    _VALID,
    lambda response: response.elapsed.total_seconds() >= LATENCY_SECONDS,
)(functools.partial(_Sending, pause=LATENCY_SECONDS))
