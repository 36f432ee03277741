"""A plain ASGI middleware that lets one function see and alter a whole request/response exchange.

`Divergence(app, handler)` buffers the request body, gives the handler a `Request` and a
`call_next` that runs the wrapped app on a (possibly altered) request and returns its buffered
`Response`; whatever the handler returns is sent. Every HTTP-level faulty server is one such
handler around the reference server, so each fault is a few lines of pure data manipulation.
Content-Length is always recomputed from the body that is finally sent.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from ..server.asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CallNext", "Divergence", "Handler", "Request", "Response"]

Headers = tuple[tuple[str, str], ...]


def _get(headers: Headers, name: str) -> str | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _without(headers: Headers, name: str) -> Headers:
    return tuple((key, value) for key, value in headers if key != name)


@dataclass(frozen=True)
class Request:
    """A buffered request: method, path, headers (names lower-case) and the whole body."""

    method: str
    path: str
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower-case), or None."""
        return _get(self.headers, name)

    def with_header(self, name: str, value: str) -> Request:
        """This request with header `name` set to `value` (replacing any earlier value)."""
        return replace(self, headers=(*_without(self.headers, name), (name, value)))


@dataclass(frozen=True)
class Response:
    """A buffered response: status, headers (names lower-case) and the whole body."""

    status: int
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower-case), or None."""
        return _get(self.headers, name)

    def json(self) -> Any:
        """The body decoded as JSON (ValueError when it is not)."""
        return json.loads(self.body)

    def with_status(self, status: int) -> Response:
        """This response with another status."""
        return replace(self, status=status)

    def with_header(self, name: str, value: str) -> Response:
        """This response with header `name` set to `value`."""
        return replace(self, headers=(*_without(self.headers, name), (name, value)))

    def without_header(self, name: str) -> Response:
        """This response without header `name`."""
        return replace(self, headers=_without(self.headers, name))

    def with_body(self, body: bytes) -> Response:
        """This response with another body (headers kept)."""
        return replace(self, body=body)

    def with_json(self, value: Any) -> Response:
        """This response with `value` as its application/json body."""
        body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return self.with_header("content-type", "application/json").with_body(body)

    @classmethod
    def of_json(cls, status: int, value: Any) -> Response:
        """A new application/json response."""
        return cls(status, (), b"").with_json(value)

    async def send(self, send: Send) -> None:
        """Send this response through ASGI `send`, with a Content-Length of the body sent."""
        headers = [
            (key.encode("latin-1"), value.encode("latin-1"))
            for key, value in _without(self.headers, "content-length")
        ]
        headers.append((b"content-length", str(len(self.body)).encode("ascii")))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


CallNext = Callable[[Request], Awaitable[Response]]
"""Runs the wrapped app on a request and returns its buffered response."""
Handler = Callable[[Request, CallNext], Awaitable[Response]]
"""A divergence: given the request and `call_next`, the response to send."""


async def _read_all(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class Divergence:
    """ASGI middleware: `handler` decides the answer to every HTTP request sent to `app`."""

    def __init__(self, app: ASGIApp, handler: Handler) -> None:
        self.app = app
        self.handler = handler

    def __getattr__(self, name: str) -> Any:
        """The wrapped app's attributes (`store`, `state`, ...), so tools see the same app."""
        if name in ("app", "handler"):  # not set yet: no recursion during construction
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection scope; non-HTTP scopes (lifespan) go straight to the app."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(
            method=scope["method"],
            path=scope["path"],
            headers=tuple(
                (key.decode("latin-1").lower(), value.decode("latin-1"))
                for key, value in scope["headers"]
            ),
            body=await _read_all(receive),
        )

        async def call_next(request: Request) -> Response:
            return await self._exchange(scope, request, receive)

        response = await self.handler(request, call_next)
        await response.send(send)

    async def _exchange(self, scope: Scope, request: Request, receive: Receive) -> Response:
        """Run the wrapped app on `request`, replaying its body, and buffer what it sends."""
        inner_scope = dict(scope)
        inner_scope["method"] = request.method
        inner_scope["headers"] = [
            (key.encode("latin-1"), value.encode("latin-1")) for key, value in request.headers
        ]
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            return await receive()

        status = 500
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (bytes(key).decode("latin-1").lower(), bytes(value).decode("latin-1"))
                    for key, value in message.get("headers", ())
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(inner_scope, replay, capture)
        return Response(status, tuple(headers), b"".join(chunks))
