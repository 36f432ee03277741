"""Load: 2000 valid reports over 50 concurrent connections to the mock command (uvicorn in its own
process, so that client and server do not share a GIL) are all stored, each under its own id.

Each connection is its own one-connection httpx client sending its share in turn: the same 50
concurrent keep-alive connections as one client with limits=50, without the cost of httpx's pool
bookkeeping at that size (which made the same load several times slower)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from immoteur_contract.rules import CONTRACT

from .conftest import AUTH, TOKEN, every_report, valid_body
from .live import mock_process

REPORTS = 2000
CONNECTIONS = 50


async def _send_share(base_url: str, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        return [
            await client.post(CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)
            for _ in range(count)
        ]


@pytest.mark.anyio
async def test_server_stores_2000_concurrent_reports_under_distinct_ids() -> None:
    with mock_process(["--log-level", "warning"], {"IMMOTEUR_MOCK_TOKEN": TOKEN}) as mock:
        mock.wait_ready()
        shares = await asyncio.gather(
            *(_send_share(mock.base_url, REPORTS // CONNECTIONS) for _ in range(CONNECTIONS))
        )
        async with httpx.AsyncClient(base_url=mock.base_url) as client:
            listed = await every_report(client)
        mock.stop()
    responses = [response for share in shares for response in share]
    assert [r.status_code for r in responses] == [201] * REPORTS
    answered = {r.json()["reportId"] for r in responses}
    stored = [r["reportId"] for r in listed]
    assert len(stored) == REPORTS
    assert set(stored) == answered
    assert len(answered) == REPORTS
