"""How contract tests talk to the target: a thin client over the shared guarded transport,
and a requests session adapter that routes schemathesis's requests through the same transport.

Content codings are decoded exactly once, by httpx (gzip, deflate, and br and zstd through the
pinned brotli and zstandard packages); the adapter hands schemathesis that decoded body framed
as what it now is (no Content-Encoding, its own Content-Length), so requests does not decode it
a second time.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import httpx
import requests
import requests.adapters
import urllib3

from .target import Target

__all__ = ["ContractClient", "decoded_headers", "requests_session"]

JSON = "application/json"


class ContractClient:
    """Sends requests to the target's endpoint. Every request carries the configured token
    unless `authorization` says otherwise (None: no Authorization header)."""

    def __init__(self, target: Target) -> None:
        self._target = target

    @property
    def endpoint(self) -> str:
        return self._target.endpoint

    @property
    def authorization(self) -> str:
        return f"Bearer {self._target.token}"

    def post(self, body: object, *, authorization: str | bool | None = True) -> httpx.Response:
        """POST `body` as JSON (ASCII-escaped, so lone surrogates travel as `\\ud800`)."""
        content = json.dumps(body, ensure_ascii=True).encode()
        return self.send("POST", content=content, authorization=authorization)

    def send(
        self,
        method: str,
        *,
        content: bytes = b"",
        content_type: str | None = JSON,
        authorization: str | bool | None = True,
    ) -> httpx.Response:
        headers: dict[str, str] = {"accept": JSON}
        if content_type is not None and (content or method == "POST"):
            headers["content-type"] = content_type
        if authorization is True:
            headers["authorization"] = self.authorization
        elif isinstance(authorization, str):
            headers["authorization"] = authorization
        return self._target.client.request(method, self.endpoint, content=content, headers=headers)


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter that sends through the shared httpx client instead of a socket."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__()
        self._client = client

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        answer = self._client.request(
            str(request.method),
            str(request.url),
            headers=[(name, _text(value)) for name, value in request.headers.items()],
            content=_content(request.body),
        )
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=decoded_headers(answer),
            status=answer.status_code,
            reason=answer.reason_phrase,
            version=11,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)


_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""Headers that describe the bytes on the wire, which httpx has already unframed and decoded."""


def decoded_headers(response: httpx.Response) -> urllib3.HTTPHeaderDict:
    """The response's headers as they describe its decoded body: the server's headers without
    Content-Encoding and Transfer-Encoding, and a Content-Length of the decoded body (else
    requests would decode a body that httpx has already decoded)."""
    headers = urllib3.HTTPHeaderDict(
        [(name, value) for name, value in response.headers.multi_items() if name not in _FRAMING]
    )
    headers["content-length"] = str(len(response.content))
    return headers


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _content(body: Any) -> bytes:
    """A prepared request's body as bytes (schemathesis sends bytes, text or nothing)."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes):
        return body
    if hasattr(body, "read"):
        return bytes(body.read())
    return b"".join(part.encode() if isinstance(part, str) else bytes(part) for part in body)


def requests_session(target: Target) -> requests.Session:
    """A requests session whose every request goes through the target's guarded transport."""
    session = requests.Session()
    adapter = _GuardedAdapter(target.client)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
