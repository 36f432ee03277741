"""A dropped connection is the server's doing only when it repeats while the server answers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from immoteur_contract.runner.expectations import ExpectationError
from immoteur_contract.runner.probing import send_raw


class _Client:
    """A ContractClient stand-in whose POST answers come from `posts` in turn."""

    def __init__(self, posts: list[Callable[[], httpx.Response]]) -> None:
        self.posts = posts
        self.sent: list[str] = []

    def send(self, method: str, **_: object) -> httpx.Response:
        self.sent.append(method)
        if method == "GET":
            return httpx.Response(405)
        return self.posts.pop(0)()


def _dropped() -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def test_send_raw_returns_the_answer() -> None:
    client = _Client([lambda: httpx.Response(400)])
    assert send_raw(client, b"{").status_code == 400  # type: ignore[arg-type]
    assert client.sent == ["POST"]


def test_send_raw_retries_a_dropped_connection_once() -> None:
    client = _Client([_dropped, lambda: httpx.Response(201)])
    assert send_raw(client, b"{}").status_code == 201  # type: ignore[arg-type]
    assert client.sent == ["POST", "POST"]


def test_send_raw_fails_answered_when_it_drops_twice_while_the_server_answers() -> None:
    client = _Client([_dropped, _dropped])
    with pytest.raises(ExpectationError) as caught:
        send_raw(client, b"{}")  # type: ignore[arg-type]
    assert caught.value.expectation == "answered"
    assert client.sent == ["POST", "POST", "GET"]


def test_send_raw_leaves_a_timeout_to_the_run() -> None:
    def slow() -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    with pytest.raises(httpx.ReadTimeout):
        send_raw(_Client([slow]), b"{}")  # type: ignore[arg-type]
