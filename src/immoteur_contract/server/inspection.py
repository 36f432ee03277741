"""The inspection API under `/_mock/`: see, fetch and clear what the server stored.

    GET    /_mock/              -> 200 {"store": class name, "count", "dropped", "cap"}
    GET    /_mock/reports       -> 200 {"count", "dropped", "reports": [{"reportId", "createdAt",
                                        "body"}], "next", "cursorDropped"}
                                        (?limit=N&after=ID, oldest first)
    GET    /_mock/reports/{id}  -> 200 {"reportId", "createdAt", "body"}, or 404
    DELETE /_mock/reports       -> 204 (the store is emptied, its memory given back)

`count` is every report kept, `dropped` the reports the store cap dropped since the last DELETE,
`cap` the cap (null: none). A listing is one page of at most `limit` reports (DEFAULT_PAGE_SIZE,
at most MAX_PAGE_SIZE) after the report `after`; `next` is the `after` of the next page, null on
the last. When the store cap dropped the report `after` names while a reader was paging, the
page starts from the oldest report kept and says so with `"cursorDropped": true` (the reader lost
the reports between, which `dropped` counts); a cursor that is unknown or was cleared is a 400.

A page is streamed a few reports at a time from the store's JSON text, yielding to the
event loop in between, so a big listing neither builds its whole body in memory nor holds up the
POSTs that arrive meanwhile. A bad query parameter gets 400 with a message naming it.

It needs no token of the public API: it is a testing aid outside the public API's prefix, and
fault injection does not touch it. On a socket, `guard.py` keeps it to the server's own Host names,
refuses cross-site requests, and with `mock --admin-token` requires an admin token.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from .asgi import Receive, Scope, Send
from .errors import NOT_FOUND, Answer, dump, json_answer, method_not_allowed
from .store import ReportStore, Row

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "INSPECTION_PREFIX",
    "MAX_PAGE_SIZE",
    "REPORTS_PATH",
    "inspect",
]

INSPECTION_PREFIX = "/_mock/"
REPORTS_PATH = INSPECTION_PREFIX + "reports"

DEFAULT_PAGE_SIZE = 100
"""Reports per listing page when `limit` is not given."""
MAX_PAGE_SIZE = 1000
"""The largest `limit` accepted."""

_NO_CONTENT = Answer(204, (), b"")
_STREAM_BATCH = 16
"""Reports read from the store per step of a streamed listing."""
_STREAM_CHUNK = 64 * 1024
"""Bytes gathered before a send (large reports go one by one)."""


async def inspect(store: ReportStore, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one request under INSPECTION_PREFIX."""
    path: str = scope["path"]
    method: str = scope["method"]
    if path == REPORTS_PATH:
        if method == "GET":
            await _list(store, scope.get("query_string", b""), send)
            return
        if method == "DELETE":
            store.clear()
            answer = _NO_CONTENT
        else:
            answer = method_not_allowed("GET, DELETE")
    elif path.startswith(REPORTS_PATH + "/") and "/" not in path[len(REPORTS_PATH) + 1 :]:
        if method == "GET":
            report = store.get(path[len(REPORTS_PATH) + 1 :])
            answer = NOT_FOUND if report is None else json_answer(200, report.to_json())
        else:
            answer = method_not_allowed("GET")
    elif path == INSPECTION_PREFIX:
        answer = _summary(store) if method == "GET" else method_not_allowed("GET")
    else:
        answer = NOT_FOUND
    await answer.send(send)


def _summary(store: ReportStore) -> Answer:
    return json_answer(
        200,
        {
            "store": type(store).__name__,
            "count": len(store),
            "dropped": store.dropped,
            "cap": store.cap,
        },
    )


class _QueryError(ValueError):
    """A listing's query string cannot be used; the message says which parameter and why."""


def _page_query(store: ReportStore, query_string: bytes) -> tuple[int, int, bool]:
    """(limit, position to list after, whether the cap dropped `after`) from
    `?limit=&after=`."""
    try:
        pairs = parse_qsl(
            query_string.decode("ascii"), keep_blank_values=True, strict_parsing=bool(query_string)
        )
    except (UnicodeDecodeError, ValueError):
        raise _QueryError("the query string must be name=value pairs") from None
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in ("limit", "after"):
            raise _QueryError(f"unknown query parameter {name!r}; known: limit, after")
        if name in given:
            raise _QueryError(f"{name} is given more than once")
        given[name] = value
    limit = DEFAULT_PAGE_SIZE
    if "limit" in given:
        text = given["limit"]
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE_SIZE:
            raise _QueryError(f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}")
        limit = int(text)
    position = 0
    if "after" in given:
        found = store.position(given["after"])
        if found is not None:
            position = found
        elif _dropped_by_cap(store, given["after"]):
            return limit, 0, True
        else:
            raise _QueryError(
                "after must be the reportId of a kept report (this one is unknown or was cleared)"
            )
    return limit, position, False


def _millis(report_id: str) -> str | None:
    """The creation time a UUIDv7 report id starts with (48 bits of milliseconds, as 12 hex
    digits that sort like the times), or None for an id of another form."""
    if len(report_id) != 36 or report_id[8] != "-" or report_id[14] != "7":
        return None
    prefix = (report_id[:8] + report_id[9:13]).lower()
    return prefix if all(c in "0123456789abcdef" for c in prefix) else None


def _dropped_by_cap(store: ReportStore, report_id: str) -> bool:
    """Whether `report_id`, which is not kept, is one the cap dropped: the cap dropped reports
    since the last clear, and the id was made no later than the oldest report kept (ids are
    UUIDv7, so they start with their creation time)."""
    if not store.dropped:
        return False
    made = _millis(report_id)
    oldest = store.rows_after(0, 1)
    if made is None or not oldest:
        return False
    kept = _millis(oldest[0].report_id)
    return kept is not None and made <= kept


def _row_json(row: Row) -> bytes:
    return b'{"reportId":%s,"createdAt":%s,"body":%s}' % (
        dump(row.report_id),
        dump(row.created_at),
        row.body_json,
    )


async def _list(store: ReportStore, query_string: bytes, send: Send) -> None:
    """Stream one page of the listing (see the module docstring)."""
    try:
        limit, position, cursor_dropped = _page_query(store, query_string)
    except _QueryError as error:
        await json_answer(400, {"message": f"Bad query: {error}."}).send(send)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    head = b'{"count":%d,"dropped":%d,"reports":[' % (len(store), store.dropped)
    chunk = [head]
    size = len(head)
    listed = 0
    last: Row | None = None
    while listed < limit:
        rows = store.rows_after(position, min(_STREAM_BATCH, limit - listed))
        if not rows:
            break
        for row in rows:
            encoded = _row_json(row)
            if listed:
                chunk.append(b",")
            chunk.append(encoded)
            size += len(encoded) + 1
            listed += 1
            if size >= _STREAM_CHUNK:
                await send(
                    {"type": "http.response.body", "body": b"".join(chunk), "more_body": True}
                )
                await asyncio.sleep(0)  # let the requests that arrived meanwhile in
                chunk, size = [], 0
        last = rows[-1]
        position = last.position
    more = last is not None and listed == limit and bool(store.rows_after(position, 1))
    tail = b'],"next":%s,"cursorDropped":%s}' % (
        dump(last.report_id) if more and last is not None else b"null",
        b"true" if cursor_dropped else b"false",
    )
    chunk.append(tail)
    await send({"type": "http.response.body", "body": b"".join(chunk), "more_body": False})
