"""Tests of the facades against the reference server, in-process and over loopback HTTP, with its
fault injection: latency beyond the timeout, rate limiting with Retry-After, 503 bursts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from immoteur_contract.client import (
    APITimeoutError,
    AuthenticationError,
    DataReport,
    IssueReports,
    OtherReport,
    ServerError,
    ValidationFailedError,
)
from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app, reference_app
from immoteur_contract.server.faults import RateLimitMiddleware

from .support import PROPERTY, TOKEN, Filer, seed_failing, serving

REPORT = DataReport([PROPERTY], ["price"])


@pytest.fixture(scope="module")
def http_server() -> Iterator[tuple[str, ReferenceServer]]:
    """The reference server under uvicorn on a loopback port: (base URL, app)."""
    app = reference_app(TOKEN)
    with serving(app) as base_url:
        yield base_url, app


def test_create_over_http_files_the_report(
    filer: Filer, http_server: tuple[str, ReferenceServer]
) -> None:
    base_url, app = http_server
    result = filer.create(REPORT, base_url=base_url)
    assert app.store.get(str(result.report_id)) is not None


def test_create_over_http_with_a_wrong_token_raises_authentication_error(
    http_server: tuple[str, ReferenceServer],
) -> None:
    base_url, _ = http_server
    with (
        IssueReports("not-the-token", base_url=base_url) as client,
        pytest.raises(
            AuthenticationError,
            match=r"^401 Unauthenticated: Unauthenticated\. \(check the token given to the client:",
        ),
    ):
        client.create(REPORT)


def _no_comments(body: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "comment" in body:
        yield "comment", "Comments are not accepted by this server."


def test_create_on_a_stricter_server_raises_validation_failed_with_its_field_errors(
    filer: Filer,
) -> None:
    app = create_app(
        ServerSettings(token=TOKEN), rules=RULES.replacing("comment-string", _no_comments)
    )
    with pytest.raises(ValidationFailedError) as raised:
        filer.create(OtherReport([PROPERTY], "Scam."), transport=filer.app_transport(app))
    error = raised.value
    assert error.status == 422
    assert list(error.errors) == ["comment"]
    assert error.errors["comment"][0].startswith("Comments are not accepted by this server.")
    assert str(error).startswith("422 Unprocessable: comment: Comments are not accepted")
    assert app.store.list() == []


def test_create_retries_a_503_burst_from_the_server_then_succeeds(filer: Filer) -> None:
    seed = seed_failing([True, True, False], rate=0.5)
    app = create_app(ServerSettings(token=TOKEN, fail_rate=0.5, seed=seed))
    result = filer.create(REPORT, transport=filer.app_transport(app))
    assert [r.report_id for r in app.store.list()] == [str(result.report_id)]
    assert len(filer.sleeps) == 2


def test_create_raises_server_error_when_the_server_keeps_failing(filer: Filer) -> None:
    app = create_app(ServerSettings(token=TOKEN, fail_rate=1.0))
    with pytest.raises(ServerError, match=r"^503 Server Error"):
        filer.create(REPORT, transport=filer.app_transport(app))
    assert len(filer.sleeps) == 2
    assert app.store.list() == []


def test_create_retries_a_429_after_the_servers_retry_after(filer: Filer) -> None:
    now = [100.0]  # the rate limit's clock, moved only by the client's sleeps
    server = create_app(ServerSettings(token=TOKEN))
    app = RateLimitMiddleware(server, per_second=1, prefix=CONTRACT.base_path, clock=lambda: now[0])
    filer.on_sleep = lambda delay: now.__setitem__(0, now[0] + delay)
    filer.create(REPORT, transport=filer.app_transport(app))
    assert filer.sleeps == []
    filer.create(REPORT, transport=filer.app_transport(app))  # 429 Retry-After: 1, then 201
    assert filer.sleeps == [1.0]
    assert now == [101.0]
    assert len(server.store.list()) == 2


def test_create_over_http_times_out_and_does_not_retry_a_slow_server(filer: Filer) -> None:
    app = create_app(ServerSettings(token=TOKEN, latency=0.5))
    with serving(app) as base_url, pytest.raises(APITimeoutError) as raised:
        filer.create(REPORT, base_url=base_url, timeout=0.1)
    assert raised.value.request_sent is True  # the body was sent: a retry could file it twice
    assert "no complete answer within the total deadline of 0.1 s" in str(raised.value)
    assert "may have been filed" in str(raised.value)
    assert filer.sleeps == []
