"""An upstream that answers in the wire forms the fidelity tests need: gzip, chunked, echoed
large bodies, its request headers as JSON."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

from immoteur_contract.server.asgi import Receive, Scope, Send

__all__ = ["GZIPPED", "read_body", "wire_upstream"]

GZIPPED = gzip.compress(json.dumps({"message": "compressed " * 200}).encode(), mtime=0)
CHUNKS = (b'{"part": 1, ', b'"more": "', b"x" * 5000 + b'"}')


async def read_body(receive: Receive) -> bytes:
    """The whole request body an ASGI app receives."""
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def wire_upstream(scope: Scope, receive: Receive, send: Send) -> None:
    """/gzip, /chunked, /headers; any other path echoes the request body in 64 KiB pieces."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    start: dict[str, Any] = {"type": "http.response.start", "status": 200}
    if path == "/gzip":
        start["headers"] = [
            (b"content-type", b"application/json"),
            (b"content-encoding", b"gzip"),
            (b"content-length", str(len(GZIPPED)).encode()),
            (b"x-upstream", b"kept"),
        ]
        await send(start)
        await send({"type": "http.response.body", "body": GZIPPED})
        return
    if path == "/chunked":
        start["headers"] = [(b"content-type", b"application/json")]
        await send(start)
        for chunk in CHUNKS:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/headers":
        seen = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]]
        body = json.dumps(seen).encode()
        start["headers"] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"keep-alive, x-hop"),
            (b"x-hop", b"connection-only"),
            (b"x-end", b"end-to-end"),
        ]
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    content = await read_body(receive)
    start["headers"] = [
        (b"content-type", b"application/octet-stream"),
        (b"content-length", str(len(content)).encode()),
        (b"x-sha256", hashlib.sha256(content).hexdigest().encode()),
    ]
    await send(start)
    for offset in range(0, len(content), 65536):
        await send(
            {
                "type": "http.response.body",
                "body": content[offset : offset + 65536],
                "more_body": True,
            }
        )
    await send({"type": "http.response.body", "body": b""})
