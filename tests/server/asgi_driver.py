"""Calling an ASGI app in-process without a socket, for the server's tests.

`call` runs the app on the running event loop; `call_now` drives the coroutine by hand with no
event loop at all (the reference server without faults waits for nothing but a turn of the loop,
`asyncio.sleep(0)` before its 201), which is what makes thousands of differential calls take
seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server.asgi import ASGIApp, Message

__all__ = ["ENDPOINT", "Reply", "call", "call_now", "scope_for"]

ENDPOINT = CONTRACT.endpoint_path


@dataclass(frozen=True)
class Reply:
    """What the app sent: status, headers (lower-case names, decoded) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def scope_for(method: str, path: str, headers: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """An HTTP scope as uvicorn builds it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


class _Exchange:
    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.messages: list[Message] = [
            {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
            for i, chunk in enumerate(chunks or [b""])
        ]
        self.sent: list[Message] = []
        self.received = 0

    async def receive(self) -> Message:
        if self.received < len(self.messages):
            self.received += 1
            return self.messages[self.received - 1]
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def reply(self) -> Reply:
        start, *bodies = self.sent
        assert start["type"] == "http.response.start"
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]}
        return Reply(start["status"], headers, b"".join(m.get("body", b"") for m in bodies))


async def call(
    app: ASGIApp,
    method: str,
    path: str,
    chunks: Sequence[bytes] = (),
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    """One request through `app` on the running loop; the body is sent as `chunks`."""
    exchange = _Exchange(chunks)
    await app(scope_for(method, path, headers), exchange.receive, exchange.send)
    return exchange.reply()


def call_now(
    app: ASGIApp,
    method: str,
    path: str,
    chunks: Sequence[bytes] = (),
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    """`call` without an event loop; fails if the app ever waits for real (for a future: a
    timer, I/O), as opposed to giving the loop a turn (a bare yield, what sleep(0) does)."""
    coroutine = call(app, method, path, chunks, headers)
    try:
        while coroutine.send(None) is None:
            pass  # a turn of the loop given up: nothing else runs here, so go on at once
    except StopIteration as done:
        reply: Reply = done.value
        return reply
    coroutine.close()
    raise AssertionError("the app suspended: call it with `call` on an event loop")
