"""Tests of IssueReports / AsyncIssueReports (each test runs with both): what is sent, what comes
back, retries, timeouts, local rule checks, against the reference server in-process (its scripted
faults for the documented errors) and scripted transports (what no documented server sends:
transport errors, Retry-After dates)."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import httpx
import pytest
from immoteur_client.models import IssueReportRequest

from immoteur_contract.client import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    TOKEN_ENV_VAR,
    APIConnectionError,
    AsyncIssueReports,
    CACertError,
    ClusteringReport,
    CreatedReport,
    DataReport,
    InvalidBaseURLError,
    InvalidTokenError,
    IssueReports,
    MissingTokenError,
    OtherReport,
    RateLimitedError,
    ReportRuleError,
    ServerError,
)
from immoteur_contract.client import _facade as facade_module
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app
from immoteur_contract.server.documented import documented_answers
from immoteur_contract.verdicts import Verdict, agreeing_verdicts

from .support import CLASSIFIED, PROPERTY, REPORT_ID, TOKEN, Filer, Script, created

REPORT = DataReport([PROPERTY], ["price"])
VALID = [pytest.param(v, id=v.id) for v in agreeing_verdicts() if v.valid]
INVALID = [pytest.param(v, id=v.id) for v in agreeing_verdicts() if not v.valid]


# -- what is sent --------------------------------------------------------------------------------


def test_create_posts_the_body_with_bearer_token_to_the_issues_path(filer: Filer) -> None:
    script = Script([created()])
    result = filer.create(REPORT, transport=script.transport())
    assert result == CreatedReport(
        report_id=UUID(REPORT_ID), created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    )
    (request,) = script.requests
    assert request.method == "POST"
    assert request.url == f"http://127.0.0.1:9{CONTRACT.endpoint_path}"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == REPORT.to_body()


def test_create_default_base_url_is_the_specs_server() -> None:
    assert CONTRACT.document["servers"][0]["url"] == DEFAULT_BASE_URL
    with IssueReports(TOKEN) as client:
        assert client.base_url == DEFAULT_BASE_URL


def test_create_sends_raw_bodies_through_the_generated_model(filer: Filer) -> None:
    body = {**REPORT.to_body(), "source": "unit-test"}  # D8: unknown fields are allowed
    script = Script([created()])
    filer.create(body, transport=script.transport())
    sent = json.loads(script.requests[0].content)
    assert sent == IssueReportRequest.from_dict(body).to_dict()
    assert sent["source"] == "unit-test"


# -- local rule checks -----------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", INVALID)
def test_create_refuses_each_invalid_verdict_without_a_request(
    filer: Filer, verdict: Verdict
) -> None:
    script = Script([created()])
    with pytest.raises(ReportRuleError) as raised:
        filer.create(verdict.body, transport=script.transport())
    assert script.requests == []
    assert set(raised.value.rule_ids) == set(verdict.rules)


@pytest.mark.parametrize("verdict", VALID)
def test_create_files_each_valid_verdict_on_the_reference_server(
    filer: Filer, verdict: Verdict
) -> None:
    app = reference_app(TOKEN)
    result = filer.create(verdict.body, transport=filer.app_transport(app))
    (stored,) = app.store.list()
    assert stored.report_id == str(result.report_id)
    assert stored.body == IssueReportRequest.from_dict(verdict.body).to_dict()


@pytest.mark.parametrize(
    "report",
    [
        pytest.param(DataReport([PROPERTY], ["price"], comment="Rent, not price."), id="data"),
        pytest.param(ClusteringReport([PROPERTY], "merge", classified_ids=[CLASSIFIED]), id="clus"),
        pytest.param(OtherReport([PROPERTY], "Duplicate posted by a scam account."), id="other"),
    ],
)
def test_create_returns_the_reference_servers_answer(
    filer: Filer, report: DataReport | ClusteringReport | OtherReport
) -> None:
    app = reference_app(TOKEN)
    result = filer.create(report, transport=filer.app_transport(app))
    (stored,) = app.store.list()
    assert str(result.report_id) == stored.report_id
    assert result.created_at == datetime.fromisoformat(stored.created_at)
    assert stored.body == report.to_body()


# -- retries -------------------------------------------------------------------------------------


def test_create_retries_429_after_the_advertised_seconds(filer: Filer) -> None:
    app = filer.scripted_server({"status": 429})
    result = filer.create(REPORT, transport=filer.app_transport(app))
    retry_after = dict(documented_answers(CONTRACT).answer(429).headers)[b"retry-after"]
    assert filer.sleeps == [float(retry_after)]
    assert [r.report_id for r in app.store.list()] == [str(result.report_id)]
    assert filer.faults_left(app) == []


# The reference server advertises whole seconds within the cap; these two Retry-After values
# come from a scripted transport.


def test_create_retries_429_after_an_http_date(filer: Filer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = Script([httpx.Response(429, headers={"Retry-After": when}), created()])
    filer.create(REPORT, transport=script.transport())
    (delay,) = filer.sleeps
    assert 25 < delay <= 30


def test_create_does_not_wait_for_a_retry_after_beyond_the_cap(filer: Filer) -> None:
    script = Script([httpx.Response(429, headers={"Retry-After": "3600"}), created()])
    with pytest.raises(RateLimitedError) as raised:
        filer.create(REPORT, transport=script.transport())
    assert raised.value.retry_after == 3600
    assert filer.sleeps == []
    assert len(script.requests) == 1


def test_create_retries_a_503_burst_then_succeeds(filer: Filer) -> None:
    app = filer.scripted_server({"next": 2, "status": 503})
    result = filer.create(REPORT, transport=filer.app_transport(app))
    assert [r.report_id for r in app.store.list()] == [str(result.report_id)]
    assert filer.faults_left(app) == []  # both 503s were taken: three requests
    assert len(filer.sleeps) == 2
    assert 0.375 <= filer.sleeps[0] <= 0.5  # exponential backoff with up to 25% jitter
    assert 0.75 <= filer.sleeps[1] <= 1.0


def test_create_raises_server_error_when_503s_exhaust_the_retries(filer: Filer) -> None:
    app = filer.scripted_server({"next": 5, "status": 503})
    message = json.loads(documented_answers(CONTRACT).answer(503).body)["message"]
    with pytest.raises(ServerError, match=rf"^503 Server Error: {re.escape(message)}$"):
        filer.create(REPORT, transport=filer.app_transport(app), max_retries=3)
    assert filer.faults_left(app) == [1]  # four requests
    assert len(filer.sleeps) == 3
    assert app.store.list() == []


def test_create_with_max_retries_zero_never_retries(filer: Filer) -> None:
    app = filer.scripted_server({"next": 2, "status": 503})
    with pytest.raises(ServerError):
        filer.create(REPORT, transport=filer.app_transport(app), max_retries=0)
    assert filer.faults_left(app) == [1]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(httpx.ConnectError("All connection attempts failed"), id="connect-error"),
        pytest.param(httpx.ConnectTimeout("timed out"), id="connect-timeout"),
    ],
)
def test_create_retries_connection_failures_before_sending(
    filer: Filer, error: httpx.TransportError
) -> None:
    script = Script([error, created()])
    filer.create(REPORT, transport=script.transport())
    assert len(script.requests) == 2
    assert len(filer.sleeps) == 1


def test_create_raises_connection_error_when_connecting_keeps_failing(filer: Filer) -> None:
    script = Script([httpx.ConnectError("All connection attempts failed")])
    with pytest.raises(APIConnectionError) as raised:
        filer.create(REPORT, transport=script.transport())
    assert raised.value.request_sent is False
    assert "may have been filed" not in str(raised.value)
    assert len(script.requests) == 3


def test_create_cannot_connect_to_a_closed_loopback_port(filer: Filer) -> None:
    with pytest.raises(APIConnectionError, match="connection failed"):
        filer.create(REPORT, base_url=f"http://127.0.0.1:9{CONTRACT.base_path}", max_retries=1)
    assert len(filer.sleeps) == 1


# -- timeouts ------------------------------------------------------------------------------------


def test_create_applies_the_default_timeout(filer: Filer) -> None:
    script = Script([created()])
    filer.create(REPORT, transport=script.transport())
    assert script.requests[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }
    assert httpx.Timeout(30.0, connect=5.0) == DEFAULT_TIMEOUT


def test_create_applies_the_client_timeout(filer: Filer) -> None:
    script = Script([created()])
    filer.create(REPORT, transport=script.transport(), timeout=2.5)
    assert script.requests[0].extensions["timeout"] == dict.fromkeys(
        ("connect", "read", "write", "pool"), 2.5
    )


def test_create_applies_a_per_call_timeout(filer: Filer) -> None:
    script = Script([created()])
    filer.create(REPORT, transport=script.transport(), call_timeout=0.25)
    assert script.requests[0].extensions["timeout"]["read"] == 0.25


def test_create_applies_a_per_call_timeout_to_that_call_only() -> None:
    script = Script([created()])
    with IssueReports(TOKEN, transport=script.transport(), timeout=9.0) as client:
        client.create(REPORT, timeout=httpx.Timeout(1.0, connect=0.5))
        client.create(REPORT)
    first, second = (r.extensions["timeout"] for r in script.requests)
    assert first == {"connect": 0.5, "read": 1.0, "write": 1.0, "pool": 1.0}
    assert second == {"connect": 9.0, "read": 9.0, "write": 9.0, "pool": 9.0}


@pytest.mark.anyio
async def test_async_create_keeps_per_call_timeouts_apart_when_concurrent() -> None:
    script = Script([created()])
    async with (
        AsyncIssueReports(TOKEN, transport=script.transport()) as client,
        anyio.create_task_group() as group,
    ):
        for seconds in (1.0, 2.0, 3.0):
            group.start_soon(functools.partial(client.create, REPORT, timeout=seconds))
    reads = sorted(r.extensions["timeout"]["read"] for r in script.requests)
    assert reads == [1.0, 2.0, 3.0]


# -- configuration -----------------------------------------------------------------------------


def test_facade_reads_the_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, "env-token-456")
    script = Script([created()])
    with IssueReports(transport=script.transport()) as client:
        client.create(REPORT)
    assert script.requests[0].headers["Authorization"] == "Bearer env-token-456"


@pytest.mark.parametrize("facade", [IssueReports, AsyncIssueReports])
def test_facade_without_token_raises_missing_token(
    facade: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV_VAR, raising=False)
    with pytest.raises(MissingTokenError, match=TOKEN_ENV_VAR):
        facade()


def test_facade_context_manager_closes_the_connections() -> None:
    with IssueReports(TOKEN, transport=Script([created()]).transport()) as client:
        pass
    assert client._http.is_closed


@pytest.mark.anyio
async def test_async_facade_context_manager_closes_the_connections() -> None:
    async with AsyncIssueReports(TOKEN, transport=Script([created()]).transport()) as client:
        pass
    assert client._http.is_closed


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("facade", [IssueReports, AsyncIssueReports])
@pytest.mark.parametrize("source", ["argument", "environment"])
def test_facade_refuses_a_token_that_cannot_go_in_a_header_without_showing_it(
    facade: Any, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "tok-ünicode-SECRET"
    monkeypatch.setenv(TOKEN_ENV_VAR, token)
    with pytest.raises(InvalidTokenError) as raised:
        facade(token if source == "argument" else None, base_url="http://127.0.0.1:9")
    where = TOKEN_ENV_VAR if source == "environment" else "the token given to the client"
    assert str(raised.value).startswith(f"{where}: the token cannot be sent in an HTTP header")
    assert "non-ASCII" in str(raised.value)
    assert token not in str(raised.value)
    assert token not in repr(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or token not in str(raised.value.__context__)


def test_facade_turns_a_refused_base_url_into_one_error_without_its_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refusal's wording is urls.api_base_url's; the facade types it and masks credentials
    even if that wording repeats the URL."""

    def refuse(url: str) -> str:
        raise ValueError(f"the base URL must not hold credentials, got {url!r}")

    monkeypatch.setattr(facade_module, "api_base_url", refuse)
    with pytest.raises(InvalidBaseURLError) as raised:
        IssueReports(TOKEN, base_url="http://alice:pa55word@127.0.0.1:9/public/v1")
    assert "pa55word" not in str(raised.value)
    assert "alice" not in str(raised.value)
    assert "http://***@127.0.0.1:9/public/v1" in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_facade_reports_an_unloadable_ca_file(tmp_path: Path) -> None:
    not_a_cert = tmp_path / "ca.pem"
    not_a_cert.write_text("not a certificate")
    with pytest.raises(CACertError, match=r"cannot load the CA file .*ca\.pem"):
        IssueReports(TOKEN, base_url="https://127.0.0.1:9", verify=not_a_cert)


def test_facade_repr_shows_its_bounds_and_never_the_token() -> None:
    with IssueReports(TOKEN, base_url="http://127.0.0.1:9", timeout=5) as client:
        text = repr(client)
    assert "deadline=5.0" in text
    assert "max_response_bytes=1048576" in text
    assert TOKEN not in text
