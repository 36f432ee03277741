"""The forwarding half of the proxy: an ASGI app that passes every request to the upstream and
every answer back, unchanged and streamed, and hands a bounded copy of each exchange to the
recorder once it is over.

Unchanged means: the method, the raw path and query, every end-to-end header in its order and
spelling, and the body bytes as they came (no decompression: the answer is read with
`aiter_raw`). Hop-by-hop headers are dropped in both directions, as RFC 9110 section 7.6.1
requires of an intermediary (Connection and the fields it names, Keep-Alive, Proxy-Connection,
TE, Transfer-Encoding, Upgrade); Host is the upstream's. When the upstream cannot be reached the
proxy answers 502 with a JSON message naming it. Judging never happens here: the recorder gets
the exchange after its answer was sent.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from ..rules import CONTRACT
from ..server.asgi import Receive, Scope, Send
from .bounded import DEFAULT_BODY_LIMIT, BoundedBody, CaptureBudget
from .exchange import Seen
from .recorder import Recorder
from .upstream import UpstreamClient, UpstreamFailedError

__all__ = ["HOP_BY_HOP", "ProxyApp", "Upstream", "UpstreamError"]

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
    }
)
"""Fields that concern one connection only (RFC 9110 section 7.6.1), never forwarded."""


_DRAIN_SECONDS = 5.0
"""How long the rest of a request body is read (for judging) after an upstream answered
without reading it."""


class UpstreamError(ValueError):
    """An --upstream URL the proxy cannot forward to."""


class Upstream:
    """Where requests go. The URL's path stands for the contract's base path
    (`http://host:8000/api/v1` serves `/public/v1/issues` as `/api/v1/issues`); without a path,
    every path is forwarded as it came."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            raise UpstreamError(
                "--upstream must not hold credentials (user:password@): the proxy prints its"
                " URL; the application's own headers carry its credentials"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UpstreamError(f"--upstream must be an http:// or https:// URL, got {url!r}")
        if parts.query or parts.fragment:
            raise UpstreamError(f"--upstream takes no query or fragment, got {url!r}")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.url = self.origin + self.prefix

    def url_for(self, raw_path: str, query: str) -> str:
        base = CONTRACT.base_path
        path = raw_path
        if self.prefix and (path == base or path.startswith(base + "/")):
            path = self.prefix + path[len(base) :]
        return self.origin + path + (f"?{query}" if query else "")


def _listed_in_connection(headers: list[tuple[str, str]]) -> set[str]:
    return {
        option.strip().lower()
        for name, value in headers
        if name == "connection"
        for option in value.split(",")
    }


def _end_to_end(headers: list[tuple[str, str]], *also: str) -> list[tuple[str, str]]:
    dropped = HOP_BY_HOP | _listed_in_connection(headers) | set(also)
    return [(name, value) for name, value in headers if name not in dropped]


class _Answer(Protocol):
    """An upstream answer being read: the lean client's, or httpx's (tests' transports)."""

    status: int
    headers: list[tuple[bytes, bytes]]

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class _HttpxAnswer:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers = list(response.headers.raw)

    def aiter_raw(self) -> AsyncIterator[bytes]:
        return self._response.aiter_raw()

    async def aclose(self) -> None:
        await self._response.aclose()


_UPSTREAM_ERRORS = (httpx.HTTPError, UpstreamFailedError, OSError, ssl.SSLError)


class _ClientGoneError(Exception):
    """The client went away before its request body was read whole."""


