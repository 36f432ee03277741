"""What forwarding unchanged means, as data: where a request goes (`Upstream`), which headers
cross the proxy, and the heads the proxy writes itself.

Unchanged means: the method, the raw path and query, every end-to-end header in its order and
spelling, and the body bytes as they came (an answer is never decompressed). Hop-by-hop headers
are dropped in both directions, as RFC 9110 section 7.6.1 requires of an intermediary
(Connection and the fields it names, Keep-Alive, Proxy-Connection, TE, Trailer,
Transfer-Encoding, Upgrade, Proxy-Authenticate, Proxy-Authorization); Host is the upstream's,
and Expect is answered by the proxy. The framing of each side is the proxy's to choose: a
Content-Length is kept; a body without one is re-chunked (or, to an HTTP/1.0 client, delimited
by the connection's end). When the upstream cannot be reached the proxy answers 502 with a JSON
message naming it.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from urllib.parse import urlsplit

from ..rules import CONTRACT

__all__ = [
    "HOP_BY_HOP",
    "Upstream",
    "UpstreamError",
    "bad_gateway",
    "end_to_end",
    "refusal",
    "status_line",
]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-authenticate",
        b"proxy-authorization",
    }
)
"""Fields that concern one connection only (RFC 9110 section 7.6.1), never forwarded."""

_PHRASES = {status.value: status.phrase.encode() for status in HTTPStatus}


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

    def target_for(self, raw_path: str, query: str) -> str:
        """The request target on the upstream (its path and query)."""
        base = CONTRACT.base_path
        path = raw_path
        if self.prefix and (path == base or path.startswith(base + "/")):
            path = self.prefix + path[len(base) :]
        return path + (f"?{query}" if query else "")

    def url_for(self, raw_path: str, query: str) -> str:
        """The upstream URL a request is forwarded to."""
        return self.origin + self.target_for(raw_path, query)


def end_to_end(headers: list[tuple[bytes, bytes]], *also: bytes) -> list[tuple[bytes, bytes]]:
    """`headers` without the hop-by-hop ones, those the Connection header names, and `also`
    (lower-case names); order and spelling kept."""
    dropped = HOP_BY_HOP.union(also)
    for name, value in headers:
        if name.lower() == b"connection":
            dropped |= {option.strip().lower() for option in value.split(b",")}
    return [pair for pair in headers if pair[0].lower() not in dropped]


def status_line(status: int) -> bytes:
    """`HTTP/1.1 <status> <reason>` and its line end."""
    return b"HTTP/1.1 %d %s\r\n" % (status, _PHRASES.get(status, b""))


def bad_gateway(message: str, *, close: bool) -> bytes:
    """The whole 502 answer the proxy writes when the upstream did not answer."""
    body = json.dumps({"message": f"immoteur-contract proxy: {message}"}).encode()
    head = status_line(502) + b"content-type: application/json\r\ncontent-length: %d\r\n" % len(
        body
    )
    if close:
        head += b"connection: close\r\n"
    return head + b"\r\n" + body


def refusal(status: int, message: str) -> bytes:
    """The whole answer the proxy writes to a request it cannot forward (then it closes)."""
    body = b'{"message": "immoteur-contract proxy: %s"}' % message.encode()
    return (
        status_line(status)
        + b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        % len(body)
        + body
    )
