"""`Prefer: code=NNN` / `example=NAME`: documented errors on demand, only with --allow-prefer,
only for an accepted token, every body conforming to the spec's schema for that status."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app
from immoteur_contract.server.documented import documented_answers
from immoteur_contract.server.prefer import parse_prefer

from .conftest import AUTH, TOKEN, valid_body

pytestmark = pytest.mark.anyio

ANSWERS = documented_answers(CONTRACT)
RESPONSES = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]["responses"]


def _response_spec(status: int) -> dict[str, Any]:
    """The spec's response object for `status` (its code, else `default`), $ref resolved."""
    node = RESPONSES.get(str(status), RESPONSES["default"])
    name = node["$ref"].rsplit("/", 1)[-1]
    response: dict[str, Any] = CONTRACT.document["components"]["responses"][name]
    return response


def _client(app: ReferenceServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _post(app: ReferenceServer, prefer: str, **headers: str) -> httpx.Response:
    async with _client(app) as client:
        return await client.post(
            CONTRACT.endpoint_path, json=valid_body(), headers=AUTH | {"Prefer": prefer} | headers
        )


def _allowing() -> ReferenceServer:
    return create_app(ServerSettings(token=TOKEN, allow_prefer=True))


def test_documented_error_statuses_are_the_specs() -> None:
    listed = sorted(int(code) for code in RESPONSES if code.isdigit() and int(code) >= 400)
    assert list(ANSWERS.listed) == listed
    assert ANSWERS.has_default == ("default" in RESPONSES)


@pytest.mark.parametrize(
    "status",
    [
        pytest.param(status, id=str(status))
        for status in (
            *sorted(int(c) for c in RESPONSES if c.isdigit() and int(c) >= 400),
            409,
            500,
            502,
            503,
            504,
        )
    ],
)
async def test_prefer_code_answers_the_documented_status_with_a_conforming_body(
    status: int,
) -> None:
    app = _allowing()
    response = await _post(app, f"code={status}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.headers["preference-applied"] == f"code={status}"
    spec = _response_spec(status)
    media = spec.get("content", {}).get("application/json")
    if media is not None:  # the body must validate against the documented schema
        name = media["schema"]["$ref"].rsplit("/", 1)[-1]
        CONTRACT.validator(name).validate(response.json())
        if "example" in media:
            assert response.json() == media["example"]
    else:  # nothing documented: the server's own layout, the response's description as message
        assert response.json() == {"message": " ".join(spec["description"].split())}
    for header, definition in spec.get("headers", {}).items():
        value = response.headers[header]
        schema = definition["schema"]
        jsonschema.validate(int(value) if schema.get("type") == "integer" else value, schema)
    assert app.store.list() == []  # a preferred answer stores nothing


async def test_prefer_code_422_gives_a_field_error_keyed_by_a_request_field() -> None:
    body = (await _post(_allowing(), "code=422")).json()
    assert set(body["errors"]) <= set(CONTRACT.request_fields)
    assert body["errors"]


async def test_prefer_429_advertises_a_retry_after_of_at_least_one_second() -> None:
    response = await _post(_allowing(), "code=429")
    assert int(response.headers["retry-after"]) >= 1


async def test_prefer_is_ignored_without_allow_prefer() -> None:
    app = create_app(ServerSettings(token=TOKEN))
    response = await _post(app, "code=422")
    assert response.status_code == 201
    assert "preference-applied" not in response.headers
    assert len(app.store.list()) == 1


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-token"),
        pytest.param("Bearer wrong-token", id="wrong-token"),
        pytest.param(f"Basic {TOKEN}", id="wrong-scheme"),
    ],
)
async def test_prefer_never_answers_a_request_without_an_accepted_token(
    authorization: str | None,
) -> None:
    app = _allowing()
    headers = {"Prefer": "code=422"}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with _client(app) as client:
        response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


@pytest.mark.parametrize(
    ("prefer", "status"),
    [
        pytest.param("code=422, example=default", 422, id="code-and-example"),
        pytest.param('code="422"; example="default"', 422, id="quoted-with-parameters"),
        pytest.param("return=minimal", 201, id="other-preference-ignored"),
        pytest.param("dynamic=true", 201, id="prism-dynamic-ignored"),
        pytest.param("", 201, id="empty"),
    ],
)
async def test_prefer_reads_rfc_7240_syntax(prefer: str, status: int) -> None:
    response = await _post(_allowing(), prefer)
    assert response.status_code == status
    if status == 422:
        media = _response_spec(422)["content"]["application/json"]
        assert response.json() == media["example"]


@pytest.mark.parametrize(
    ("prefer", "complaint"),
    [
        pytest.param("code=200", "status 200 is not a documented error", id="200"),
        pytest.param("code=201", "status 201 is not a documented error", id="201"),
        pytest.param("code=302", "status 302 is not a documented error", id="302"),
        pytest.param("code=999", "status 999 is not a documented error", id="999"),
        pytest.param("code=abc", "code=abc is not a status code", id="not-a-number"),
        pytest.param("code=-422", "code=-422 is not a status code", id="negative"),
        pytest.param("code=422, example=nope", "documents no example 'nope'", id="unknown-example"),
        pytest.param("code=403, example=default", "its examples: none", id="no-examples"),
        pytest.param("example=default", "example=default needs a code=", id="example-alone"),
    ],
)
async def test_prefer_that_cannot_be_honoured_gets_400_naming_what_is_available(
    prefer: str, complaint: str
) -> None:
    app = _allowing()
    response = await _post(app, prefer)
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("Prefer cannot be honoured: ")
    assert complaint in message
    if "documented error" in complaint or "needs a code" in complaint:
        assert ANSWERS.available() in message
    assert app.store.list() == []


async def test_prefer_does_not_touch_the_inspection_api() -> None:
    async with _client(_allowing()) as client:
        response = await client.get("/_mock/reports", headers=AUTH | {"Prefer": "code=500"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([b"code=422"], {"code": "422"}, id="one"),
        pytest.param([b"Code=422, EXAMPLE=x"], {"code": "422", "example": "x"}, id="case"),
        pytest.param([b"code=422", b"code=500"], {"code": "422"}, id="first-wins"),
        pytest.param([b'code="500";foo=bar'], {"code": "500"}, id="quoted-parameter"),
        pytest.param([b"respond-async, wait=10"], {"respond-async": "", "wait": "10"}, id="rfc"),
        pytest.param([b" , ,"], {}, id="empty-items"),
    ],
)
def test_parse_prefer(values: list[bytes], expected: dict[str, str]) -> None:
    assert parse_prefer(values) == expected
