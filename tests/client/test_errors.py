"""Tests of the error mapping: one exception class per outcome, readable messages, status and body
kept, and no retry of anything that could have filed the report."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from immoteur_contract.client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DataReport,
    EndpointNotFoundError,
    ImmoteurError,
    MalformedResponseError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedStatusError,
    ValidationFailedError,
    _errors,
)
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server.documented import documented_answers

from .support import LOOPBACK_BASE_URL, PROPERTY, REPORT_ID, Filer, Script

REPORT = DataReport([PROPERTY], ["price"])
FIELD_ERRORS = {
    "issueFacets": ["The issueFacets field is required when issueKind is data."],
    "propertyIds.0": ["Each propertyIds item must be a UUID.", "Another message."],
}


def _documented(status: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The body and headers the spec documents for `status` (what the reference server sends)."""
    answer = documented_answers(CONTRACT).answer(status)
    headers = {name.decode(): value.decode() for name, value in answer.headers}
    body: dict[str, Any] = json.loads(answer.body)
    return body, headers


def _message(status: int) -> str:
    return str(_documented(status)[0]["message"])


@pytest.mark.parametrize(
    ("fault", "error_class", "message"),
    [
        pytest.param(
            {"status": 400}, BadRequestError, f"400 Bad Request: {_message(400)}", id="400"
        ),
        pytest.param(
            {"status": 401}, AuthenticationError, "401 Unauthenticated: Unauthenticated.", id="401"
        ),
        pytest.param(
            {"status": 403}, PermissionDeniedError, f"403 Forbidden: {_message(403)}", id="403"
        ),
        pytest.param(
            {"status": 422},
            ValidationFailedError,
            "422 Unprocessable: issueFacets: The issue facets field is required",
            id="422",
        ),
        pytest.param(
            {"status": 409}, UnexpectedStatusError, f"409 Unexpected: {_message(409)}", id="409"
        ),
        pytest.param({"status": 500}, ServerError, f"500 Server Error: {_message(500)}", id="500"),
        pytest.param({"status": 502}, ServerError, "502 Server Error", id="502"),
        pytest.param({"status": 504}, ServerError, "504 Server Error", id="504"),
        pytest.param(
            {"status": 201, "malformed": True},
            MalformedResponseError,
            "201 Malformed Response",
            id="201-malformed",
        ),
    ],
)
def test_documented_answer_maps_to_one_error_class_and_is_not_retried(
    filer: Filer, fault: dict[str, Any], error_class: type[APIStatusError], message: str
) -> None:
    app = filer.scripted_server(fault | {"next": 2})
    with pytest.raises(error_class) as raised:
        filer.create(REPORT, transport=filer.app_transport(app))
    error = raised.value
    assert type(error) is error_class
    assert isinstance(error, ImmoteurError)
    assert str(error).startswith(message)
    assert error.status == fault["status"]
    assert error.response.status_code == fault["status"]
    assert filer.faults_left(app) == [1]  # one request only: none of these is retried
    assert filer.sleeps == []
    assert app.store.list() == []


