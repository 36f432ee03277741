"""Scripted faults: a queue of answers for the next requests, set through the inspection API, for
tests of a client that cannot set headers (where `Prefer` cannot reach).

    POST   /_mock/faults  {"next": 3, "status": 503}   -> 200 {"queue": [...]}  (appended)
           (or a list of such objects; "example": NAME picks a documented example,
            "malformed": true cuts the body in half so that it is not JSON)
    GET    /_mock/faults                               -> 200 {"queue": [{"status", "remaining",
                                                               "example", "malformed"}]}
    DELETE /_mock/faults                               -> 204 (the queue is emptied)

Each request on the public API's paths whose token is accepted takes the next scripted answer
instead of reaching the contract (nothing is stored); a missing or wrong token still gets the
contract's 401 and takes nothing from the queue. Statuses and bodies are the spec's documented
errors (`documented.py`); 201 is accepted only with `"malformed": true` (a well-formed 201 that
stored nothing would be a lie). Like the rest of the inspection API it needs no token and is
always available: nothing changes until a test scripts something. The queue lives in the server
process.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from .asgi import ASGIApp, Receive, Scope, Send
from .auth import TokenCheck
from .body import BodyError, BodyTooLargeError, ClientGoneError, decode_json, read_body
from .documented import DocumentedAnswers, UnavailableAnswerError
from .errors import Answer, json_answer, method_not_allowed
from .inspection import INSPECTION_PREFIX
from .stamps import Clock, new_report_id

__all__ = ["FAULTS_PATH", "MAX_SCRIPTED", "ScriptedFault", "ScriptedFaultMiddleware"]

FAULTS_PATH = INSPECTION_PREFIX + "faults"
MAX_SCRIPTED = 10_000
"""The largest `next` of one entry."""

_FIELDS = ("status", "next", "example", "malformed")
_NO_CONTENT = Answer(204, (), b"")
_MAX_SCRIPT_BYTES = 64 * 1024


@dataclass
class ScriptedFault:
    """An answer for the next `remaining` requests."""

    status: int
    remaining: int
    example: str | None
    malformed: bool
    answer: Answer

    def to_json(self) -> dict[str, Any]:
        """The entry as the inspection API shows it."""
        return {
            "status": self.status,
            "remaining": self.remaining,
            "example": self.example,
            "malformed": self.malformed,
        }


class _ScriptError(ValueError):
    """A scripted fault that cannot be queued; the message says why."""


class ScriptedFaultMiddleware:
    """Serves FAULTS_PATH and answers authenticated requests on `prefix` from the queue while
    it is not empty (an empty queue costs one truth test per request)."""

    def __init__(
        self, app: ASGIApp, *, answers: DocumentedAnswers, check: TokenCheck, prefix: str = "/"
    ) -> None:
        self.app = app
        self.answers = answers
        self.check = check
        self.prefix = prefix
        self.queue: deque[ScriptedFault] = deque()
        self._clock = Clock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Script, answer from the queue, or pass on."""
        if scope["type"] == "http":
            path = str(scope["path"])
            if self.queue and path.startswith(self.prefix) and self._authenticated(scope):
                await self._take().send(send)
                return
            if path == FAULTS_PATH:
                await self._control(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _authenticated(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return self.check(value)
        return False

    def _take(self) -> Answer:
        fault = self.queue[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            self.queue.popleft()
        return fault.answer

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method == "GET":
            answer = self._listing()
        elif method == "DELETE":
            self.queue.clear()
            answer = _NO_CONTENT
        elif method == "POST":
            try:
                script = decode_json(await read_body(receive, _MAX_SCRIPT_BYTES))
                faults = [self._fault(entry) for entry in _entries(script)]
            except ClientGoneError:
                return
            except (BodyError, BodyTooLargeError, _ScriptError, UnavailableAnswerError) as error:
                reason = str(error) or f"the script is larger than {_MAX_SCRIPT_BYTES} bytes"
                answer = json_answer(400, {"message": f"Cannot script this fault: {reason}."})
            else:
                self.queue.extend(faults)
                answer = self._listing()
        else:
            answer = method_not_allowed("GET, POST, DELETE")
        await answer.send(send)

    def _listing(self) -> Answer:
        return json_answer(200, {"queue": [fault.to_json() for fault in self.queue]})

    def _fault(self, entry: Any) -> ScriptedFault:
        if not isinstance(entry, dict):
            raise _ScriptError('each fault is a JSON object such as {"next": 3, "status": 503}')
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown:
            raise _ScriptError(f"unknown field {unknown[0]!r}; known: {', '.join(_FIELDS)}")
        status: Any = entry.get("status")
        count: Any = entry.get("next", 1)
        example, malformed = entry.get("example"), entry.get("malformed", False)
        if not _is_int(status):
            raise _ScriptError("status must be an HTTP status code")
        if not _is_int(count) or not 1 <= count <= MAX_SCRIPTED:
            raise _ScriptError(f"next must be a whole number from 1 to {MAX_SCRIPTED}")
        if example is not None and not isinstance(example, str):
            raise _ScriptError("example must be the name of a documented example")
        if not isinstance(malformed, bool):
            raise _ScriptError("malformed must be true or false")
        if status == 201 and malformed and example is None:
            created = {"createdAt": self._clock.now(), "reportId": new_report_id()}
            answer = json_answer(201, created)
        elif status == 201:
            raise _ScriptError("status 201 must be malformed (a 201 that stored nothing would lie)")
        else:
            answer = self.answers.answer(status, example)
        if malformed:
            answer = _cut(answer)
        return ScriptedFault(status, count, example, malformed, answer)


def _entries(script: Any) -> list[Any]:
    if isinstance(script, list):
        if not script:
            raise _ScriptError("the list of faults is empty")
        return script
    return [script]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cut(answer: Answer) -> Answer:
    """The answer with its body cut in half (no longer JSON), Content-Length adjusted."""
    body = answer.body[: len(answer.body) // 2]
    headers = tuple(
        (name, str(len(body)).encode() if name == b"content-length" else value)
        for name, value in answer.headers
    )
    return Answer(answer.status, headers, body)
