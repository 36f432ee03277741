"""When to send a report again, and after how long.

Only outcomes where a second POST cannot file the report twice are retried:

- 429 and 503: the server says it did not process the request; wait `Retry-After` (seconds or an
  HTTP-date) when given, else back off exponentially with jitter. A `Retry-After` longer than
  `max_retry_after` is not waited for: the error is raised at once with its `retry_after`, since
  coming back earlier than asked would only be refused again.
- httpx.ConnectError, ConnectTimeout and PoolTimeout: no connection, so nothing was sent.

A read timeout, a connection that broke after sending, and 500/502/504 are *not* retried: the
server may have stored the report, and issue reports have no idempotency key to make a second POST
harmless.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from ..retry_after import parse_retry_after

__all__ = [
    "NOT_SENT_ERRORS",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
]

RETRYABLE_STATUSES = frozenset({429, 503})
"""Statuses that mean "not processed, come back later"."""

NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
"""Transport errors raised before the request left the client."""


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts.

    max_retries: retries after the first attempt (0 disables retrying).
    initial_delay, max_delay: exponential backoff bounds when the server gives no Retry-After.
    max_retry_after: the longest Retry-After honoured; a longer one is not waited for.
    jitter: fraction of the backoff removed at random, so that clients do not retry in step.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        """Refuse settings that would retry forever or wait a negative time."""
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0 <= self.initial_delay <= self.max_delay:
            raise ValueError("need 0 <= initial_delay <= max_delay")
        if self.max_retry_after < 0:
            raise ValueError("max_retry_after must be >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def backoff(self, retries_done: int, rng: random.Random) -> float:
        """The wait before retry number `retries_done + 1` when the server named none."""
        base = min(self.initial_delay * 2.0**retries_done, self.max_delay)
        return base * (1.0 - self.jitter * rng.random())

    def after_status(
        self, retries_done: int, status: int, headers: Mapping[str, str], rng: random.Random
    ) -> float | None:
        """Seconds to wait before retrying a response with `status`, or None not to retry."""
        if retries_done >= self.max_retries or status not in RETRYABLE_STATUSES:
            return None
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None:
            return self.backoff(retries_done, rng)
        return retry_after if retry_after <= self.max_retry_after else None

    def after_error(
        self, retries_done: int, error: httpx.TransportError, rng: random.Random
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None not to retry."""
        if retries_done >= self.max_retries or not isinstance(error, NOT_SENT_ERRORS):
            return None
        return self.backoff(retries_done, rng)
