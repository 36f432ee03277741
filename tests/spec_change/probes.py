"""Checks run on an edited copy of the spec, in a subprocess, by test_spec_change.py.

Not collected by a plain `pytest` run (the name does not start with test_): the harness names
these tests explicitly, with `IMMOTEUR_SPEC` pointing at the copy, `IMMOTEUR_SCENARIO` naming the
scenario and the copy's regenerated client first on PYTHONPATH. They show that a part *follows*
the change, not only that its tests still pass: the reference server and the client facade give
the copy's JSON Schema verdict on the scenario's probe bodies (bodies whose verdict the change
flips).
"""

from __future__ import annotations

import os
from typing import Any

import anyio
import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app

from .scenarios import SCENARIOS

SCENARIO = next(s for s in SCENARIOS if s.name == os.environ.get("IMMOTEUR_SCENARIO"))
TOKEN = "spec-change-token"
BASE_URL = "http://127.0.0.1:9" + CONTRACT.base_path  # answered in-process, never connected to
PROBES = [pytest.param(body, id=f"probe-{n}") for n, body in enumerate(SCENARIO.probes)]


def _schema_says_valid(body: Any) -> bool:
    return bool(CONTRACT.validator(CONTRACT.request_schema_name).is_valid(body))


@pytest.mark.parametrize("body", PROBES)
def test_server_gives_the_copy_verdict(body: Any) -> None:
    app = reference_app(TOKEN)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            return await client.post(
                "/issues", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
            )

    reply = anyio.run(post)
    assert reply.status_code == (201 if _schema_says_valid(body) else 422), reply.text


@pytest.mark.parametrize("body", PROBES)
def test_facade_gives_the_copy_verdict(body: Any) -> None:
    from immoteur_contract.client import AsyncIssueReports, ReportRuleError

    app = reference_app(TOKEN)

    async def create() -> bool:
        transport = httpx.ASGITransport(app=app)
        async with AsyncIssueReports(TOKEN, base_url=BASE_URL, transport=transport) as reports:
            try:
                await reports.create(body)
            except ReportRuleError:
                return False
            return True

    assert anyio.run(create) == _schema_says_valid(body)
    assert len(app.store.list()) == int(_schema_says_valid(body))
