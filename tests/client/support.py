"""Helpers of the client tests: the reference server with scripted faults, scripted transports
(for answers no documented server gives), a sync in-process ASGI transport, a loopback uvicorn
server, and one `Filer` that drives the sync or the async facade with the same call.

Nothing here contacts a host other than 127.0.0.1.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.from_thread
import httpx

from immoteur_contract.client import AsyncIssueReports, CreatedReport, IssueReports, Report
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import ReferenceServer, reference_app, serving
from immoteur_contract.server.asgi import ASGIApp

__all__ = [
    "CLASSIFIED",
    "LOOPBACK_BASE_URL",
    "PROPERTY",
    "PROPERTY_2",
    "TOKEN",
    "Filer",
    "Script",
    "SyncASGITransport",
    "created",
    "seed_failing",
    "serving",
]

TOKEN = "tok-DISTINCTIVE-123"
"""A token distinctive enough to search every output for."""

PROPERTY = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
PROPERTY_2 = "5d1c3b2a-0f9e-4d8c-b7a6-95847362514f"
CLASSIFIED = "9b2e4f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
REPORT_ID = "0b7f6a3e-2d4c-4e1b-9a8f-7c6d5e4f3a2b"

LOOPBACK_BASE_URL = f"http://127.0.0.1:9{CONTRACT.base_path}"
"""Base URL of the scripted transports (never connected to: the transport answers)."""

Outcome = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def created(report_id: str = REPORT_ID, created_at: str = "2025-01-02T03:04:05Z") -> httpx.Response:
    """A documented 201."""
    return httpx.Response(201, json={"reportId": report_id, "createdAt": created_at})


@dataclass
class Script:
    """An httpx.MockTransport handler answering with `outcomes` in turn (the last one repeats);
    an exception outcome is raised with the request attached. `requests` records what came in."""

    outcomes: list[Outcome]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        outcome = self.outcomes[min(len(self.requests), len(self.outcomes)) - 1]
        if isinstance(outcome, httpx.RequestError):
            outcome.request = request
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, httpx.Response):  # a copy: a response object serves one client
            content = outcome.read()
            return httpx.Response(outcome.status_code, headers=outcome.headers, content=content)
        return outcome(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


class SyncASGITransport(httpx.BaseTransport):
    """Serves a sync httpx client from an ASGI app in-process, through an anyio blocking portal
    (httpx.ASGITransport itself only serves async clients)."""

    def __init__(self, app: ASGIApp, portal: anyio.from_thread.BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request on the portal's loop and return the fully read response."""

        async def send() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)


def seed_failing(pattern: Sequence[bool], rate: float) -> int:
    """A seed whose first draws fail exactly as `pattern` says, for the server's seeded fail_rate
    fault (one `random()` draw per request, failing when below `rate`)."""
    for seed in range(100_000):
        rng = random.Random(seed)
        if [rng.random() < rate for _ in pattern] == list(pattern):
            return seed
    raise LookupError("no seed gives that pattern")


@dataclass
class Filer:
    """Files a report with the sync or the async facade, so one test covers both alike.

    Each call makes a fresh client (closed afterwards) whose sleep is recorded in `sleeps`.
    """

    flavour: str
    portal: anyio.from_thread.BlockingPortal
    sleeps: list[float] = field(default_factory=list)
    on_sleep: Callable[[float], object] | None = None
    """Called with each recorded delay instead of waiting it (e.g. to move a server's clock)."""

    def _record(self, delay: float) -> None:
        self.sleeps.append(delay)
        if self.on_sleep is not None:
            self.on_sleep(delay)

    def scripted_server(self, *faults: Mapping[str, Any]) -> ReferenceServer:
        """The reference server, in-process, with `faults` queued through its inspection API
        (`POST /_mock/faults`): the next requests get the spec's documented answers."""
        app = reference_app(TOKEN)
        with self._inspection(app) as inspection:
            inspection.post("/_mock/faults", json=list(faults)).raise_for_status()
        return app

    def faults_left(self, app: ReferenceServer) -> list[int]:
        """`remaining` of each fault still queued on `app` (`GET /_mock/faults`)."""
        with self._inspection(app) as inspection:
            queue = inspection.get("/_mock/faults").raise_for_status().json()["queue"]
        return [fault["remaining"] for fault in queue]

    def _inspection(self, app: ReferenceServer) -> httpx.Client:
        return httpx.Client(transport=SyncASGITransport(app, self.portal), base_url="http://mock")

    def app_transport(self, app: ASGIApp) -> httpx.BaseTransport | httpx.AsyncBaseTransport:
        """An in-process transport to `app` of the flavour's kind."""
        if self.flavour == "sync":
            return SyncASGITransport(app, self.portal)
        return httpx.ASGITransport(app=app)

    def create(
        self,
        report: Report | Mapping[str, Any],
        *,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        base_url: str = LOOPBACK_BASE_URL,
        call_timeout: float | None = None,
        **options: Any,
    ) -> CreatedReport:
        """File `report` once through a new client of this flavour; `options` go to the client,
        `call_timeout` to `create`."""
        if self.flavour == "sync":
            assert transport is None or isinstance(transport, httpx.BaseTransport)
            with IssueReports(
                TOKEN,
                base_url=base_url,
                transport=transport,
                sleep=self._record,
                **options,
            ) as client:
                return client.create(report, timeout=call_timeout)
        assert transport is None or isinstance(transport, httpx.AsyncBaseTransport)

        async def record(delay: float) -> None:
            self._record(delay)

        async def file() -> CreatedReport:
            async with AsyncIssueReports(
                TOKEN, base_url=base_url, transport=transport, sleep=record, **options
            ) as client:
                return await client.create(report, timeout=call_timeout)

        return anyio.run(file)
