"""Fault injection: latency, rate limit (429, Retry-After), 503s, any token; all off by default."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import (
    FailRateMiddleware,
    LatencyMiddleware,
    RateLimitMiddleware,
    ReferenceServer,
    ServerSettings,
    create_app,
    reference_app,
)

from .asgi_driver import Reply, call
from .conftest import AUTH, TOKEN, valid_body

pytestmark = pytest.mark.anyio

ENDPOINT = CONTRACT.endpoint_path
HEADERS = list(AUTH.items())


def _chain(app: ReferenceServer) -> list[type]:
    """The middleware types from the outside in, down to the contract app."""
    found: list[type] = []
    inner: Any = app.app
    while isinstance(inner, (LatencyMiddleware, RateLimitMiddleware, FailRateMiddleware)):
        found.append(type(inner))
        inner = inner.app
    return found


async def _post(app: Any) -> Reply:
    return await call(
        app, "POST", ENDPOINT, [httpx.Request("POST", "/", json=valid_body()).read()], HEADERS
    )


def test_faults_are_off_by_default() -> None:
    assert _chain(reference_app(TOKEN)) == []


def test_faults_are_layered_latency_then_rate_limit_then_failures() -> None:
    settings = ServerSettings(
        token=TOKEN, latency=0.01, latency_range=(0.0, 0.01), rate_limit=5, fail_rate=0.1, seed=1
    )
    assert _chain(create_app(settings)) == [
        LatencyMiddleware,
        RateLimitMiddleware,
        FailRateMiddleware,
    ]


# -- latency --------------------------------------------------------------------------------------


async def test_latency_waits_the_fixed_delay_plus_a_seeded_draw() -> None:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    def build() -> LatencyMiddleware:
        return LatencyMiddleware(
            reference_app(TOKEN),
            seconds=0.5,
            jitter=(0.1, 0.2),
            rng=random.Random(7),
            prefix=CONTRACT.base_path,
            sleep=sleep,
        )

    first = build()
    for _ in range(20):
        assert (await _post(first)).status == 201
    expected_rng = random.Random(7)
    assert delays == [0.5 + expected_rng.uniform(0.1, 0.2) for _ in range(20)]
    assert all(0.6 <= delay <= 0.7 for delay in delays)
    await call(first, "GET", "/_mock/reports")  # the inspection API is never delayed
    assert len(delays) == 20


async def test_latency_from_settings_delays_and_still_answers() -> None:
    app = create_app(ServerSettings(token=TOKEN, latency=0.001, latency_range=(0.0, 0.001)))
    assert (await _post(app)).status == 201


# -- rate limit -----------------------------------------------------------------------------------


async def test_rate_limit_answers_429_with_retry_after_past_the_window_budget() -> None:
    now = 100.0
    app = RateLimitMiddleware(
        reference_app(TOKEN), per_second=2, prefix=CONTRACT.base_path, clock=lambda: now
    )
    statuses = [(await _post(app)).status for _ in range(3)]
    assert statuses == [201, 201, 429]
    now = 100.4
    refused = await _post(app)
    assert refused.status == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {"message": "Too Many Attempts."}
    assert (await call(app, "GET", "/_mock/reports")).status == 200  # not counted
    now = 101.0  # a new window
    assert [(await _post(app)).status for _ in range(3)] == [201, 201, 429]


async def test_rate_limit_from_settings_refuses_the_request_past_n() -> None:
    now = 5.0
    app = create_app(ServerSettings(token=TOKEN, rate_limit=3))
    limiter = app.app
    assert isinstance(limiter, RateLimitMiddleware)
    limiter.clock = lambda: now
    assert [(await _post(app)).status for _ in range(4)] == [201, 201, 201, 429]


# -- 503s -----------------------------------------------------------------------------------------


async def _statuses(app: Any, count: int) -> list[int]:
    return [(await _post(app)).status for _ in range(count)]


async def test_fail_rate_answers_the_seeded_fraction_503() -> None:
    settings = ServerSettings(token=TOKEN, fail_rate=0.3, seed=42)
    statuses = await _statuses(create_app(settings), 200)
    draws = random.Random(42)
    assert statuses == [503 if draws.random() < 0.3 else 201 for _ in range(200)]
    assert set(statuses) == {201, 503}
    assert await _statuses(create_app(settings), 200) == statuses  # deterministic


async def test_fail_rate_one_fails_every_public_request_but_not_inspection() -> None:
    app = create_app(ServerSettings(token=TOKEN, fail_rate=1.0, seed=0))
    reply = await _post(app)
    assert reply.status == 503
    assert reply.json()["message"]
    assert (await call(app, "GET", "/_mock/reports")).json()["reports"] == []


# -- any token ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        pytest.param("Bearer whatever", 201, id="any-bearer-token"),
        pytest.param(f"Bearer {TOKEN}", 201, id="the-token"),
        pytest.param("Basic whatever", 401, id="basic"),
        pytest.param("Bearer", 401, id="no-token"),
        pytest.param(None, 401, id="no-header"),
    ],
)
async def test_accept_any_token_accepts_any_bearer_token_only(
    authorization: str | None, status: int
) -> None:
    app = create_app(ServerSettings(token=TOKEN, accept_any_token=True))
    headers = [] if authorization is None else [("Authorization", authorization)]
    body = httpx.Request("POST", "/", json=valid_body()).read()
    assert (await call(app, "POST", ENDPOINT, [body], headers)).status == status


async def test_accept_any_token_is_off_by_default() -> None:
    body = httpx.Request("POST", "/", json=valid_body()).read()
    headers = [("Authorization", "Bearer whatever")]
    assert (await call(reference_app(TOKEN), "POST", ENDPOINT, [body], headers)).status == 401
