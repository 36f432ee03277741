"""The remote-safety policy and the guarded transport, decided and enforced without a network."""

from __future__ import annotations

import json

import httpx
import pytest

from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.safety import (
    LOCAL_MAX_REQUESTS,
    REMOTE_MAX_REQUESTS,
    REMOTE_RATE,
    Policy,
    is_loopback,
    policy_for,
)
from immoteur_contract.runner.transport import (
    BudgetExhaustedError,
    GuardedTransport,
    TargetUnreachableError,
    TokenRejectedError,
    WriteBlockedError,
)
from immoteur_contract.strategies import boundary_cases

from .clock import FakeClock

TOKEN = "tok-test-safety"
VALID = next(case.body for case in boundary_cases() if case.rule is None)
ENDPOINT = "http://api.example.test/public/v1/issues"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        pytest.param(None, True, id="in-process"),
        pytest.param("http://127.0.0.1:8080", True, id="127.0.0.1"),
        pytest.param("http://127.9.9.9", True, id="127/8"),
        pytest.param("http://[::1]:8080", True, id="ipv6-loopback"),
        pytest.param("http://localhost:8080", True, id="localhost"),
        pytest.param("https://api.immoteur.com/public/v1", False, id="real-api"),
        pytest.param("http://10.0.0.1", False, id="private-ip"),
        pytest.param("http://127.0.0.1.example.com", False, id="look-alike-name"),
        pytest.param("http://app.localhost:8080", False, id="localhost-subdomain-is-a-name"),
    ],
)
def test_is_loopback_only_for_loopback_hosts(url: str | None, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_policy_for_remote_excludes_writes_with_budget_and_rate() -> None:
    policy = policy_for("https://api.immoteur.com/public/v1")
    assert policy == Policy(
        allow_writes=False, max_requests=REMOTE_MAX_REQUESTS, rate=REMOTE_RATE, remote=True
    )
    assert (policy.max_requests, policy.rate) == (200, 2.0)


def test_policy_for_remote_takes_the_users_overrides() -> None:
    policy = policy_for("https://api.example.test", allow_writes=True, max_requests=10, rate=0.5)
    assert (policy.allow_writes, policy.max_requests, policy.rate) == (True, 10, 0.5)


def test_policy_for_local_allows_writes_without_rate() -> None:
    policy = policy_for("http://127.0.0.1:8080")
    assert (policy.allow_writes, policy.max_requests, policy.rate) == (
        True,
        LOCAL_MAX_REQUESTS,
        None,
    )


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        pytest.param({"max_requests": 0}, "max_requests", id="budget"),
        pytest.param({"rate": 0.0}, "rate", id="rate"),
    ],
)
def test_policy_for_rejects_bad_limits(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        policy_for(None, **kwargs)  # type: ignore[arg-type]


def _guard(
    handler: httpx.MockTransport, policy: Policy, clock: FakeClock | None = None
) -> tuple[httpx.Client, Ledger]:
    clock = clock or FakeClock()
    ledger = Ledger()
    guard = GuardedTransport(
        handler, policy=policy, token=TOKEN, ledger=ledger, sleep=clock.sleep, clock=clock.time
    )
    return httpx.Client(transport=guard), ledger


def _post(client: httpx.Client, body: object, token: str = TOKEN) -> httpx.Response:
    return client.post(
        ENDPOINT, content=json.dumps(body), headers={"authorization": f"Bearer {token}"}
    )


def _answer(status: int, **headers: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, headers=headers))


REMOTE = policy_for("https://api.example.test")


def test_guard_refuses_an_accepted_report_remotely_without_sending() -> None:
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(422)

    client, ledger = _guard(httpx.MockTransport(handle), REMOTE)
    with pytest.raises(WriteBlockedError):
        _post(client, VALID)
    assert sent == []
    assert ledger.exchanges == []
    assert _post(client, {}).status_code == 422  # a body that must be rejected is sent
    assert len(sent) == 1


def test_guard_sends_a_valid_body_with_a_wrong_token_remotely() -> None:
    client, _ = _guard(_answer(401), REMOTE)
    assert _post(client, VALID, token="wrong").status_code == 401


def test_guard_stops_at_the_budget() -> None:
    client, ledger = _guard(_answer(422), policy_for("https://api.example.test", max_requests=2))
    _post(client, {})
    _post(client, {})
    with pytest.raises(BudgetExhaustedError):
        _post(client, {})
    assert len(ledger.exchanges) == 2


def test_guard_paces_requests_to_the_rate() -> None:
    clock = FakeClock()
    client, _ = _guard(_answer(422), REMOTE, clock)
    for _ in range(3):
        _post(client, {})
    assert clock.sleeps == [pytest.approx(0.5), pytest.approx(0.5)]


def test_guard_stops_on_401_with_the_token_remotely() -> None:
    client, _ = _guard(_answer(401), REMOTE)
    with pytest.raises(TokenRejectedError, match="rejected the token"):
        _post(client, {})


def test_guard_turns_a_refused_connection_into_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, _ = _guard(httpx.MockTransport(refuse), policy_for(None))
    with pytest.raises(TargetUnreachableError, match="cannot reach"):
        _post(client, {})
