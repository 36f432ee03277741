"""The reference server: an embedded endpoint that behaves exactly like the contract.

`reference_app(token)` is POST /public/v1/issues as the contract says, as an ASGI app usable
in-process (httpx.ASGITransport, starlette's TestClient) or under uvicorn (`immoteur-contract
mock`). `create_app(settings, rules=..., store=...)` builds variants: another RuleSet (the faulty
servers), a SQLite store, injected faults, `Prefer: code=` (allow_prefer). The inspection API
(`/_mock/reports`, paged) shows what was stored and `/_mock/faults` scripts documented errors for
the next requests; `app.store` / `app.state.store` reach the store directly. `serving(app)` runs
an app on a free loopback port in a thread, for tests over real HTTP.
"""

from __future__ import annotations

from .access_log import AccessLogMiddleware
from .app import ReferenceServer, ServerState, create_app, reference_app
from .faults import FailRateMiddleware, LatencyMiddleware, RateLimitMiddleware
from .inspection import INSPECTION_PREFIX, REPORTS_PATH
from .prefer import PreferMiddleware
from .scripted import FAULTS_PATH, ScriptedFaultMiddleware
from .serving import free_port, serving
from .settings import MAX_BODY_BYTES, ServerSettings
from .sqlite_store import SqliteStore
from .store import DEFAULT_STORE_CAP, MemoryStore, ReportStore, StoredReport

__all__ = [
    "DEFAULT_STORE_CAP",
    "FAULTS_PATH",
    "INSPECTION_PREFIX",
    "MAX_BODY_BYTES",
    "REPORTS_PATH",
    "AccessLogMiddleware",
    "FailRateMiddleware",
    "LatencyMiddleware",
    "MemoryStore",
    "PreferMiddleware",
    "RateLimitMiddleware",
    "ReferenceServer",
    "ReportStore",
    "ScriptedFaultMiddleware",
    "ServerSettings",
    "ServerState",
    "SqliteStore",
    "StoredReport",
    "create_app",
    "free_port",
    "reference_app",
    "serving",
]
