"""The one transport every layer sends through: request budget, rate, write safety, 429, 401.

Enforcing the policy here, below the suite's own client and schemathesis's requests session
alike, means no layer can send past the budget, faster than the rate, or a report the target
would accept when writes are not allowed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from ..rules import CONTRACT, RULES
from .ledger import Ledger
from .safety import Policy

__all__ = [
    "BudgetExhaustedError",
    "GuardedTransport",
    "StopRunError",
    "TargetUnreachableError",
    "TokenRejectedError",
    "WriteBlockedError",
]

MAX_RETRY_AFTER = 30.0
"""Longest Retry-After (seconds) honoured on a 429; longer waits are cut to this."""
MAX_RETRIES = 3
"""429 retries of one request before its 429 is returned to the test."""


class StopRunError(BaseException):
    """The run cannot go on (exit 2). A BaseException so that no `except Exception` in
    schemathesis, hypothesis or requests mistakes it for a failed check."""


class TargetUnreachableError(StopRunError):
    """The target did not accept a connection."""


class TokenRejectedError(StopRunError):
    """The target answered 401 to a request carrying the configured token."""


class BudgetExhaustedError(BaseException):
    """The request budget, or the current test's share of it, is spent: the test stops there
    (the plugin counts it as run in part) and the run goes on with the next one."""


class WriteBlockedError(Exception):
    """The request would file a real report on a remote target without --allow-writes."""


class GuardedTransport(httpx.BaseTransport):
    """Wraps `inner`; enforces `policy`; records every request sent in `ledger`."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        policy: Policy,
        token: str,
        ledger: Ledger,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self.policy = policy
        self._authorization = f"Bearer {token}"
        self.ledger = ledger
        self._sleep = sleep
        self._clock = clock
        self._last_sent: float | None = None
        self.token_accepted = False
        self.test_cap: int | None = None
        """Set by the plugin for a test with a capped share: the request count at which it
        stops (None: only the run's budget applies)."""

    @property
    def exhausted(self) -> bool:
        return len(self.ledger.exchanges) >= self.policy.max_requests

    def would_be_accepted(self, request: httpx.Request, content: bytes) -> bool:
        """Whether the contract says the target must accept this request (201): a POST to the
        endpoint with the configured token and a valid report, whatever its Content-Type."""
        if request.method != "POST" or not request.url.path.endswith(CONTRACT.issues_path):
            return False
        if request.headers.get("authorization") != self._authorization:
            return False
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
            return False
        return RULES.is_valid(body)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        if not self.policy.allow_writes and self.would_be_accepted(request, content):
            raise WriteBlockedError("a report the target would accept (writes not allowed)")
        for attempt in range(MAX_RETRIES + 1):
            response = self._send_once(request, content)
            if response.status_code != 429 or attempt == MAX_RETRIES:
                break
            self._sleep(_retry_after(response))
        return response

    def _send_once(self, request: httpx.Request, content: bytes) -> httpx.Response:
        if self.exhausted:
            raise BudgetExhaustedError(f"request budget of {self.policy.max_requests} spent")
        if self.test_cap is not None and len(self.ledger.exchanges) >= self.test_cap:
            raise BudgetExhaustedError("this test's share of the request budget is spent")
        self._pace()
        headers = dict(request.headers)
        started = time.perf_counter()
        try:
            response = self._inner.handle_request(request)
            response.read()
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            self.ledger.add(request.method, str(request.url), headers, content, None)
            raise TargetUnreachableError(
                f"cannot reach {request.url.scheme}://{request.url.netloc.decode()}: {error}"
            ) from None
        exchange = self.ledger.add(
            request.method, str(request.url), headers, content, response.status_code
        )
        exchange.seconds = time.perf_counter() - started
        if response.status_code == 429:
            exchange.response_headers = dict(response.headers)
        self._check_token(request, response)
        return response

    def close(self) -> None:
        self._inner.close()

    def _pace(self) -> None:
        if self.policy.rate is not None and self._last_sent is not None:
            wait = self._last_sent + 1.0 / self.policy.rate - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_sent = self._clock()

    def _check_token(self, request: httpx.Request, response: httpx.Response) -> None:
        if request.headers.get("authorization") != self._authorization:
            return
        if response.status_code != 401:
            self.token_accepted = True
            return
        # Remote: stop at once. Local: once the token has worked, a 401 is a divergence.
        if self.policy.remote or not self.token_accepted:
            raise TokenRejectedError(
                "the target rejected the token (401 Unauthenticated): check IMMOTEUR_TOKEN"
            )


def _retry_after(response: httpx.Response) -> float:
    try:
        seconds = float(response.headers.get("retry-after", "1"))
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