class ProxyApp:
    """The forwarding ASGI app. `verify`: True, False, or an SSLContext (--cacert). Requests go
    through the lean upstream client (upstream.py); `transport`, an httpx transport, replaces
    it and the network (the tests put an ASGI app there)."""

    def __init__(
        self,
        upstream: Upstream,
        recorder: Recorder,
        *,
        verify: ssl.SSLContext | bool = True,
        timeout: float = 60.0,
        body_limit: int = DEFAULT_BODY_LIMIT,
        budget: CaptureBudget | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.upstream = upstream
        self.recorder = recorder
        self._verify = verify
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self._body_limit = body_limit
        self._budget = budget or CaptureBudget()
        self._transport = transport
        self._timeout_seconds = timeout
        self._client: httpx.AsyncClient | None = None
        self._upstream_client: UpstreamClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                verify=self._verify,
                timeout=self._timeout,
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=200),
                follow_redirects=False,
                trust_env=False,
                transport=self._transport,
            )
        return self._client

    async def aclose(self) -> None:
        if self._upstream_client is not None:
            await self._upstream_client.aclose()
            self._upstream_client = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, self)
            return
        if scope["type"] != "http":
            return
        await self._forward(scope, receive, send)

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]]
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        seen = Seen(
            index=self.recorder.next_index(),
            method=scope["method"],
            path=scope["path"],
            query=query,
            request_headers=headers,
            request_body=BoundedBody(self._budget, self._body_limit),
        )
        seen.url = self.upstream.url_for(raw_path, query)
        started = time.perf_counter()
        try:
            await self._exchange(seen, headers, receive, send)
        finally:
            seen.seconds = time.perf_counter() - started
            self.recorder.submit(seen)

    async def _exchange(
        self, seen: Seen, headers: list[tuple[str, str]], receive: Receive, send: Send
    ) -> None:
        names = {name for name, _ in headers}
        has_body = "content-length" in names or "transfer-encoding" in names
        read_whole = not has_body

        async def body() -> AsyncIterator[bytes]:
            nonlocal read_whole
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise _ClientGoneError
                chunk: bytes = message.get("body", b"")
                seen.request_body.add(chunk)
                if chunk:
                    yield chunk
                if not message.get("more_body", False):
                    read_whole = True
                    return

        forwarded = _end_to_end(headers, "host", "expect")
        try:
            answer = await self._send(seen, forwarded, body() if has_body else None)
        except _ClientGoneError:
            seen.error = "the client went away while sending its request"
            seen.client_gone = True
            return
        except _UPSTREAM_ERRORS as error:
            seen.error = f"the upstream {self.upstream.url} did not answer ({_one_line(error)})"
            seen.upstream_failed = True
            if not read_whole:
                await _drain(seen, body())
            await _bad_gateway(send, seen.error)
            return
        try:
            await self._relay(seen, answer, send)
        finally:
            await answer.aclose()
        if not read_whole:  # an upstream that answered before reading the whole body
            await _drain(seen, body())

    async def _send(
        self, seen: Seen, headers: list[tuple[str, str]], body: AsyncIterator[bytes] | None
    ) -> _Answer:
        if self._transport is None:
            if self._upstream_client is None:
                self._upstream_client = UpstreamClient(
                    self.upstream.origin, verify=self._verify, timeout=self._timeout_seconds
                )
            target = seen.url.removeprefix(self.upstream.origin) or "/"
            return await self._upstream_client.send(seen.method, target, headers, body)
        request = httpx.Request(seen.method, seen.url, headers=headers, content=body)
        return _HttpxAnswer(await self._http().send(request, stream=True))

    async def _relay(self, seen: Seen, response: _Answer, send: Send) -> None:
        raw_headers = [
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers
        ]
        seen.status = response.status
        seen.response_headers = raw_headers
        seen.response_body = kept = BoundedBody(self._budget, self._body_limit)
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [
                    (k.encode("latin-1"), v.encode("latin-1")) for k, v in _end_to_end(raw_headers)
                ],
            }
        )
        try:
            async for chunk in response.aiter_raw():
                kept.add(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except _UPSTREAM_ERRORS as error:
            seen.cut = True
            seen.error = f"the upstream {self.upstream.url} cut its answer ({_one_line(error)})"
            return  # the answer stays incomplete: uvicorn closes the client's connection
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _drain(seen: Seen, rest: AsyncIterator[bytes]) -> None:
    """Read the rest of a request body (the capture keeps its bounded part for judging); a
    body that does not come whole is not judged."""
    try:
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in rest:
                pass
    except (_ClientGoneError, TimeoutError):
        seen.client_gone = True


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def _bad_gateway(send: Send, message: str) -> None:
    body = json.dumps({"message": f"immoteur-contract proxy: {message}"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 502,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _lifespan(receive: Receive, send: Send, app: ProxyApp) -> None:
    while True:
        message: Any = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await app.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
