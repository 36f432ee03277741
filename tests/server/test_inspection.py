"""The inspection API under /_mock/: list, fetch, clear; no token needed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import (
    MemoryStore,
    ReferenceServer,
    ReportStore,
    ServerSettings,
    SqliteStore,
    StoredReport,
    create_app,
)
from immoteur_contract.server.asgi import Message
from immoteur_contract.server.inspection import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

from .asgi_driver import ENDPOINT, call, scope_for
from .conftest import AUTH, TOKEN, valid_body

pytestmark = pytest.mark.anyio


async def _create(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created


def _client(app: ReferenceServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


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
    assert listing == {
        "count": 0,
        "dropped": 0,
        "reports": [],
        "next": None,
        "cursorDropped": False,
    }


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


async def test_inspection_summary_shows_count_dropped_and_cap() -> None:
    app = create_app(ServerSettings(token=TOKEN), store=MemoryStore(cap=2))
    async with _client(app) as client:
        for _ in range(5):
            await _create(client)
        response = await client.get("/_mock/")
        assert response.status_code == 200
        assert response.json() == {"store": "MemoryStore", "count": 2, "dropped": 3, "cap": 2}
        listing = (await client.get("/_mock/reports")).json()
        assert (listing["count"], listing["dropped"], len(listing["reports"])) == (2, 3, 2)
        await client.delete("/_mock/reports")
        assert (await client.get("/_mock/")).json()["dropped"] == 0


@pytest.fixture(params=["memory", "sqlite"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReportStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    store = SqliteStore(tmp_path / "reports.sqlite3")
    yield store
    store.close()


async def test_inspection_lists_reports_sent_with_characters_outside_ascii(
    any_store: ReportStore,
) -> None:
    # raw UTF-8 (kept as received), an escaped astral character and an escaped lone surrogate
    sent = (
        '{"propertyIds":["3c90c3cc-0d44-4b50-8888-8dd25736052a"],"issueKind":"other",'
        '"comment":"été 🏠 \\ud83c\\udfe0 \\ud800"}'
    ).encode()
    app = create_app(ServerSettings(token=TOKEN), store=any_store)
    async with _client(app) as client:
        created = await client.post(
            CONTRACT.endpoint_path,
            content=sent,
            headers=AUTH | {"Content-Type": "application/json"},
        )
        assert created.status_code == 201
        listing = await client.get("/_mock/reports")
        one = await client.get(f"/_mock/reports/{created.json()['reportId']}")
    assert listing.status_code == 200
    assert [r["body"] for r in listing.json()["reports"]] == [json.loads(sent)]
    assert one.json()["body"] == json.loads(sent)


async def test_inspection_pages_through_the_listing(any_store: ReportStore) -> None:
    app = create_app(ServerSettings(token=TOKEN), store=any_store)
    async with _client(app) as client:
        created = [(await _create(client))["reportId"] for _ in range(7)]
        pages: list[list[str]] = []
        params = {"limit": "3"}
        while True:
            page = (await client.get("/_mock/reports", params=params)).json()
            assert page["count"] == 7
            pages.append([r["reportId"] for r in page["reports"]])
            if page["next"] is None:
                break
            assert page["next"] == pages[-1][-1]
            params["after"] = page["next"]
    assert pages == [created[0:3], created[3:6], created[6:7]]


async def test_inspection_page_ending_exactly_at_the_last_report_has_no_next(
    client: httpx.AsyncClient,
) -> None:
    created = [(await _create(client))["reportId"] for _ in range(4)]
    page = (await client.get("/_mock/reports", params={"limit": 2, "after": created[1]})).json()
    assert [r["reportId"] for r in page["reports"]] == created[2:]
    assert page["next"] is None


async def test_inspection_listing_defaults_to_one_page_of_the_default_size() -> None:
    store = MemoryStore()
    for n in range(DEFAULT_PAGE_SIZE + 5):
        store.add(StoredReport(f"00000000-0000-4000-8000-{n:012d}", "2026-01-01T00:00:00Z", {}))
    async with _client(create_app(ServerSettings(token=TOKEN), store=store)) as client:
        page = (await client.get("/_mock/reports")).json()
        assert len(page["reports"]) == DEFAULT_PAGE_SIZE
        assert page["next"] == page["reports"][-1]["reportId"]
        full = (await client.get("/_mock/reports", params={"limit": MAX_PAGE_SIZE})).json()
        assert len(full["reports"]) == DEFAULT_PAGE_SIZE + 5


@pytest.mark.parametrize(
    ("query", "complaint"),
    [
        pytest.param("limit=0", f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}", id="0"),
        pytest.param(f"limit={MAX_PAGE_SIZE + 1}", "limit must be a whole number", id="too-big"),
        pytest.param("limit=-1", "limit must be a whole number", id="negative"),
        pytest.param("limit=ten", "limit must be a whole number", id="not-a-number"),
        pytest.param("limit=", "limit must be a whole number", id="empty"),
        pytest.param("limit=%EF%BC%95", "limit must be a whole number", id="fullwidth-digit"),
        pytest.param("limit=1&limit=2", "limit is given more than once", id="repeated"),
        pytest.param("page=2", "unknown query parameter 'page'; known: limit, after", id="unknown"),
        pytest.param("limit", "the query string must be name=value pairs", id="no-value"),
        pytest.param(
            "after=00000000-0000-4000-8000-000000000000",
            "after must be the reportId of a kept report",
            id="unknown-after",
        ),
    ],
)
async def test_inspection_answers_400_to_a_bad_listing_query(
    client: httpx.AsyncClient, query: str, complaint: str
) -> None:
    await _create(client)
    response = await client.get(f"/_mock/reports?{query}")
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("Bad query: ")
    assert complaint in message


async def test_inspection_listing_streams_large_reports_and_lets_posts_in_between() -> None:
    """A big listing is sent in several chunks, and the event loop runs other requests between
    them: a POST started after the listing finishes before the listing's last chunk."""
    app = create_app(ServerSettings(token=TOKEN))
    big = valid_body() | {"padding": "x" * 200_000}
    for _ in range(6):
        assert (
            await call(app, "POST", ENDPOINT, [json.dumps(big).encode()], AUTH.items())
        ).status == 201
    events: list[str] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            events.append("chunk" if message.get("more_body") else "last chunk")

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def post_meanwhile() -> None:
        await asyncio.sleep(0)
        reply = await call(app, "POST", ENDPOINT, [json.dumps(valid_body()).encode()], AUTH.items())
        events.append(f"POST {reply.status}")

    await asyncio.gather(app(scope_for("GET", "/_mock/reports"), receive, send), post_meanwhile())
    assert events.count("chunk") >= 6
    assert events.index("POST 201") < events.index("last chunk")


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
async def test_inspection_cursor_dropped_by_the_cap_continues_from_the_oldest_kept(
    store_kind: str, tmp_path: Path
) -> None:
    """A reader pages while reports arrive past the cap: its cursor was dropped, so the next
    page starts from the oldest kept report and says so, instead of answering 400."""
    store: ReportStore = (
        MemoryStore(cap=3) if store_kind == "memory" else SqliteStore(tmp_path / "r.db", cap=3)
    )
    app = create_app(ServerSettings(token=TOKEN), store=store)
    try:
        async with _client(app) as client:
            made = [await _create(client) for _ in range(3)]
            first_page = (await client.get("/_mock/reports", params={"limit": 1})).json()
            assert first_page["next"] == made[0]["reportId"]
            assert first_page["cursorDropped"] is False
            later = [await _create(client) for _ in range(2)]  # drops made[0] and made[1]
            page = (await client.get("/_mock/reports", params={"after": first_page["next"]})).json()
        assert page["cursorDropped"] is True
        assert [r["reportId"] for r in page["reports"]] == [
            made[2]["reportId"],
            *(r["reportId"] for r in later),
        ]
        assert page["dropped"] == 2
    finally:
        if isinstance(store, SqliteStore):
            store.close()


async def test_inspection_cursor_of_a_cleared_report_is_still_a_400() -> None:
    """After DELETE nothing was dropped by the cap: the old cursor is unknown, not skipped."""
    app = create_app(ServerSettings(token=TOKEN), store=MemoryStore(cap=2))
    async with _client(app) as client:
        made = [await _create(client) for _ in range(3)]
        await client.delete("/_mock/reports")
        await _create(client)
        response = await client.get("/_mock/reports", params={"after": made[0]["reportId"]})
    assert response.status_code == 400
    assert "unknown or was cleared" in response.json()["message"]
