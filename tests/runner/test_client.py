"""The requests session schemathesis sends through: each content coding is decoded exactly once.

httpx decodes gzip, deflate, br and zstd (the last two through the pinned brotli and zstandard);
the adapter must hand requests (and so schemathesis) that body as the identity-coded body it now
is, or requests decodes it a second time and fails ("failed to decode it").
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable

import brotli
import httpx
import pytest
import zstandard

from immoteur_contract.runner.client import decoded_headers, requests_session
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.safety import policy_for
from immoteur_contract.runner.target import Target
from immoteur_contract.runner.transport import GuardedTransport

BODY = {"message": "The given data was invalid.", "errors": {"propertyIds.0": ["Not a UUID."]}}
RAW = json.dumps(BODY).encode()
CODINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}


def _target(respond: Callable[[httpx.Request], httpx.Response]) -> Target:
    guard = GuardedTransport(
        httpx.MockTransport(respond), policy=policy_for(None), token="t", ledger=Ledger()
    )
    client = httpx.Client(transport=guard)
    return Target("mock", "http://127.0.0.1:9", "t", False, client, guard)


@pytest.mark.parametrize("coding", list(CODINGS))
def test_session_decodes_each_coding_once(coding: str) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": coding}
        return httpx.Response(422, headers=headers, content=CODINGS[coding](RAW))

    target = _target(respond)
    response = requests_session(target).post("http://127.0.0.1:9/issues", json={})
    assert response.status_code == 422
    assert response.json() == BODY
    assert "content-encoding" not in response.raw.headers
    assert response.raw.headers["content-length"] == str(len(RAW))
    target.close()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"content-type": "application/json; charset=utf-8"}, id="charset"),
        pytest.param({"transfer-encoding": "chunked", "connection": "close"}, id="chunked-close"),
        pytest.param({"content-encoding": "identity"}, id="identity"),
    ],
)
def test_session_reads_body_whatever_the_framing(headers: dict[str, str]) -> None:
    target = _target(lambda request: httpx.Response(201, headers=headers, content=RAW))
    response = requests_session(target).post("http://127.0.0.1:9/issues", json={})
    assert response.json() == BODY
    assert "transfer-encoding" not in response.raw.headers
    target.close()


def test_decoded_headers_keep_the_other_headers_repeated() -> None:
    response = httpx.Response(
        200,
        headers=[("x-a", "1"), ("x-a", "2"), ("content-encoding", "gzip")],
        content=gzip.compress(b"{}"),
    )
    response.read()
    headers = decoded_headers(response)
    assert headers.getlist("x-a") == ["1", "2"]
    assert "content-encoding" not in headers
    assert headers["content-length"] == "2"
