"""The inspection API under `/_mock/`: see, fetch and clear what the server stored.

    GET    /_mock/reports       -> 200 {"count": n, "reports": [{"reportId", "createdAt", "body"}]}
    GET    /_mock/reports/{id}  -> 200 {"reportId", "createdAt", "body"}, or 404
    DELETE /_mock/reports       -> 204 (the store is emptied)

It needs no token: it is a testing aid for a server bound to loopback, outside the public API's
prefix, and fault injection does not touch it.
"""

from __future__ import annotations

from .asgi import Receive, Scope, Send
from .errors import NOT_FOUND, Answer, json_answer, method_not_allowed
from .store import ReportStore

__all__ = ["INSPECTION_PREFIX", "REPORTS_PATH", "inspect"]

INSPECTION_PREFIX = "/_mock/"
REPORTS_PATH = INSPECTION_PREFIX + "reports"

_NO_CONTENT = Answer(204, (), b"")


async def inspect(store: ReportStore, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one request under INSPECTION_PREFIX."""
    path: str = scope["path"]
    method: str = scope["method"]
    if path == REPORTS_PATH:
        if method == "GET":
            reports = [report.to_json() for report in store.list()]
            answer = json_answer(200, {"count": len(reports), "reports": reports})
        elif method == "DELETE":
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
    else:
        answer = NOT_FOUND
    await answer.send(send)
