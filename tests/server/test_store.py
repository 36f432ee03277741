"""Report stores: in memory, and SQLite that survives a restart without loss or duplicates."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import (
    DEFAULT_STORE_CAP,
    MemoryStore,
    ReportStore,
    ServerSettings,
    SqliteStore,
    create_app,
)
from immoteur_contract.server.inspection import DEFAULT_PAGE_SIZE

from .conftest import AUTH, TOKEN, numbered_report, spec_examples, spec_reports

REPORTS = spec_reports()


StoreFactory = Callable[[int | None], ReportStore]


@pytest.fixture(params=["memory", "sqlite"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes a store of the parameter's kind with the given cap (closed afterwards)."""
    made: list[SqliteStore] = []

    def make(cap: int | None) -> ReportStore:
        if request.param == "memory":
            return MemoryStore(cap=cap)
        made.append(SqliteStore(tmp_path / f"reports-{len(made)}.sqlite3", cap=cap))
        return made[-1]

    yield make
    for sqlite_store in made:
        sqlite_store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> ReportStore:
    return store_factory(DEFAULT_STORE_CAP)


def test_store_keeps_reports_in_acceptance_order(store: ReportStore) -> None:
    for report in REPORTS:
        store.add(report)
    assert store.list() == REPORTS
    assert store.get(REPORTS[1].report_id) == REPORTS[1]
    assert store.get("00000000-0000-0000-0000-000000000000") is None
    assert isinstance(store, ReportStore)


def test_store_clear_forgets_everything(store: ReportStore) -> None:
    for report in REPORTS:
        store.add(report)
    store.clear()
    assert store.list() == []
    assert store.get(REPORTS[0].report_id) is None


def test_store_refuses_a_duplicate_id(store: ReportStore) -> None:
    store.add(REPORTS[0])
    with pytest.raises((KeyError, sqlite3.IntegrityError)):
        store.add(REPORTS[0])
    assert store.list() == [REPORTS[0]]


RECEIVED_TEXT = (
    '{\n  "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],\n  "issueKind": "data",'
    ' "issueFacets": ["price"],\n  "comment": "first", "comment": "\\u00e9 \\ud800 \u00e9 1e2"}'
)


def test_store_past_its_cap_drops_the_oldest_and_counts_them(store_factory: StoreFactory) -> None:
    store = store_factory(3)
    for n in range(10):
        store.add(numbered_report(n))
    assert [r.body["n"] for r in store.list()] == [7, 8, 9]
    assert (len(store), store.dropped, store.cap) == (3, 7, 3)
    assert store.get(numbered_report(6).report_id) is None
    assert store.position(numbered_report(6).report_id) is None
    assert store.get(numbered_report(7).report_id) == numbered_report(7)


def test_store_cap_holds_over_many_adds(store_factory: StoreFactory) -> None:
    store = store_factory(100)
    # past the memory store's compaction point several times; SQLite commits (fsync) are slower
    adds = 5000 if isinstance(store, MemoryStore) else 400
    for n in range(adds):
        store.add(numbered_report(n))
        assert len(store) == min(n + 1, 100)
    assert [r.body["n"] for r in store.list()] == list(range(adds - 100, adds))
    assert store.dropped == adds - 100


def test_store_without_cap_keeps_everything(store_factory: StoreFactory) -> None:
    store = store_factory(None)
    for n in range(DEFAULT_PAGE_SIZE + 1):
        store.add(numbered_report(n))
    assert (len(store), store.dropped, store.cap) == (DEFAULT_PAGE_SIZE + 1, 0, None)


def test_store_clear_resets_the_dropped_count(store_factory: StoreFactory) -> None:
    store = store_factory(2)
    for n in range(5):
        store.add(numbered_report(n))
    store.clear()
    assert (len(store), store.dropped) == (0, 0)
    store.add(numbered_report(9))
    assert store.list() == [numbered_report(9)]


def test_store_lists_in_pages_by_position(store_factory: StoreFactory) -> None:
    store = store_factory(None)
    for n in range(7):
        store.add(numbered_report(n))
    pages, position = [], 0
    while rows := store.rows_after(position, 3):
        pages.append([json.loads(row.body_json)["n"] for row in rows])
        position = rows[-1].position
    assert pages == [[0, 1, 2], [3, 4, 5], [6]]
    third = store.position(numbered_report(2).report_id)
    assert third is not None
    assert [row.report_id for row in store.rows_after(third, 2)] == [
        numbered_report(3).report_id,
        numbered_report(4).report_id,
    ]


def test_store_page_after_a_dropped_position_starts_at_the_oldest_kept(
    store_factory: StoreFactory,
) -> None:
    store = store_factory(2)
    store.add(numbered_report(0))
    first = store.position(numbered_report(0).report_id)
    assert first is not None
    for n in range(1, 5):
        store.add(numbered_report(n))
    assert [row.report_id for row in store.rows_after(first, 10)] == [
        numbered_report(3).report_id,
        numbered_report(4).report_id,
    ]


@pytest.mark.parametrize("cap", [0, -1], ids=["zero", "negative"])
def test_store_refuses_a_cap_below_one(store_factory: StoreFactory, cap: int) -> None:
    with pytest.raises(ValueError, match="cap must be >= 1"):
        store_factory(cap)


@pytest.mark.anyio
async def test_store_keeps_the_received_text_and_gives_back_the_same_body(
    store_factory: StoreFactory,
) -> None:
    store = store_factory(DEFAULT_STORE_CAP)
    app = create_app(ServerSettings(token=TOKEN), store=store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        created = await client.post(
            CONTRACT.endpoint_path,
            content=RECEIVED_TEXT.encode(),
            headers=AUTH | {"Content-Type": "application/json"},
        )
        assert created.status_code == 201
        listed = await client.get(f"/_mock/reports/{created.json()['reportId']}")
    stored = store.get(created.json()["reportId"])
    assert stored is not None
    expected = json.loads(RECEIVED_TEXT)  # whitespace gone, escapes decoded, last key wins
    assert expected["comment"] == "\u00e9 \ud800 \u00e9 1e2"
    assert stored.body == expected
    assert listed.json()["body"] == expected


@pytest.mark.anyio
async def test_store_cap_holds_under_many_concurrent_posts(store_factory: StoreFactory) -> None:
    store = store_factory(50)
    app = create_app(ServerSettings(token=TOKEN), store=store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:

        async def post_many() -> list[str]:
            ids = []
            for body in 7 * list(spec_examples().values()):
                response = await client.post(CONTRACT.endpoint_path, json=body, headers=AUTH)
                assert response.status_code == 201
                ids.append(response.json()["reportId"])
            return ids

        batches = await asyncio.gather(*(post_many() for _ in range(10)))
        summary = (await client.get("/_mock/")).json()
    answered = {report_id for batch in batches for report_id in batch}
    assert len(answered) == 210
    assert summary == {"store": type(store).__name__, "count": 50, "dropped": 160, "cap": 50}
    assert {r.report_id for r in store.list()} <= answered
