"""The one transport every layer sends through: request budget, rate, write safety, deadlines,
answer size, transport faults and their retries, 401.

Enforcing the policy here, below the suite's own client and schemathesis's requests session
alike, means no layer can send past the budget, faster than the rate, or a report the target
would accept when writes are not allowed, and that every answer any layer reads was read within
the request's deadline and the size limit. A transport fault (faults.py) is retried with backoff
where the contract allows it, Retry-After honoured up to `MAX_RETRY_AFTER`; one that persists
stops its test unjudged (TransportFaultError). During the preflight a fault stops the run at once
(exit 2): a target that cannot answer one request in time cannot be tested.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from ..deadline import DeadlineBackend
from ..retry_after import parse_retry_after
from ..rules import CONTRACT, RULES
from .faults import (
    FAULT_STATUSES,
    NOT_SENT,
    RateLimitedError,
    RunDeadlineError,
    TargetSilentError,
    TransportFaultError,
    fault_of,
    may_retry,
)
from .ledger import Exchange, Ledger
from .network import DEFAULT_MAX_BODY, DEFAULT_REQUEST_TIMEOUT, read_bounded
from .safety import Policy

__all__ = [
    "BudgetExhaustedError",
    "GuardedTransport",
    "StopRunError",
    "TargetUnansweringError",
    "TargetUnreachableError",
    "TokenRejectedError",
    "WriteBlockedError",
]

MAX_RETRY_AFTER = 30.0
"""Longest Retry-After (seconds) waited for; a target asking for more stops the run as rate
limited (coming back earlier than asked would only be refused again)."""
MAX_RETRIES = 2
"""Retries of one request after a transport fault, where the contract allows them."""
BACKOFF = 0.5
"""Seconds before the first retry when the target names no wait; doubled at each retry."""
SILENT_AFTER = 5
"""Requests in a row whose faults persisted after which the target counts as no longer answering
and the run stops (a stalled target would otherwise cost every request its whole deadline)."""


class StopRunError(BaseException):
    """The run cannot go on (exit 2). A BaseException so that no `except Exception` in
    schemathesis, hypothesis or requests mistakes it for a failed check."""


class TargetUnreachableError(StopRunError):
    """The target did not accept a connection."""


class TargetUnansweringError(StopRunError):
    """The target could not answer the preflight's request within its deadline and size."""


class TokenRejectedError(StopRunError):
    """The target answered 401 to a request carrying the configured token."""


class BudgetExhaustedError(BaseException):
    """The request budget, or the current test's share of it, is spent: the test stops there
    (the plugin counts it as run in part) and the run goes on with the next one."""


class WriteBlockedError(Exception):
    """The request would file a real report on a remote target without --allow-writes."""


class _AttemptFaultError(Exception):
    """A transport fault met by one attempt, recorded in the ledger as `exchange`."""

    def __init__(self, kind: str, *, sent: bool, detail: str, exchange: Exchange) -> None:
        super().__init__(detail)
        self.kind = kind
        self.sent = sent
        self.exchange = exchange


