"""Fixtures of the server tests: a token, valid bodies from the spec's examples, an app, clients."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import ReferenceServer, StoredReport, reference_app

TOKEN = "server-tests-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def spec_examples() -> dict[str, dict[str, Any]]:
    """The spec's request examples by name (each a valid report)."""
    post = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    return {name: copy.deepcopy(example["value"]) for name, example in examples.items()}


def spec_reports() -> list[StoredReport]:
    """One stored report per spec example, with made-up ids and days, in example order."""
    return [
        StoredReport(
            f"00000000-0000-4000-8000-00000000000{n}", f"2026-01-0{n}T00:00:00.000000Z", body
        )
        for n, body in enumerate(spec_examples().values(), start=1)
    ]


def numbered_report(n: int) -> StoredReport:
    """A stored report whose id and body carry `n` (for order and cap tests)."""
    return StoredReport(
        f"00000000-0000-4000-8000-{n:012d}", "2026-01-01T00:00:00.000000Z", {"n": n}
    )


def valid_body() -> dict[str, Any]:
    """A fresh copy of the spec's first request example."""
    return next(iter(spec_examples().values()))


async def every_report(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every report the inspection API lists, page after page (oldest first)."""
    reports: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "1000"}
    while True:
        response = await client.get("/_mock/reports", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        reports.extend(page["reports"])
        if page["next"] is None:
            return reports
        params["after"] = page["next"]


@pytest.fixture
def app() -> ReferenceServer:
    return reference_app(TOKEN)


@pytest.fixture
async def client(app: ReferenceServer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
