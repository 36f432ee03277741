"""Scripted faults through /_mock/faults: the next N authenticated requests get a documented
error (or a malformed body), in queue order; the inspection API and unauthenticated requests are
left alone; a script that cannot be honoured gets 400."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app, reference_app
from immoteur_contract.server.documented import documented_answers
from immoteur_contract.server.scripted import MAX_SCRIPTED

from .conftest import AUTH, TOKEN, valid_body

pytestmark = pytest.mark.anyio

FAULTS = "/_mock/faults"


def _client(app: ReferenceServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _statuses(client: httpx.AsyncClient, count: int, **headers: str) -> list[int]:
    return [
        (
            await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH | headers)
        ).status_code
        for _ in range(count)
    ]


async def test_scripted_503s_answer_the_next_requests_then_the_contract_resumes() -> None:
    app = reference_app(TOKEN)
    async with _client(app) as client:
        scripted = await client.post(FAULTS, json={"next": 3, "status": 503})
        assert scripted.status_code == 200
        assert scripted.json() == {
            "queue": [{"status": 503, "remaining": 3, "example": None, "malformed": False}]
        }
        assert await _statuses(client, 2) == [503, 503]
        assert (await client.get(FAULTS)).json()["queue"][0]["remaining"] == 1
        assert await _statuses(client, 2) == [503, 201]
        assert (await client.get(FAULTS)).json() == {"queue": []}
    assert len(app.store.list()) == 1  # the faulted requests stored nothing


async def test_scripted_faults_run_in_queue_order() -> None:
    async with _client(reference_app(TOKEN)) as client:
        await client.post(FAULTS, json=[{"status": 429}, {"next": 2, "status": 500}])
        await client.post(FAULTS, json={"status": 403})
        assert await _statuses(client, 5) == [429, 500, 500, 403, 201]


async def test_scripted_faults_are_cleared_by_delete() -> None:
    async with _client(reference_app(TOKEN)) as client:
        await client.post(FAULTS, json={"next": 5, "status": 503})
        assert (await client.delete(FAULTS)).status_code == 204
        assert (await client.get(FAULTS)).json() == {"queue": []}
        assert await _statuses(client, 1) == [201]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-token"),
    ],
)
async def test_scripted_faults_leave_unauthenticated_requests_to_the_contract(
    headers: dict[str, str],
) -> None:
    async with _client(reference_app(TOKEN)) as client:
        await client.post(FAULTS, json={"status": 503})
        response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=headers)
        assert response.status_code == 401
        assert (await client.get(FAULTS)).json()["queue"][0]["remaining"] == 1
        assert await _statuses(client, 1) == [503]


async def test_scripted_faults_leave_the_inspection_api_alone() -> None:
    async with _client(reference_app(TOKEN)) as client:
        await client.post(FAULTS, json={"status": 500})
        assert (await client.get("/_mock/reports", headers=AUTH)).status_code == 200
        assert (await client.get(FAULTS)).json()["queue"][0]["remaining"] == 1


@pytest.mark.parametrize(
    "status",
    [pytest.param(s, id=str(s)) for s in (400, 401, 403, 409, 422, 429, 500, 502, 503, 504)],
)
async def test_scripted_answers_are_the_documented_ones(status: int) -> None:
    async with _client(reference_app(TOKEN)) as client:
        await client.post(FAULTS, json={"status": status})
        response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)
    documented = documented_answers(CONTRACT).answer(status)
    assert response.status_code == status
    assert response.content == documented.body
    assert [(k.encode(), v.encode()) for k, v in response.headers.items()] == list(
        documented.headers
    )
    schema_name = documented_answers(CONTRACT).response(status).schema_name
    if schema_name is not None:
        CONTRACT.validator(schema_name).validate(response.json())


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        pytest.param({"status": 201, "malformed": True}, 201, id="201"),
        pytest.param({"status": 422, "malformed": True}, 422, id="422"),
        pytest.param({"status": 401, "example": "default", "malformed": True}, 401, id="401"),
    ],
)
async def test_scripted_malformed_bodies_are_not_json(fault: dict[str, Any], status: int) -> None:
    app = reference_app(TOKEN)
    async with _client(app) as client:
        await client.post(FAULTS, json=fault)
        response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert app.store.list() == []


async def test_scripted_faults_work_without_allow_prefer_and_with_it() -> None:
    for settings in (ServerSettings(token=TOKEN), ServerSettings(token=TOKEN, allow_prefer=True)):
        async with _client(create_app(settings)) as client:
            await client.post(FAULTS, json={"status": 503})
            assert await _statuses(client, 1, Prefer="code=422") == [503]


@pytest.mark.parametrize(
    ("script", "complaint"),
    [
        pytest.param({"next": 1}, "status must be an HTTP status code", id="no-status"),
        pytest.param({"status": "503"}, "status must be an HTTP status code", id="status-text"),
        pytest.param({"status": True}, "status must be an HTTP status code", id="status-bool"),
        pytest.param({"status": 200}, "status 200 is not a documented error", id="200"),
        pytest.param({"status": 201}, "status 201 must be malformed", id="201-well-formed"),
        pytest.param({"status": 600}, "status 600 is not a documented error", id="600"),
        pytest.param({"status": 503, "next": 0}, "next must be a whole number", id="next-0"),
        pytest.param(
            {"status": 503, "next": MAX_SCRIPTED + 1}, "next must be a whole number", id="next-big"
        ),
        pytest.param({"status": 503, "next": 1.5}, "next must be a whole number", id="next-float"),
        pytest.param(
            {"status": 422, "example": "nope"}, "documents no example 'nope'", id="unknown-example"
        ),
        pytest.param({"status": 422, "example": 1}, "example must be the name", id="example-int"),
        pytest.param(
            {"status": 503, "malformed": "yes"}, "malformed must be true or false", id="m"
        ),
        pytest.param({"status": 503, "count": 3}, "unknown field 'count'", id="unknown-field"),
        pytest.param([], "the list of faults is empty", id="empty-list"),
        pytest.param([503], "each fault is a JSON object", id="not-an-object"),
    ],
)
async def test_scripts_that_cannot_be_honoured_get_400_and_queue_nothing(
    script: Any, complaint: str
) -> None:
    async with _client(reference_app(TOKEN)) as client:
        response = await client.post(FAULTS, json=script)
        assert response.status_code == 400
        message = response.json()["message"]
        assert message.startswith("Cannot script this fault: ")
        assert complaint in message
        assert (await client.get(FAULTS)).json() == {"queue": []}


async def test_a_script_that_is_not_json_gets_400() -> None:
    async with _client(reference_app(TOKEN)) as client:
        response = await client.post(FAULTS, content=b"{next: 3}")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Cannot script this fault: ")


async def test_a_script_list_with_one_bad_entry_queues_none_of_it() -> None:
    async with _client(reference_app(TOKEN)) as client:
        response = await client.post(FAULTS, json=[{"status": 503}, {"status": 200}])
        assert response.status_code == 400
        assert (await client.get(FAULTS)).json() == {"queue": []}


async def test_faults_path_answers_405_to_other_methods() -> None:
    async with _client(reference_app(TOKEN)) as client:
        response = await client.put(FAULTS)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST, DELETE"
