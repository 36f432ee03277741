"""The inspection API under /_mock/: list, fetch, clear; no token needed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT

from .conftest import AUTH, valid_body

pytestmark = pytest.mark.anyio


async def _create(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created


async def test_inspection_lists_stored_reports_in_order(client: httpx.AsyncClient) -> None:
    first, second = await _create(client), await _create(client)
    response = await client.get("/_mock/reports")
    assert response.status_code == 200
    listing = response.json()
    assert listing["count"] == 2
    assert [(r["reportId"], r["createdAt"]) for r in listing["reports"]] == [
        (first["reportId"], first["createdAt"]),
        (second["reportId"], second["createdAt"]),
    ]
    assert all(r["body"] == valid_body() for r in listing["reports"])


async def test_inspection_lists_nothing_rejected(client: httpx.AsyncClient) -> None:
    await client.post(CONTRACT.endpoint_path, json={"issueKind": "data"}, headers=AUTH)
    await client.post(CONTRACT.endpoint_path, json=valid_body())
    listing = (await client.get("/_mock/reports")).json()
    assert listing == {"count": 0, "dropped": 0, "reports": [], "next": None}


async def test_inspection_fetches_one_report_by_id(client: httpx.AsyncClient) -> None:
    created = await _create(client)
    response = await client.get(f"/_mock/reports/{created['reportId']}")
    assert response.status_code == 200
    assert response.json() == created | {"body": valid_body()}


@pytest.mark.parametrize(
    "path",
    [
        "/_mock/reports/00000000-0000-4000-8000-000000000000",
        "/_mock/reports/not-an-id",
        "/_mock/reports/a/b",
        "/_mock/nothing",
    ],
)
async def test_inspection_answers_404_to_unknown_ids(client: httpx.AsyncClient, path: str) -> None:
    await _create(client)
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found."}


async def test_inspection_clears_the_store(client: httpx.AsyncClient, app: Any) -> None:
    await _create(client)
    response = await client.delete("/_mock/reports")
    assert response.status_code == 204
    assert app.state.store.list() == []
    assert (await client.get("/_mock/reports")).json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/_mock/reports", "GET, DELETE"), ("DELETE", "/_mock/reports/x", "GET")],
)
async def test_inspection_answers_405_to_other_methods(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
