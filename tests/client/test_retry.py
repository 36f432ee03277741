"""Tests of the retry decisions: what is retried, after how long, and what never is."""

from __future__ import annotations

import random

import httpx
import pytest

from immoteur_contract.client._retry import RetryPolicy

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/public/v1/issues")


def test_backoff_grows_exponentially_within_jitter_and_cap() -> None:
    policy = RetryPolicy(max_retries=10, initial_delay=0.5, max_delay=8.0, jitter=0.25)
    rng = random.Random(1)
    for retries_done in range(10):
        full = min(0.5 * 2**retries_done, 8.0)
        for _ in range(50):
            assert 0.75 * full <= policy.backoff(retries_done, rng) <= full


def test_backoff_without_jitter_is_exact() -> None:
    policy = RetryPolicy(jitter=0.0)
    assert [policy.backoff(n, random.Random()) for n in range(6)] == [0.5, 1, 2, 4, 8, 8]


@pytest.mark.parametrize(
    ("status", "headers", "retries_done", "expected"),
    [
        pytest.param(429, {"Retry-After": "3"}, 0, 3.0, id="429-retry-after"),
        pytest.param(503, {"Retry-After": "2"}, 1, 2.0, id="503-retry-after"),
        pytest.param(429, {"Retry-After": "60"}, 0, 60.0, id="429-at-cap"),
        pytest.param(429, {"Retry-After": "61"}, 0, None, id="429-beyond-cap"),
        pytest.param(429, {}, 0, 0.5, id="429-backoff"),
        pytest.param(503, {}, 1, 1.0, id="503-backoff"),
        pytest.param(503, {"Retry-After": "soon"}, 0, 0.5, id="503-garbage-retry-after"),
        pytest.param(429, {"Retry-After": "1"}, 2, None, id="exhausted"),
        pytest.param(500, {}, 0, None, id="500"),
        pytest.param(502, {}, 0, None, id="502"),
        pytest.param(504, {}, 0, None, id="504"),
        pytest.param(422, {}, 0, None, id="422"),
        pytest.param(401, {}, 0, None, id="401"),
    ],
)
def test_after_status_retries_only_not_processed_answers(
    status: int, headers: dict[str, str], retries_done: int, expected: float | None
) -> None:
    policy = RetryPolicy(max_retries=2, jitter=0.0)
    delay = policy.after_status(retries_done, status, httpx.Headers(headers), random.Random())
    assert delay == expected


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        pytest.param(httpx.ConnectError("refused", request=REQUEST), True, id="connect-error"),
        pytest.param(httpx.ConnectTimeout("slow", request=REQUEST), True, id="connect-timeout"),
        pytest.param(httpx.PoolTimeout("busy", request=REQUEST), True, id="pool-timeout"),
        pytest.param(httpx.ReadTimeout("slow", request=REQUEST), False, id="read-timeout"),
        pytest.param(httpx.WriteTimeout("slow", request=REQUEST), False, id="write-timeout"),
        pytest.param(httpx.ReadError("reset", request=REQUEST), False, id="read-error"),
        pytest.param(
            httpx.RemoteProtocolError("closed", request=REQUEST), False, id="remote-protocol"
        ),
    ],
)
def test_after_error_retries_only_errors_before_sending(
    error: httpx.TransportError, retried: bool
) -> None:
    delay = RetryPolicy(jitter=0.0).after_error(0, error, random.Random())
    assert (delay is not None) is retried


def test_after_error_stops_when_retries_are_exhausted() -> None:
    error = httpx.ConnectError("refused", request=REQUEST)
    assert RetryPolicy(max_retries=1).after_error(1, error, random.Random()) is None


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"max_retries": -1}, id="negative-retries"),
        pytest.param({"initial_delay": 9.0, "max_delay": 8.0}, id="initial-above-max"),
        pytest.param({"max_retry_after": -1.0}, id="negative-retry-after-cap"),
        pytest.param({"jitter": 1.5}, id="jitter-above-one"),
    ],
)
def test_retry_policy_rejects_meaningless_settings(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        RetryPolicy(**options)  # type: ignore[arg-type]
