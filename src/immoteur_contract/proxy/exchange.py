"""One exchange as the proxy saw it: the request, the answer (or why there was none), the
capped bodies, and where it stands in the session."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .bounded import BoundedBody

__all__ = ["Seen", "credential_of"]


@dataclass
class Seen:
    """A forwarded exchange. `status` is None when no answer came from the upstream (`error`
    says why: the proxy answered 502, or the upstream cut the answer); `url` is where it was
    forwarded. `cut` is set when the
    answer started but did not finish (client gone, upstream gone); `client_gone` when the
    client left before its request was whole (nothing of it is judged); `upstream_failed` when
    the proxy answered 502."""

    index: int
    method: str
    path: str
    query: str
    request_headers: list[tuple[str, str]]
    request_body: BoundedBody
    url: str = ""
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: BoundedBody | None = None
    error: str | None = None
    cut: bool = False
    client_gone: bool = False
    upstream_failed: bool = False
    seconds: float = 0.0

    def record(self) -> tuple[Any, ...]:
        """The exchange as plain values (bodies as the bytes kept), for the judging process;
        `Seen.restored` rebuilds it."""
        answer = self.response_body
        return (
            self.index,
            self.method,
            self.path,
            self.query,
            self.request_headers,
            (self.request_body.content(), self.request_body.size, self.request_body.truncated),
            self.url,
            self.status,
            self.response_headers,
            None if answer is None else (answer.content(), answer.size, answer.truncated),
            self.error,
            self.cut,
            self.client_gone,
            self.upstream_failed,
            self.seconds,
        )

    @classmethod
    def restored(cls, record: tuple[Any, ...]) -> Seen:
        """The exchange `record` describes."""
        (index, method, path, query, headers, sent, url, status, answer_headers, answer) = record[
            :10
        ]
        seen = cls(index, method, path, query, headers, BoundedBody.restored(*sent), url, status)
        seen.response_headers = answer_headers
        seen.response_body = None if answer is None else BoundedBody.restored(*answer)
        seen.error, seen.cut, seen.client_gone, seen.upstream_failed, seen.seconds = record[10:]
        return seen

    def header(self, name: str) -> str | None:
        """The first request header `name` (lower case), or None."""
        return next((v for k, v in self.request_headers if k == name), None)

    def release(self) -> None:
        """Give the kept bodies' bytes back to the capture budget."""
        self.request_body.release()
        if self.response_body is not None:
            self.response_body.release()


def credential_of(authorization: str | None) -> str:
    """The secret part of an Authorization header (the token after `Bearer `, else the whole
    value), for scrubbing; empty when there is none."""
    if not authorization:
        return ""
    scheme, _, rest = authorization.strip().partition(" ")
    return rest.strip() or scheme
