"""The guarded transport's handling of transport faults: retries where the contract allows
them, Retry-After up to its cap, the preflight, a silent target, --max-time."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from immoteur_contract.runner.faults import (
    RateLimitedError,
    RunDeadlineError,
    TargetSilentError,
    TransportFaultError,
)
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.safety import policy_for
from immoteur_contract.runner.transport import (
    MAX_RETRIES,
    SILENT_AFTER,
    GuardedTransport,
    TargetUnansweringError,
)
from immoteur_contract.strategies import boundary_cases

from .clock import FakeClock

TOKEN = "tok-test-transport"
VALID = next(case.body for case in boundary_cases() if case.rule is None)
ENDPOINT = "http://127.0.0.1:9/public/v1/issues"


def _guard(
    answers: Iterator[httpx.Response | type[Exception]],
    *,
    preflight: bool = False,
    run_deadline: float | None = None,
) -> tuple[httpx.Client, Ledger, FakeClock]:
    clock = FakeClock()
    ledger = Ledger()

    def handle(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, httpx.Response):
            return answer
        raise answer("injected", request=request)  # type: ignore[call-arg]

    guard = GuardedTransport(
        httpx.MockTransport(handle),
        policy=policy_for(None),
        token=TOKEN,
        ledger=ledger,
        sleep=clock.sleep,
        clock=clock.time,
        run_deadline=run_deadline,
    )
    guard.preflight = preflight
    guard.token_accepted = True
    return httpx.Client(transport=guard), ledger, clock


def _post(client: httpx.Client, body: object) -> httpx.Response:
    return client.post(
        ENDPOINT, content=json.dumps(body), headers={"authorization": f"Bearer {TOKEN}"}
    )


def _repeat(answer: httpx.Response | type[Exception]) -> Iterator[httpx.Response | type[Exception]]:
    while True:
        yield answer


def test_transport_honours_retry_after_within_the_cap() -> None:
    answers = iter([httpx.Response(429, headers={"retry-after": "3"}), httpx.Response(422)])
    client, ledger, clock = _guard(answers)
    assert _post(client, {}).status_code == 422
    assert clock.sleeps == [3.0]
    assert [e.fault for e in ledger.exchanges] == ["429", None]


def test_transport_retry_after_over_the_cap_is_rate_limited_at_once() -> None:
    client, ledger, clock = _guard(_repeat(httpx.Response(429, headers={"retry-after": "3600"})))
    with pytest.raises(RateLimitedError, match="asked to wait 3600 s"):
        _post(client, {})
    assert clock.sleeps == []
    assert len(ledger.exchanges) == 1


def test_transport_wait_past_max_time_is_rate_limited() -> None:
    answers = _repeat(httpx.Response(429, headers={"retry-after": "20"}))
    client, _, _ = _guard(answers, run_deadline=10.0)
    with pytest.raises(RateLimitedError, match="would pass --max-time"):
        _post(client, {})


def test_transport_persistent_429_stops_the_test_unjudged() -> None:
    client, ledger, clock = _guard(_repeat(httpx.Response(429)))
    with pytest.raises(TransportFaultError) as raised:
        _post(client, {})
    assert raised.value.kind == "429"
    assert len(ledger.exchanges) == MAX_RETRIES + 1
    assert clock.sleeps == [0.5, 1.0]  # backoff when the target names no wait


@pytest.mark.parametrize(
    ("error", "kind"),
    [(httpx.ReadTimeout, "timeout"), (httpx.ReadError, "reset"), (httpx.WriteError, "send failed")],
)
def test_transport_retries_a_rejected_request_after_any_fault(
    error: type[Exception], kind: str
) -> None:
    client, ledger, _ = _guard(iter([error, httpx.Response(422)]))
    assert _post(client, {}).status_code == 422
    assert [e.fault for e in ledger.exchanges] == [kind, None]


def test_transport_never_resends_a_write_the_target_may_have_received() -> None:
    client, ledger, _ = _guard(iter([httpx.ReadTimeout, httpx.Response(201)]))
    with pytest.raises(TransportFaultError, match="timeout"):
        _post(client, VALID)
    assert len(ledger.exchanges) == 1


def test_transport_resends_a_write_that_never_left() -> None:
    client, ledger, _ = _guard(iter([httpx.ConnectError, httpx.Response(201)]))
    assert _post(client, VALID).status_code == 201
    assert [e.fault for e in ledger.exchanges] == ["no connection", None]


def test_transport_preflight_fault_stops_the_run_in_one_line() -> None:
    client, _, _ = _guard(_repeat(httpx.ReadTimeout), preflight=True)
    with pytest.raises(TargetUnansweringError, match="did not answer the preflight's request"):
        _post(client, {})


def test_transport_silent_target_stops_the_run() -> None:
    client, _, _ = _guard(_repeat(httpx.ReadTimeout))
    for _ in range(SILENT_AFTER - 1):
        with pytest.raises(TransportFaultError):
            _post(client, {})
    with pytest.raises(TargetSilentError, match="stopped answering"):
        _post(client, {})


def test_transport_an_answer_resets_the_silence_count() -> None:
    faults: list[httpx.Response | type[Exception]] = [httpx.ReadTimeout] * (MAX_RETRIES + 1)
    answers = iter((faults * (SILENT_AFTER - 1)) + [httpx.Response(422)] + faults)
    client, _, _ = _guard(answers)
    for _ in range(SILENT_AFTER - 1):
        with pytest.raises(TransportFaultError):
            _post(client, {})
    assert _post(client, {}).status_code == 422
    with pytest.raises(TransportFaultError):
        _post(client, {})


def test_transport_stops_sending_at_max_time() -> None:
    client, ledger, clock = _guard(_repeat(httpx.Response(422)), run_deadline=5.0)
    assert _post(client, {}).status_code == 422
    clock.now = 5.0
    with pytest.raises(RunDeadlineError):
        _post(client, {})
    assert len(ledger.exchanges) == 1
