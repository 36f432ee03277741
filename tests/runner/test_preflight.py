"""The preflight: one request when the endpoint answers, three at most when it looks missing,
and a stop (EndpointMissingError naming the URL) only when all three look missing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from immoteur_contract.runner.client import ContractClient
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.preflight import (
    PREFLIGHT_REQUESTS,
    EndpointMissingError,
    looks_missing,
    preflight,
)
from immoteur_contract.runner.safety import policy_for
from immoteur_contract.runner.target import Target
from immoteur_contract.runner.transport import GuardedTransport

BASE = "http://127.0.0.1:9/api"


def _client(statuses: list[int]) -> tuple[ContractClient, Ledger]:
    answers: Iterator[int] = iter(statuses)
    ledger = Ledger()

    def respond(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        headers = {"location": "/login"} if 300 <= status < 400 else {}
        return httpx.Response(status, headers=headers, json={"message": "x"})

    guard = GuardedTransport(
        httpx.MockTransport(respond), policy=policy_for(BASE), token="t", ledger=ledger
    )
    target = Target("mock", BASE, "t", False, httpx.Client(transport=guard), guard)
    return ContractClient(target), ledger


@pytest.mark.parametrize(
    ("status", "missing"),
    [
        pytest.param(404, True, id="404"),
        pytest.param(405, True, id="405"),
        pytest.param(302, True, id="redirect"),
        pytest.param(308, True, id="permanent-redirect"),
        pytest.param(401, False, id="401"),
        pytest.param(400, False, id="400"),
        pytest.param(422, False, id="422"),
        pytest.param(500, False, id="500"),
    ],
)
def test_looks_missing_only_for_answers_no_endpoint_gives(status: int, missing: bool) -> None:
    headers = {"location": "/x"} if 300 <= status < 400 else {}
    assert looks_missing(httpx.Response(status, headers=headers)) is missing


def test_preflight_sends_one_request_to_an_endpoint_that_answers() -> None:
    client, ledger = _client([422])
    preflight(client)
    assert len(ledger.exchanges) == 1


def test_preflight_goes_on_when_a_later_probe_finds_the_endpoint() -> None:
    client, ledger = _client([404, 401, 400])
    preflight(client)
    assert len(ledger.exchanges) == PREFLIGHT_REQUESTS


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        pytest.param([404, 404, 404], "answered 404", id="not-found"),
        pytest.param([405, 404, 405], "answered 404, 405", id="mixed"),
        pytest.param([302, 302, 302], "302 (to /login)", id="login"),
    ],
)
def test_preflight_stops_when_every_probe_looks_missing(statuses: list[int], said: str) -> None:
    client, ledger = _client(statuses)
    with pytest.raises(EndpointMissingError, match="no endpoint at POST " + BASE) as stop:
        preflight(client)
    assert said in str(stop.value)
    assert "\n" not in str(stop.value)
    assert len(ledger.exchanges) == PREFLIGHT_REQUESTS <= 5
