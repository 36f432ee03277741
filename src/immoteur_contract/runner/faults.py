"""Transport faults: what goes wrong between the runner and the target, kept apart from
contract divergences.

A reset, a timeout, a cut answer, an answer too large, a 429 or a 502/503/504 says nothing about
whether the target follows the contract: the request was not judged. A fault that retries do not
clear stops its test (`TransportFaultError`, a BaseException so that no `except Exception` in
schemathesis, hypothesis or a test mistakes it for a failed check); the test is "unverified",
never failed, and never enters a baseline. When the run itself cannot go on (rate limited for
longer than it may wait, the target no longer answering, `--max-time` reached) a `RunHaltedError`
ends it as a partial run, its verdict "could not verify" when faults left rules unjudged.

When a fault may be retried is the contract's business (`may_retry`): a request the contract
says must be rejected is harmless to send again; any request never fully sent may be sent again;
a request the target would accept (a write) only when the target cannot have received it.
"""

from __future__ import annotations

import httpx

from .network import TooLargeError

__all__ = [
    "FAULT_STATUSES",
    "NOT_SENT",
    "RateLimitedError",
    "RunDeadlineError",
    "RunHaltedError",
    "TargetSilentError",
    "TransportFaultError",
    "fault_of",
    "may_retry",
]

FAULT_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses that say the target (or a gateway before it) did not process the request."""
NOT_SENT = "no connection"
"""The fault kind of a request that never left: nothing reached the target."""


class TransportFaultError(BaseException):
    """A request met a transport fault that retries did not clear; its test stops unjudged."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


class RunHaltedError(BaseException):
    """The run cannot go on; it ends as a partial run and says why (`str(error)`)."""

    unverified = True
    """Whether the halt itself leaves the run unverified (rate limiting, a silent target)."""


class RateLimitedError(RunHaltedError):
    """The target asked to wait longer than the run may (Retry-After over the cap, or past
    --max-time)."""


class TargetSilentError(RunHaltedError):
    """Request after request met a transport fault: the target stopped answering."""


class RunDeadlineError(RunHaltedError):
    """--max-time is reached."""

    unverified = False


def fault_of(error: Exception) -> tuple[str, bool] | None:
    """The fault kind of an error raised while sending, and whether the request was fully
    sent; None for an error that is not a transport fault."""
    if isinstance(error, TooLargeError):
        return "too large, not judged", True
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return NOT_SENT, False
    if isinstance(error, httpx.WriteError | httpx.WriteTimeout):
        return "send failed", False
    if isinstance(error, httpx.TimeoutException):
        return "timeout", True
    if isinstance(error, httpx.RemoteProtocolError):
        text = str(error).lower()
        if "without sending" in text and "response" in text:
            return "reset", True
        if "buffer too long" in text:  # h11's limit on a header block
            return "headers too large, not judged", True
        if "incomplete" in text or "peer closed" in text:
            return "cut answer", True
        return "malformed answer", True
    if isinstance(error, httpx.ReadError | httpx.NetworkError):
        return "reset", True
    if isinstance(error, httpx.TransportError):
        return "transport error", True
    return None


def may_retry(*, kind: str, sent: bool, write: bool) -> bool:
    """Whether a request that met fault `kind` may be sent again: always when it was not fully
    sent; a write (a request the target would accept) otherwise only on 429 or 503, which say
    the request was not processed; any other request (the contract says it is rejected) always."""
    if not sent or not write:
        return True
    return kind in ("429", "503")
