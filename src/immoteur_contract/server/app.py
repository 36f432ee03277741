"""The reference server as an ASGI application: the contract of POST /public/v1/issues, exactly.

A request goes: route (404 / 405 with `Allow: POST`), token (401 before the body is read), size
(413 by Content-Length up front, or by counting a streamed body), strict JSON (400), the rules
(422 with every violation, Laravel's shape), then 201 `{"createdAt", "reportId"}` and the report
is stored. The rules are a `RuleSet` (the contract's `RULES` unless told otherwise), never
re-implemented here. The public endpoint is a hand-written ASGI path, not a router: it is the
hot path the throughput benchmark measures.

The store of an app is `app.store` (also `app.state.store`, as on a Starlette app).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from ..rules import CONTRACT, RULES, RuleSet
from .asgi import ASGIApp, Receive, Scope, Send
from .auth import TokenCheck
from .body import BodyError, BodyTooLargeError, ClientGoneError, decode_json, read_body
from .documented import documented_answers
from .errors import (
    BODY_TOO_LARGE,
    NOT_FOUND,
    UNAUTHENTICATED,
    bad_request,
    method_not_allowed,
    unprocessable,
)
from .faults import FailRateMiddleware, LatencyMiddleware, RateLimitMiddleware
from .inspection import INSPECTION_PREFIX, inspect
from .prefer import PreferMiddleware
from .scripted import ScriptedFaultMiddleware
from .settings import ServerSettings
from .sqlite_store import SqliteStore
from .stamps import Clock, new_report_id
from .store import MemoryStore, ReportStore, StoredReport

__all__ = ["ReferenceServer", "ServerState", "create_app", "reference_app"]

_METHOD_NOT_ALLOWED = method_not_allowed("POST")
_CREATED_HEADERS_BASE = (b"content-type", b"application/json")


@dataclass(frozen=True)
class ServerState:
    """What a running app holds, for tests and tools: `app.state.store` and the rest."""

    settings: ServerSettings
    rules: RuleSet
    store: ReportStore


class _Contract:
    """The endpoint and the inspection API, without faults (the innermost ASGI app).

    The 201s of one turn of the event loop are written together, after that turn's reports are
    stored: with SQLite this is the group commit (`SqliteStore.add_together`); in memory, a
    yield to the loop after storing. Writing the answers in one burst, rather than each between
    the checks of the next requests, lets the server and its clients wake once for many answers
    instead of once per answer, which saves CPU on both sides under many connections.
    """

    def __init__(self, settings: ServerSettings, rules: RuleSet, store: ReportStore) -> None:
        self._path = CONTRACT.endpoint_path
        self._check = TokenCheck(settings.token, accept_any=settings.accept_any_token)
        self._limit = settings.max_body_bytes
        self._violations = rules.violations
        self._store = store
        # SQLite commits the reports of one turn of the event loop together (add_together)
        self._add_together = store.add_together if isinstance(store, SqliteStore) else None
        self._clock = Clock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path == self._path:
            if scope["method"] == "POST":
                await self._create(scope, receive, send)
            else:
                await _METHOD_NOT_ALLOWED.send(send)
        elif path.startswith(INSPECTION_PREFIX):
            await inspect(self._store, scope, receive, send)
        else:
            await NOT_FOUND.send(send)

    async def _create(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization: bytes | None = None
        content_length: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                if authorization is None:
                    authorization = value
            elif name == b"content-length":
                content_length = value
        if not self._check(authorization):
            await UNAUTHENTICATED.send(send)
            return
        if content_length is not None:
            try:
                declared = int(content_length)
            except ValueError:
                await bad_request("the Content-Length header is not a number").send(send)
                return
            if declared > self._limit:
                await BODY_TOO_LARGE.send(send)
                return
        try:
            raw = await read_body(receive, self._limit)
            body = decode_json(raw)
        except BodyTooLargeError:
            await BODY_TOO_LARGE.send(send)
            return
        except ClientGoneError:
            return
        except BodyError as error:
            await bad_request(str(error)).send(send)
            return
        violations = self._violations(body)
        if violations:
            await unprocessable(violations).send(send)
            return
        report_id = new_report_id()
        created_at = self._clock.now()
        report = StoredReport(report_id, created_at, body, raw)  # decode_json proved it JSON
        if self._add_together is None:
            self._store.add(report)
            await asyncio.sleep(0)  # answer with the turn's other 201s (see the class docstring)
        else:
            await self._add_together(report)
        payload = f'{{"createdAt":"{created_at}","reportId":"{report_id}"}}'.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": (_CREATED_HEADERS_BASE, (b"content-length", b"%d" % len(payload))),
            }
        )
        await send({"type": "http.response.body", "body": payload})


class ReferenceServer:
    """The ASGI application `create_app` returns: the contract, wrapped in the chosen faults.

    `store`, `settings` and `rules` are attributes, and `state` holds them too. The lifespan
    protocol is answered (nothing to start or stop: a store the caller made is the caller's to
    close).
    """

    def __init__(self, settings: ServerSettings, rules: RuleSet, store: ReportStore) -> None:
        self.settings = settings
        self.rules = rules
        self.store = store
        self.state = ServerState(settings=settings, rules=rules, store=store)
        self.app = _with_faults(
            _with_doubles(_Contract(settings, rules, store), settings), settings
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        kind = scope["type"]
        if kind == "http":
            await self.app(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        # websocket scopes are not served: returning without accepting closes them

    def __repr__(self) -> str:
        return f"ReferenceServer(settings={self.settings!r}, store={self.store!r})"


def _with_faults(app: ASGIApp, settings: ServerSettings) -> ASGIApp:
    """Wrap `app` in the faults `settings` asks for: latency outermost, then the rate limit,
    then the 503s (so a rate-limited request is never also counted as a failure)."""
    rng = random.Random(settings.seed)
    prefix = CONTRACT.base_path
    if settings.fail_rate > 0:
        app = FailRateMiddleware(app, fraction=settings.fail_rate, rng=rng, prefix=prefix)
    if settings.rate_limit is not None:
        app = RateLimitMiddleware(app, per_second=settings.rate_limit, prefix=prefix)
    if settings.latency > 0 or settings.latency_range is not None:
        app = LatencyMiddleware(
            app, seconds=settings.latency, jitter=settings.latency_range, rng=rng, prefix=prefix
        )
    return app


def _with_doubles(app: ASGIApp, settings: ServerSettings) -> ASGIApp:
    """Wrap `app` in the client-testing doubles: the scripted faults (always, idle until a test
    queues one through /_mock/faults) around `Prefer` (only with allow_prefer)."""
    answers = documented_answers(CONTRACT)
    check = TokenCheck(settings.token, accept_any=settings.accept_any_token)
    prefix = CONTRACT.base_path
    if settings.allow_prefer:
        app = PreferMiddleware(app, answers=answers, check=check, prefix=prefix)
    return ScriptedFaultMiddleware(app, answers=answers, check=check, prefix=prefix)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(
    settings: ServerSettings, *, rules: RuleSet = RULES, store: ReportStore | None = None
) -> ReferenceServer:
    """The reference server for `settings`, enforcing `rules`, keeping reports in `store`
    (a new MemoryStore when None). Reach the store as `app.store` or `app.state.store`."""
    return ReferenceServer(settings, rules, MemoryStore() if store is None else store)


def reference_app(token: str) -> ReferenceServer:
    """The reference server accepting `token`, with every default: memory store, no faults."""
    return create_app(ServerSettings(token=token))
