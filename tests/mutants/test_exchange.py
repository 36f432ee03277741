"""The Divergence middleware: a handler sees the whole exchange and what it returns is sent."""

from __future__ import annotations

import json

import httpx
import pytest

from immoteur_contract.mutants.bodies import example
from immoteur_contract.mutants.exchange import CallNext, Divergence, Request, Response
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app
from immoteur_contract.server.asgi import ASGIApp, Message, Receive, Scope, Send

TOKEN = "exchange-test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}


async def _post(app: ASGIApp, body: bytes, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post(CONTRACT.endpoint_path, content=body, headers=headers)


async def _unchanged(request: Request, call_next: CallNext) -> Response:
    return await call_next(request)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        pytest.param(example("data"), AUTH, 201, id="created"),
        pytest.param(example("data", issueFacets=[]), AUTH, 422, id="unprocessable"),
        pytest.param(example("data"), {}, 401, id="unauthenticated"),
    ],
)
async def test_divergence_identity_handler_answers_as_the_app(
    body: object, headers: dict[str, str], status: int
) -> None:
    content = json.dumps(body).encode()
    plain = await _post(reference_app(TOKEN), content, headers)
    wrapped = await _post(Divergence(reference_app(TOKEN), _unchanged), content, headers)
    assert plain.status_code == wrapped.status_code == status
    assert plain.headers["content-type"] == wrapped.headers["content-type"]
    if status != 201:  # a 201 carries a fresh id and time
        assert plain.json() == wrapped.json()


@pytest.mark.anyio
async def test_divergence_handler_may_alter_the_request_before_the_app() -> None:
    async def authenticate(request: Request, call_next: CallNext) -> Response:
        return await call_next(request.with_header("authorization", f"Bearer {TOKEN}"))

    response = await _post(
        Divergence(reference_app(TOKEN), authenticate), json.dumps(example("data")).encode(), {}
    )
    assert response.status_code == 201


@pytest.mark.anyio
async def test_divergence_recomputes_content_length_of_a_new_body() -> None:
    async def shorten(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        return response.with_json({"x": 1}).with_status(299)

    response = await _post(
        Divergence(reference_app(TOKEN), shorten), json.dumps(example("data")).encode(), AUTH
    )
    assert response.status_code == 299
    assert response.json() == {"x": 1}
    assert response.headers["content-length"] == str(len(response.content))


def test_response_header_edits_replace_and_remove() -> None:
    response = Response(200, (("allow", "POST"), ("content-type", "text/plain")), b"")
    assert response.without_header("allow").header("allow") is None
    assert response.with_header("content-type", "application/json").header("content-type") == (
        "application/json"
    )


@pytest.mark.anyio
async def test_divergence_passes_lifespan_scopes_to_the_app() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(str(scope["type"]))

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    await Divergence(app, _unchanged)({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]


def test_divergence_exposes_the_wrapped_apps_store() -> None:
    app = reference_app(TOKEN)
    wrapped = Divergence(app, _unchanged)
    assert wrapped.store is app.store
