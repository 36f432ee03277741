"""POST /public/v1/issues on the in-process reference server: every answer the contract names."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.server import ServerSettings, create_app, reference_app

from .conftest import AUTH, TOKEN, spec_examples, valid_body

pytestmark = pytest.mark.anyio

ENDPOINT = CONTRACT.endpoint_path
MIB = 1024 * 1024


# -- authentication -----------------------------------------------------------------------------

AUTH_CASES = [
    pytest.param({}, 401, id="missing"),
    pytest.param({"Authorization": f"Basic {TOKEN}"}, 401, id="basic-scheme"),
    pytest.param({"Authorization": "Bearer"}, 401, id="bearer-without-token"),
    pytest.param({"Authorization": "Bearer "}, 401, id="bearer-space-only"),
    pytest.param({"Authorization": TOKEN}, 401, id="token-without-scheme"),
    pytest.param({"Authorization": "Bearer wrong-token"}, 401, id="wrong-token"),
    pytest.param({"Authorization": f"Bearer {TOKEN}x"}, 401, id="token-with-suffix"),
    pytest.param({"Authorization": f"Bearer {TOKEN[:-1]}"}, 401, id="token-prefix"),
    pytest.param({"Authorization": f"Bearer {TOKEN} extra"}, 401, id="two-credentials"),
    pytest.param({"Authorization": f"Bearer {TOKEN}"}, 201, id="right-token"),
    pytest.param({"Authorization": f"bearer {TOKEN}"}, 201, id="lower-case-scheme-rfc7235"),
    pytest.param({"Authorization": f"BEARER {TOKEN}"}, 201, id="upper-case-scheme-rfc7235"),
    pytest.param({"Authorization": f"Bearer  {TOKEN}"}, 201, id="two-spaces-rfc7235-1*SP"),
]


@pytest.mark.parametrize(("headers", "status"), AUTH_CASES)
async def test_endpoint_checks_the_bearer_token(
    client: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    response = await client.post(ENDPOINT, json=valid_body(), headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.json() == {"message": "Unauthenticated."}
        assert response.headers["content-type"] == "application/json"


async def test_endpoint_answers_401_before_reading_the_body() -> None:
    app = reference_app(TOKEN)
    received = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"not json", "more_body": False}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": ENDPOINT, "headers": []}
    await app(scope, receive, send)
    assert received == 0
    assert sent[0]["status"] == 401


async def test_endpoint_answers_401_for_a_huge_body_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(ENDPOINT, content=b"x" * (2 * MIB))
    assert response.status_code == 401


# -- bodies that are not JSON -----------------------------------------------------------------

NOT_JSON = [
    pytest.param(b"", id="empty"),
    pytest.param(b"propertyIds=x", id="form-encoded"),
    pytest.param(b'{"issueKind": "data",}', id="trailing-comma"),
    pytest.param(b"{'issueKind': 'data'}", id="single-quotes"),
    pytest.param(b"\xff\xfe{}", id="invalid-utf8"),
    pytest.param(b'{"comment": "\xe9"}', id="latin1-in-string"),
    pytest.param(b"\xef\xbb\xbf{}", id="utf8-bom"),
    pytest.param('{"a": 1}'.encode("utf-16"), id="utf16"),
    pytest.param(b"NaN", id="nan"),
    pytest.param(b'{"propertyIds": [Infinity]}', id="infinity"),
    pytest.param(b'{"x": -Infinity}', id="minus-infinity"),
    pytest.param(b'{"x": 1e999999}', id="float-overflow"),
    pytest.param(b"1" * 5000, id="int-over-digit-limit"),
    pytest.param(b"[" * 100_000, id="deep-nesting"),
    pytest.param(b"[" * 600 + b"]" * 600, id="nesting-past-max-depth"),
    pytest.param(b"{} {}", id="two-values"),
    pytest.param(b'{"a": "b\nc"}', id="raw-newline-in-string"),
]


@pytest.mark.parametrize("raw", NOT_JSON)
async def test_endpoint_answers_400_to_a_body_that_is_not_strict_json(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    response = await client.post(ENDPOINT, content=raw, headers=AUTH)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert CONTRACT.validator("Message").is_valid(response.json())


async def test_endpoint_accepts_nesting_up_to_the_max_depth_in_an_extra_field(
    client: httpx.AsyncClient,
) -> None:
    body = json.dumps(valid_body())[:-1] + ', "extra": ' + "[" * 500 + "]" * 500 + "}"
    response = await client.post(ENDPOINT, content=body.encode(), headers=AUTH)
    assert response.status_code == 201


async def test_endpoint_accepts_a_lone_surrogate_escape_like_the_schema(
    app: Any, client: httpx.AsyncClient
) -> None:
    body = valid_body() | {"comment": "\ud800"}
    assert CONTRACT.validator("IssueReportRequest").is_valid(body)
    response = await client.post(ENDPOINT, content=json.dumps(body).encode(), headers=AUTH)
    assert response.status_code == 201
    listing = await client.get("/_mock/reports")
    assert listing.json()["reports"][0]["body"]["comment"] == "\ud800"


# -- 422 ----------------------------------------------------------------------------------------

NOT_OBJECTS = [
    pytest.param(b"[]", id="array"),
    pytest.param(b'"text"', id="string"),
    pytest.param(b"42", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b"true", id="boolean"),
]


@pytest.mark.parametrize("raw", NOT_OBJECTS)
async def test_endpoint_answers_422_to_json_that_is_not_an_object(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    response = await client.post(ENDPOINT, content=raw, headers=AUTH)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == set(CONTRACT.required_fields)
    assert all(
        "[body-is-object]" in message for messages in errors.values() for message in messages
    )


async def test_endpoint_reports_every_violation_with_dotted_keys_at_once(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a", "nope", 7],
        "issueKind": "other",
        "issueFacets": ["price", "colour"],
    }
    response = await client.post(ENDPOINT, json=body, headers=AUTH)
    assert response.status_code == 422
    payload = response.json()
    assert CONTRACT.validator("ValidationError").is_valid(payload)
    expected = RULES.violations(body)
    assert list(payload["errors"]) == list(dict.fromkeys(v.key for v in expected))
    assert payload["errors"]["propertyIds.1"] == [
        "Each propertyIds item must be a UUID. [property-ids-uuid]"
    ]
    assert payload["message"] == f"{expected[0].message} (and {len(expected) - 1} more errors)"
    for violation in expected:
        assert violation.message in payload["errors"][violation.key]


async def test_endpoint_message_says_one_more_error_in_the_singular(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(ENDPOINT, json={"issueKind": "data"}, headers=AUTH)
    payload = response.json()
    assert response.status_code == 422
    assert payload["message"].endswith(" (and 1 more error)")
    assert set(payload["errors"]) == {"propertyIds", "issueFacets"}


async def test_endpoint_message_is_the_only_violation_alone(client: httpx.AsyncClient) -> None:
    body = valid_body() | {"issueKind": "Data"}
    response = await client.post(ENDPOINT, json=body, headers=AUTH)
    payload = response.json()
    assert response.status_code == 422
    assert payload["message"].endswith("[issue-kind-enum]")
    assert payload["errors"] == {"issueKind": [payload["message"]]}


async def test_endpoint_enforces_the_rule_set_it_is_given() -> None:
    body = valid_body()
    del body["issueFacets"]
    app = create_app(ServerSettings(token=TOKEN), rules=RULES.without("data-requires-issue-facets"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(ENDPOINT, json=body, headers=AUTH)
    assert body["issueKind"] == "data"
    assert response.status_code == 201


# -- 201 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(spec_examples()))
async def test_endpoint_creates_each_spec_example(
    app: Any, client: httpx.AsyncClient, name: str
) -> None:
    body = spec_examples()[name]
    response = await client.post(ENDPOINT, json=body, headers=AUTH)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    created = response.json()
    assert CONTRACT.validator("IssueReportCreated").is_valid(created)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", created["createdAt"])
    stored = app.state.store.get(created["reportId"])
    assert stored is not None
    assert (stored.report_id, stored.created_at, stored.body) == (
        created["reportId"],
        created["createdAt"],
        body,
    )


async def test_endpoint_gives_each_report_a_new_id(client: httpx.AsyncClient) -> None:
    ids = {
        (await client.post(ENDPOINT, json=valid_body(), headers=AUTH)).json()["reportId"]
        for _ in range(20)
    }
    assert len(ids) == 20


async def test_endpoint_ignores_the_content_type(client: httpx.AsyncClient) -> None:
    response = await client.post(
        ENDPOINT,
        content=json.dumps(valid_body()).encode(),
        headers=AUTH | {"Content-Type": "text/plain"},
    )
    assert response.status_code == 201


# -- routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
async def test_endpoint_answers_405_with_allow_to_other_methods(
    client: httpx.AsyncClient, method: str
) -> None:
    response = await client.request(method, ENDPOINT, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    if method != "HEAD":
        assert CONTRACT.validator("Message").is_valid(response.json())


@pytest.mark.parametrize(
    "path", ["/", "/public/v1", "/public/v1/issues/", "/public/v1/issue", "/issues", "/_mock/x"]
)
async def test_server_answers_404_to_other_paths(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(path, json=valid_body(), headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found."}


# -- 413 ----------------------------------------------------------------------------------------


def _padded_body(size: int) -> bytes:
    """A valid report padded with an extra field to exactly `size` bytes."""
    head = json.dumps(valid_body())[:-1] + ', "padding": "'
    return (head + "x" * (size - len(head) - 2) + '"}').encode()


async def test_endpoint_accepts_a_body_of_exactly_the_limit(client: httpx.AsyncClient) -> None:
    body = _padded_body(MIB)
    assert len(body) == MIB
    response = await client.post(ENDPOINT, content=body, headers=AUTH)
    assert response.status_code == 201


async def test_endpoint_refuses_413_by_content_length_without_reading(
    app: Any,
) -> None:
    received = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"", "more_body": True}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    headers = [
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-length", str(MIB + 1).encode()),
    ]
    await app(
        {"type": "http", "method": "POST", "path": ENDPOINT, "headers": headers}, receive, send
    )
    assert received == 0
    assert sent[0]["status"] == 413
    assert "message" in json.loads(sent[1]["body"])


async def test_endpoint_refuses_413_with_content_length_over_http(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(ENDPOINT, content=_padded_body(MIB + 1), headers=AUTH)
    assert response.status_code == 413
    assert response.headers["connection"] == "close"  # the rest is not read over the wire
    assert CONTRACT.validator("Message").is_valid(response.json())


async def test_endpoint_refuses_a_chunked_body_past_the_limit_and_stops_reading(
    client: httpx.AsyncClient,
) -> None:
    chunk = b"x" * 65536
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(64):  # 4 MiB offered
            pulled += 1
            yield chunk

    response = await client.post(ENDPOINT, content=chunks(), headers=AUTH)
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert pulled < 64  # stopped at the limit, not read whole


async def test_endpoint_accepts_a_chunked_valid_body(client: httpx.AsyncClient) -> None:
    raw = json.dumps(valid_body()).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(raw), 7):
            yield raw[start : start + 7]

    response = await client.post(ENDPOINT, content=chunks(), headers=AUTH)
    assert response.status_code == 201


async def test_endpoint_respects_a_smaller_configured_limit() -> None:
    app = create_app(ServerSettings(token=TOKEN, max_body_bytes=64))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(ENDPOINT, content=_padded_body(65), headers=AUTH)
    assert response.status_code == 413


async def test_server_answers_the_lifespan_protocol(app: Any) -> None:
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        return next(incoming)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message["type"])

    await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
