"""Report stores: in memory, and SQLite that survives a restart without loss or duplicates."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import (
    MemoryStore,
    ReportStore,
    ServerSettings,
    SqliteStore,
    StoredReport,
    create_app,
)

from .conftest import AUTH, TOKEN, spec_examples

REPORTS = [
    StoredReport(f"00000000-0000-4000-8000-00000000000{n}", f"2026-01-0{n}T00:00:00.000000Z", body)
    for n, body in enumerate(spec_examples().values(), start=1)
]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ReportStore:
    if request.param == "memory":
        return MemoryStore()
    return SqliteStore(tmp_path / "reports.sqlite3")


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


def test_sqlite_store_survives_a_reopen_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    first = SqliteStore(path)
    for report in REPORTS:
        first.add(report)
    first.close()
    second = SqliteStore(path)
    assert second.list() == REPORTS
    second.add(StoredReport("00000000-0000-4000-8000-0000000000ff", "2026-02-01T00:00:00Z", {}))
    second.close()
    assert len(SqliteStore(path).list()) == len(REPORTS) + 1


@pytest.mark.anyio
async def test_sqlite_store_keeps_reports_across_a_server_restart(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    created: list[str] = []
    for _ in range(2):  # two server lifetimes on the same file
        store = SqliteStore(path)
        app = create_app(ServerSettings(token=TOKEN), store=store)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            for body in spec_examples().values():
                response = await client.post(CONTRACT.endpoint_path, json=body, headers=AUTH)
                created.append(response.json()["reportId"])
            listing = (await client.get("/_mock/reports")).json()
        store.close()
        assert [r["reportId"] for r in listing["reports"]] == created
    assert len(set(created)) == len(created) == 2 * len(spec_examples())
    assert [r.body for r in SqliteStore(path).list()] == 2 * list(spec_examples().values())


def test_sqlite_store_repr_names_the_file_only(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "r.sqlite3")
    assert repr(store) == f"SqliteStore({str(tmp_path / 'r.sqlite3')!r})"
    store.close()


RECEIVED_TEXT = (
    '{\n  "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],\n  "issueKind": "data",'
    ' "issueFacets": ["price"],\n  "comment": "first", "comment": "\\u00e9 \\ud800 \u00e9 1e2"}'
)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_store_keeps_the_received_text_and_gives_back_the_same_body(
    kind: str, tmp_path: Path
) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "reports.sqlite3")
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
