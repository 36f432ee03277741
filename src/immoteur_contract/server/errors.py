"""Every answer the server gives other than 201, built once as bytes, and the ASGI send helper.

The messages follow Laravel's wording where the contract borrows Laravel's conventions
(`{"message": "Unauthenticated."}`, `{"message", "errors"}` for 422).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..rules import RuleViolation
from .asgi import Send

__all__ = [
    "BODY_TOO_LARGE",
    "NOT_FOUND",
    "SERVICE_UNAVAILABLE",
    "UNAUTHENTICATED",
    "Answer",
    "bad_request",
    "json_answer",
    "method_not_allowed",
    "too_many_requests",
    "unprocessable",
]

_JSON = (b"content-type", b"application/json")


@dataclass(frozen=True)
class Answer:
    """A complete response: status, headers (content-type and length included) and body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    async def send(self, send: Send) -> None:
        """Send this answer through an ASGI `send`."""
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def dump(value: Any) -> bytes:
    """Compact, ASCII-escaped JSON bytes of `value` (lone surrogates in accepted bodies survive)."""
    return json.dumps(value, separators=(",", ":")).encode("ascii")


def json_answer(
    status: int, value: Any, extra_headers: Sequence[tuple[bytes, bytes]] = ()
) -> Answer:
    """An application/json answer."""
    body = dump(value)
    headers = (_JSON, (b"content-length", str(len(body)).encode()), *extra_headers)
    return Answer(status, headers, body)


def bad_request(reason: str) -> Answer:
    """400: the body is not JSON the server can read."""
    return json_answer(400, {"message": f"The request body is not valid JSON: {reason}."})


def method_not_allowed(allow: str) -> Answer:
    """405 with the Allow header."""
    return json_answer(
        405, {"message": "The method is not allowed here."}, [(b"allow", allow.encode())]
    )


def too_many_requests(retry_after: int) -> Answer:
    """429 with Retry-After in whole seconds (the rate-limit fault)."""
    return json_answer(
        429, {"message": "Too Many Attempts."}, [(b"retry-after", str(retry_after).encode())]
    )


def unprocessable(violations: Sequence[RuleViolation]) -> Answer:
    """422 in Laravel's shape: the first message (plus "(and N more errors)") and all of them.

    `errors` maps each field key to its messages, keys in first-violation order.
    """
    errors: dict[str, list[str]] = {}
    for violation in violations:
        errors.setdefault(violation.key, []).append(_naming_rule(violation))
    message = _naming_rule(violations[0])
    more = len(violations) - 1
    if more:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return json_answer(422, {"message": message, "errors": errors})


def _naming_rule(violation: RuleViolation) -> str:
    """The violation's message, ending with `[rule-id]` (added when the rule set did not)."""
    suffix = f"[{violation.rule_id}]"
    message = violation.message
    return message if message.endswith(suffix) else f"{message} {suffix}"


UNAUTHENTICATED = json_answer(401, {"message": "Unauthenticated."})
NOT_FOUND = json_answer(404, {"message": "Not found."})
BODY_TOO_LARGE = json_answer(
    413, {"message": "The request body is too large."}, [(b"connection", b"close")]
)
"""413, closing the connection: the rest of the body is never read, not even by the server."""
SERVICE_UNAVAILABLE = json_answer(503, {"message": "Service unavailable (injected fault)."})
