"""network.py over real loopback sockets: the total deadline of a request, the size limit of an
answer, and the proxy the environment names."""

from __future__ import annotations

import gzip
import time

import httpx
import pytest

from immoteur_contract.mutants.hostile import hostile_server
from immoteur_contract.runner.network import (
    TooLargeError,
    network_transport,
    proxy_for,
    read_bounded,
)

TOKEN = "tok-test-network"


def _send(url: str, deadline_in: float, limit: int = 1 << 20) -> bytes:
    transport, backend = network_transport(url)
    try:
        backend.deadline = time.monotonic() + deadline_in
        request = httpx.Request("POST", url + "/issues", content=b"{}")
        return read_bounded(transport.handle_request(request), limit)
    finally:
        transport.close()


def test_network_drip_target_meets_the_total_deadline() -> None:
    # one byte a second: each read is within httpx's timeouts, only the total deadline ends it
    with hostile_server("drip", TOKEN) as target, pytest.raises(httpx.ReadTimeout):
        _send(target.url, deadline_in=1.5)


def test_network_endless_body_stops_at_the_limit() -> None:
    with hostile_server("endless-body", TOKEN) as target:
        with pytest.raises(TooLargeError, match="over 100,000 bytes"):
            _send(target.url, deadline_in=30, limit=100_000)
        assert target.requests == 1


def test_network_huge_headers_are_refused_by_h11() -> None:
    with (
        hostile_server("huge-headers", TOKEN) as target,
        pytest.raises(httpx.RemoteProtocolError, match="buffer too long"),
    ):
        _send(target.url, deadline_in=30)


def test_network_a_healthy_answer_is_read_whole() -> None:
    with hostile_server("stall", TOKEN) as target:  # its first answers are the reference's
        assert b"Unauthenticated" in _send(target.url, deadline_in=30)


def test_network_compressed_bomb_is_too_large_once_decoded() -> None:
    bomb = gzip.compress(b" " * 5_000_000)
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, content=bomb)
    with pytest.raises(TooLargeError, match="once decoded"):
        read_bounded(response, 1 << 20)


def test_network_proxy_comes_from_the_environment_minus_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    assert proxy_for("https://api.example.test/public/v1") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert proxy_for("https://api.example.test/public/v1") == "http://proxy.internal:3128"
    assert proxy_for("http://api.example.test/public/v1") is None
    monkeypatch.setenv("NO_PROXY", "example.test")
    assert proxy_for("https://api.example.test/public/v1") is None
