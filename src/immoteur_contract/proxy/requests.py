"""A request as the proxy reads it from a client: its exchange record, the head it sends the
upstream (the target mapped, hop-by-hop headers, Host and Expect replaced, a body without
Content-Length re-chunked) and what framing its answer needs."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import unquote

import httptools

from .bounded import BoundedBody, CaptureBudget
from .exchange import Seen
from .forwarding import Upstream, end_to_end

__all__ = ["Capture", "Request", "read_request"]


class Capture(Protocol):
    """What the proxy keeps of each body, and the Host it sends the upstream."""

    budget: CaptureBudget
    body_limit: int
    host_header: bytes


class Request:
    """A request from the client: its exchange record, the head for the upstream, the framed
    body pieces not yet written upstream, and how its answer must be framed."""

    __slots__ = (
        "chunked",
        "complete",
        "expect_continue",
        "head",
        "head_only",
        "http11",
        "keep_alive",
        "seen",
        "started",
        "submitted",
        "waiting",
        "waiting_bytes",
    )

    def __init__(self, seen: Seen, head: bytes) -> None:
        self.seen = seen
        self.head = head
        self.waiting: list[bytes] = []
        self.waiting_bytes = 0
        self.complete = False
        self.chunked = False
        self.expect_continue = False
        self.keep_alive = True
        self.http11 = True
        self.head_only = seen.method == "HEAD"
        self.started = 0.0
        self.submitted = False


def read_request(
    parser: httptools.HttpRequestParser,
    url_bytes: bytes,
    headers: list[tuple[bytes, bytes]],
    upstream: Upstream,
    capture: Capture,
) -> Request:
    """The request whose head `parser` has just read (`url_bytes`, `headers` as they came)."""
    raw = [(name.lower(), value) for name, value in headers]
    names = {name for name, _ in raw}
    url = httptools.parse_url(url_bytes)
    raw_path = url.path.decode("latin-1")
    query = (url.query or b"").decode("latin-1")
    seen = Seen(
        index=0,
        method=parser.get_method().decode("latin-1"),
        path=unquote(raw_path),
        query=query,
        request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw],
        request_body=BoundedBody(capture.budget, capture.body_limit),
    )
    target = upstream.target_for(raw_path, query)
    seen.url = upstream.origin + target
    chunked = b"transfer-encoding" in names
    lines = [
        b"%s %s HTTP/1.1\r\nhost: %s\r\n"
        % (parser.get_method(), target.encode("latin-1"), capture.host_header)
    ]
    lines += [b"%s: %s\r\n" % pair for pair in end_to_end(headers, b"host", b"expect")]
    if chunked:
        lines.append(b"transfer-encoding: chunked\r\n")
    lines.append(b"\r\n")
    request = Request(seen, b"".join(lines))
    request.chunked = chunked
    request.complete = not chunked and b"content-length" not in names
    request.keep_alive = parser.should_keep_alive()
    request.http11 = parser.get_http_version() == "1.1"
    request.expect_continue = request.http11 and any(
        k == b"expect" and v.strip().lower() == b"100-continue" for k, v in raw
    )
    return request