class GuardedTransport(httpx.BaseTransport):
    """Wraps `inner`; enforces `policy`; records every request sent in `ledger`. `backend` (the
    socket transport's DeadlineBackend, None in-process) gets each request's deadline:
    `request_timeout` seconds, cut to `run_deadline` (a `clock()` value, None: none)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        policy: Policy,
        token: str,
        ledger: Ledger,
        backend: DeadlineBackend | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        run_deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self.policy = policy
        self._authorization = f"Bearer {token}"
        self.ledger = ledger
        self._backend = backend
        self.max_body = max_body
        self.request_timeout = request_timeout
        self.run_deadline = run_deadline
        self._sleep = sleep
        self._clock = clock
        self._last_sent: float | None = None
        self._silent = 0
        self.token_accepted = False
        self.preflight = True
        """True until the plugin starts the tests: a fault then stops the run (exit 2)."""
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
        write = self.would_be_accepted(request, content)
        if not self.policy.allow_writes and write:
            raise WriteBlockedError("a report the target would accept (writes not allowed)")
        retries = 0
        while True:
            self._check_run_deadline()
            try:
                response = self._send_once(request, content)
            except _AttemptFaultError as fault:
                kind, sent, wait = fault.kind, fault.sent, None
                detail = str(fault)
                if self.preflight and kind != "429":
                    raise TargetUnansweringError(self._unanswered(request, kind, detail)) from None
            else:
                if response.status_code not in FAULT_STATUSES:
                    self._silent = 0
                    return response
                kind, sent, detail = str(response.status_code), True, ""
                wait = parse_retry_after(response.headers.get("retry-after"))
                response.close()
            if not may_retry(kind=kind, sent=sent, write=write) or retries >= MAX_RETRIES:
                self._persisted(kind, detail)
            wait = self._wait_before_retry(kind, wait, retries)
            if wait is None:
                self._persisted(kind, detail)
            else:
                self._sleep(wait)
            retries += 1

    def _wait_before_retry(self, kind: str, asked: float | None, retries: int) -> float | None:
        """Seconds to wait before the next attempt (None: do not retry). RateLimitedError when
        the target asks for more than MAX_RETRY_AFTER or for a wait past --max-time."""
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise RateLimitedError(
                f"rate limited: the target asked to wait {asked:.0f} s (Retry-After), longer "
                f"than the {MAX_RETRY_AFTER:.0f} s the run waits"
            )
        wait = asked if asked is not None else BACKOFF * 2**retries
        if self.run_deadline is not None and self._clock() + wait >= self.run_deadline:
            if kind == "429":
                raise RateLimitedError(
                    f"rate limited: waiting {wait:.0f} s as the target asked would pass --max-time"
                )
            return None
        return wait

    def _persisted(self, kind: str, detail: str) -> None:
        """A fault that retries did not clear: stop the test, or the run when it is the
        preflight's, or the SILENT_AFTER-th in a row."""
        if self.preflight:
            if kind == "429":
                raise RateLimitedError("rate limited: the target answered 429 to the preflight")
            raise TargetUnansweringError(f"the target answered {kind} to the preflight")
        self._silent += 1
        if self._silent >= SILENT_AFTER:
            raise TargetSilentError(
                f"the target stopped answering: {self._silent} requests in a row met a transport"
                f" fault (the last: {kind})"
            )
        raise TransportFaultError(kind, detail)

    def _unanswered(self, request: httpx.Request, kind: str, detail: str) -> str:
        where = f"{request.url.scheme}://{request.url.netloc.decode()}"
        limits = f"{self.request_timeout:g} s and {self.max_body:,} bytes per answer"
        return f"{where} did not answer the preflight's request within {limits}: {kind}" + (
            f" ({detail})" if detail and detail != kind else ""
        )

    def _check_run_deadline(self) -> None:
        if self.run_deadline is not None and self._clock() >= self.run_deadline:
            raise RunDeadlineError("--max-time reached")

    def _send_once(self, request: httpx.Request, content: bytes) -> httpx.Response:
        if self.exhausted:
            raise BudgetExhaustedError(f"request budget of {self.policy.max_requests} spent")
        if self.test_cap is not None and len(self.ledger.exchanges) >= self.test_cap:
            raise BudgetExhaustedError("this test's share of the request budget is spent")
        self._pace()
        headers = dict(request.headers)
        started = time.perf_counter()
        if self._backend is not None:
            deadline = self._clock() + self.request_timeout
            if self.run_deadline is not None:
                deadline = min(deadline, self.run_deadline)
            self._backend.deadline = deadline
        try:
            answer = self._inner.handle_request(request)
            raw = read_bounded(answer, self.max_body)
        except Exception as error:
            found = fault_of(error)
            if found is None:
                raise
            kind, sent = found
            exchange = self.ledger.add(request.method, str(request.url), headers, content, None)
            exchange.fault = kind
            exchange.seconds = time.perf_counter() - started
            if kind == NOT_SENT and not self.token_accepted:
                raise TargetUnreachableError(
                    f"cannot reach {request.url.scheme}://{request.url.netloc.decode()}: {error}"
                ) from None
            raise _AttemptFaultError(
                kind, sent=sent, detail=str(error), exchange=exchange
            ) from None
        finally:
            if self._backend is not None:
                self._backend.deadline = None
        exchange = self.ledger.add(
            request.method, str(request.url), headers, content, answer.status_code
        )
        exchange.seconds = time.perf_counter() - started
        if answer.status_code in FAULT_STATUSES:
            exchange.fault = str(answer.status_code)
        if answer.status_code == 429:
            exchange.response_headers = dict(answer.headers)
        response = httpx.Response(
            answer.status_code,
            headers=answer.headers,
            stream=httpx.ByteStream(raw),
            extensions=answer.extensions,
            request=request,
        )
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
            if response.status_code not in FAULT_STATUSES:
                self.token_accepted = True
            return
        # Remote: stop at once. Local: once the token has worked, a 401 is a divergence.
        if self.policy.remote or not self.token_accepted:
            raise TokenRejectedError(
                "the target rejected the token (401 Unauthenticated): check IMMOTEUR_TOKEN"
            )