@pytest.mark.parametrize(
    ("response", "error_class", "message"),
    [
        pytest.param(
            httpx.Response(401, text="<html>no</html>"),
            AuthenticationError,
            "401 Unauthenticated: <html>no</html>",
            id="401-not-json",
        ),
        pytest.param(httpx.Response(403), PermissionDeniedError, "403 Forbidden", id="403-empty"),
        pytest.param(
            httpx.Response(
                422, json={"message": "The given data was invalid.", "errors": FIELD_ERRORS}
            ),
            ValidationFailedError,
            "422 Unprocessable: issueFacets: The issueFacets field is required when issueKind is"
            " data.; propertyIds.0: Each propertyIds item must be a UUID. Another message.",
            id="422-several-fields",
        ),
        pytest.param(
            httpx.Response(422, json={"message": "Nope."}),
            ValidationFailedError,
            "422 Unprocessable: Nope.",
            id="422-without-errors",
        ),
        pytest.param(
            httpx.Response(
                429, headers={"Retry-After": "120"}, json={"message": "Too Many Attempts."}
            ),
            RateLimitedError,
            "429 Too Many Requests: Too Many Attempts. (the server asks to retry after 120 s, more"
            " than the 60 s this client waits: not retried)",
            id="429-beyond-cap",
        ),
        pytest.param(
            httpx.Response(500, text="boom"), ServerError, "500 Server Error: boom", id="500-text"
        ),
        pytest.param(
            httpx.Response(404),
            EndpointNotFoundError,
            f"404 Not Found: no endpoint at POST {LOOPBACK_BASE_URL}/issues; is {LOOPBACK_BASE_URL}"
            " the API base URL?",
            id="404",
        ),
        pytest.param(
            httpx.Response(405, headers={"Allow": "POST"}),
            EndpointNotFoundError,
            f"405 Method Not Allowed: no endpoint at POST {LOOPBACK_BASE_URL}/issues",
            id="405",
        ),
        pytest.param(
            httpx.Response(302, headers={"Location": "http://127.0.0.1:9/"}),
            EndpointNotFoundError,
            f"302 Found: no endpoint at POST {LOOPBACK_BASE_URL}/issues (redirected to"
            " http://127.0.0.1:9/)",
            id="redirect-not-followed",
        ),
        pytest.param(
            httpx.Response(200, json={"reportId": REPORT_ID, "createdAt": "2025-01-02T03:04:05Z"}),
            UnexpectedStatusError,
            "200 Unexpected",
            id="200-instead-of-201",
        ),
        pytest.param(
            httpx.Response(201, json={"reportId": REPORT_ID}),
            MalformedResponseError,
            "201 Malformed Response",
            id="201-without-created-at",
        ),
        pytest.param(
            httpx.Response(201, json={"reportId": "nope", "createdAt": "2025-01-02T03:04:05Z"}),
            MalformedResponseError,
            "201 Malformed Response",
            id="201-bad-report-id",
        ),
        pytest.param(
            httpx.Response(201, json={"reportId": REPORT_ID, "createdAt": "2025-01-02T03:04:05"}),
            MalformedResponseError,
            "201 Malformed Response",
            id="201-created-at-without-offset",
        ),
        pytest.param(
            httpx.Response(201, text="ok"), MalformedResponseError, "201 Malformed", id="201-text"
        ),
    ],
)
def test_undocumented_answer_maps_to_one_error_class(
    filer: Filer, response: httpx.Response, error_class: type[APIStatusError], message: str
) -> None:
    """Answers outside the contract (no body, HTML, a redirect, a 201 missing a field, ...): the
    reference server and its doubles never give these, so a scripted transport stands in for a
    server that diverges."""
    script = Script([response])
    with pytest.raises(error_class) as raised:
        filer.create(REPORT, transport=script.transport())
    error = raised.value
    assert type(error) is error_class
    assert isinstance(error, ImmoteurError)
    assert str(error).startswith(message)
    assert error.status == response.status_code
    assert error.response.status_code == response.status_code
    assert len(script.requests) == 1  # none of these is retried
    assert filer.sleeps == []


def test_validation_failed_error_carries_field_errors(filer: Filer) -> None:
    app = filer.scripted_server({"status": 422})
    with pytest.raises(ValidationFailedError) as raised:
        filer.create(REPORT, transport=filer.app_transport(app))
    body, _ = _documented(422)
    assert raised.value.errors == body["errors"]
    assert raised.value.body == body


def test_rate_limited_error_carries_retry_after(filer: Filer) -> None:
    app = filer.scripted_server({"status": 429})
    with pytest.raises(RateLimitedError) as raised:
        filer.create(REPORT, transport=filer.app_transport(app), max_retries=0)
    body, headers = _documented(429)
    assert raised.value.retry_after == float(headers["retry-after"])
    assert raised.value.body == body


@pytest.mark.parametrize(
    ("error", "error_class", "sent"),
    [
        pytest.param(httpx.ReadTimeout("timed out"), APITimeoutError, True, id="read-timeout"),
        pytest.param(httpx.WriteTimeout("timed out"), APITimeoutError, True, id="write-timeout"),
        pytest.param(httpx.ReadError("reset"), APIConnectionError, True, id="read-error"),
        pytest.param(
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            APIConnectionError,
            True,
            id="remote-protocol-error",
        ),
    ],
)
def test_transport_errors_after_sending_are_raised_at_once(
    filer: Filer, error: httpx.TransportError, error_class: type[APIConnectionError], sent: bool
) -> None:
    script = Script([error, httpx.Response(201)])
    with pytest.raises(error_class) as raised:
        filer.create(REPORT, transport=script.transport())
    assert type(raised.value) is error_class
    assert raised.value.request_sent is sent
    assert "may have been filed" in str(raised.value)
    assert raised.value.__cause__ is error
    assert raised.value.status is None
    assert len(script.requests) == 1
    assert filer.sleeps == []


def test_error_module_docstring_draws_the_whole_tree() -> None:
    doc = _errors.__doc__ or ""
    for name in _errors.__all__:
        assert name in doc
        assert issubclass(getattr(_errors, name), ImmoteurError)
