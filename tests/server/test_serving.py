"""`serving(app)` runs an app on a free loopback port in a thread, and stops it on exit."""

from __future__ import annotations

import socket

import httpx
import pytest

from immoteur_contract.server import free_port, reference_app, serving

from .conftest import AUTH, TOKEN, valid_body


def test_serving_answers_over_real_http_on_loopback() -> None:
    with serving(reference_app(TOKEN)) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.post(f"{base_url}/issues", json=valid_body(), headers=AUTH, timeout=10)
    assert response.status_code == 201


def test_serving_stops_listening_on_exit() -> None:
    with serving(reference_app(TOKEN)) as base_url:
        port = int(base_url.split(":")[2].split("/")[0])
    _assert_refused(port)


def test_free_port_is_a_loopback_port_nothing_listens_on() -> None:
    port = free_port()
    _assert_refused(port)


def _assert_refused(port: int) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
