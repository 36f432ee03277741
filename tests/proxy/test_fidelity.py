"""Byte-for-byte forwarding over real loopback sockets: gzip and chunked answers, large bodies
both ways, pipelined keep-alive requests, hop-by-hop headers, and 502 when the upstream is
down."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator

import h11
import httpx
import pytest

from immoteur_contract.proxy.session import ProxySession, running_proxy
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port, reference_app, serving

from .wire_upstream import CHUNKS, GZIPPED, wire_upstream


@pytest.fixture(scope="module")
def proxy() -> Iterator[ProxySession]:
    with serving(wire_upstream) as upstream, running_proxy(upstream) as session:
        yield session


def _raw(url: str, **kwargs: object) -> httpx.Response:
    with httpx.Client(timeout=10) as client, client.stream("GET", url, **kwargs) as response:  # type: ignore[arg-type]
        response.raw_bytes = b"".join(response.iter_raw())  # type: ignore[attr-defined]
        return response


def test_fidelity_gzip_answer_passes_compressed_and_unchanged(proxy: ProxySession) -> None:
    response = _raw(proxy.url + "/gzip", headers={"accept-encoding": "gzip"})
    assert response.raw_bytes == GZIPPED  # type: ignore[attr-defined]
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-length"] == str(len(GZIPPED))
    assert response.headers["x-upstream"] == "kept"


def test_fidelity_chunked_answer_passes_whole(proxy: ProxySession) -> None:
    response = _raw(proxy.url + "/chunked")
    assert response.raw_bytes == b"".join(CHUNKS)  # type: ignore[attr-defined]
    assert response.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.headers


@pytest.mark.parametrize("size", [0, 1, 3 * 1024 * 1024 + 7])
def test_fidelity_large_bodies_pass_both_ways(proxy: ProxySession, size: int) -> None:
    content = os.urandom(size)
    with httpx.Client(timeout=30) as client:
        response = client.post(proxy.url + "/echo", content=content)
    assert response.headers["x-sha256"] == hashlib.sha256(content).hexdigest()
    assert response.content == content


def test_fidelity_body_over_the_limit_on_the_endpoint_is_judged_in_part(
    proxy: ProxySession,
) -> None:
    before = proxy.report().proxy["partly_judged"]
    content = b'{"comment": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    with httpx.Client(timeout=30) as client:
        response = client.post(
            proxy.url + CONTRACT.endpoint_path,
            content=content,
            headers={"content-type": "application/json", "authorization": "Bearer t"},
        )
    # the echo upstream is no contract server, but its answer came back whole
    assert response.content == content
    assert proxy.report().proxy["partly_judged"] == before + 1


def test_fidelity_hop_by_hop_headers_are_dropped_end_to_end_ones_kept(proxy: ProxySession) -> None:
    with httpx.Client(timeout=10) as client:
        response = client.get(
            proxy.url + "/headers",
            headers={
                "connection": "keep-alive, x-private",
                "x-private": "1",
                "x-app": "2",
                "te": "trailers",
            },
        )
    forwarded = {name for name, _ in response.json()}
    assert "x-app" in forwarded
    assert not forwarded & {"x-private", "te", "keep-alive"}
    assert response.headers["x-end"] == "end-to-end"
    assert "x-hop" not in response.headers


def _request(host: str, path: str, *, last: bool = False) -> bytes:
    close = "Connection: close\r\n" if last else ""
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{close}\r\n".encode()


def _answers(data: bytes, count: int) -> list[bytes]:
    """The bodies of `count` HTTP/1.1 answers read back to back from `data` (h11 parses each;
    a fresh client reader per answer stands in for the requests sent up front)."""
    bodies = []
    for _ in range(count):
        reader = h11.Connection(h11.CLIENT)
        reader.send(h11.Request(method="GET", target="/", headers=[("host", "proxy")]))
        reader.send(h11.EndOfMessage())
        reader.receive_data(data)
        body = b""
        while not isinstance(event := reader.next_event(), h11.EndOfMessage):
            assert event is not h11.NEED_DATA, "an answer was cut"
            if isinstance(event, h11.Data):
                body += event.data
        bodies.append(body)
        data = reader.trailing_data[0]
    return bodies


def test_fidelity_pipelined_keep_alive_requests_get_their_answers_in_order(
    proxy: ProxySession,
) -> None:
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            _request(host, "/gzip")
            + _request(host, "/chunked")
            + _request(host, "/gzip", last=True)
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert _answers(received, 3) == [GZIPPED, b"".join(CHUNKS), GZIPPED]


def test_fidelity_upstream_down_answers_502_naming_it() -> None:
    upstream = f"http://127.0.0.1:{free_port()}{CONTRACT.base_path}"
    with running_proxy(upstream) as session, httpx.Client(timeout=10) as client:
        response = client.post(session.base_url + "/issues", json={})
        report = session.report()
    assert response.status_code == 502
    assert upstream in response.json()["message"]
    assert report.proxy["upstream_errors"] == 1
    # a network fault is never a server divergence (the caller's empty report still is one)
    assert [f.id for f in report.failures if f.layer == "server"] == []


def test_fidelity_a_client_dropping_mid_request_loses_no_other_exchange() -> None:
    token = "fidelity-token-0123456789"
    auth = {"authorization": f"Bearer {token}"}
    report = {"propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"], "issueKind": "data"}
    with serving(reference_app(token)) as upstream, running_proxy(upstream) as session:
        with httpx.Client(timeout=10) as client:
            client.post(session.base_url + "/issues", json=report, headers=auth)
        host, port = session.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                f"POST {CONTRACT.endpoint_path} HTTP/1.1\r\nHost: x\r\n"
                'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a"'.encode()
            )
        with httpx.Client(timeout=10) as client:
            client.post(session.base_url + "/issues", json=report, headers=auth)
        result = session.report()
    caller = [v for v in session.violations() if v.violation.side == "caller"]
    assert [v.violation.key for v in caller] == ["data-requires-issue-facets"] * 2
    assert result.proxy["endpoint"] == 3
