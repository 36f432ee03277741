"""`IssueReports` and `AsyncIssueReports`: the generated client, made safe to hand to users.

Each facade checks a report against `rules.RULES` before sending (a violation raises
`ReportRuleError` and nothing is sent), builds the generated `IssueReportRequest` from the body,
and sends it with the generated `issues_create` on a private `AuthenticatedClient` whose httpx
client this module configures:

- Timeouts are on by default (connect 5 s, read/write/pool 30 s), per client and per call.
- Retries are bounded (default 2) and only where a second POST cannot file the report twice:
  429 and 503 (after Retry-After, seconds or HTTP-date, when given and at most 60 s; else
  exponential backoff with jitter), and connection failures before the request was sent
  (ConnectError, ConnectTimeout, PoolTimeout). A read timeout, a connection broken after sending
  and 500/502/504 are raised at once: the report may have been stored, and the endpoint has no
  idempotency key. See `_retry.py`.
- Every outcome other than a well-formed 201 raises one `ImmoteurError` subclass (`_errors.py`).
- The token lives only in a `Secret`; an `httpx.Auth` writes the Authorization header on each
  request. The generated client is given a placeholder token, so no object here, not even the
  private generated client, holds the token in a field its repr could print.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import random
import re
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, NoReturn, Self, cast
from uuid import UUID

import anyio
import httpx
from immoteur_client.client import AuthenticatedClient
from immoteur_client.models import IssueReportCreated, IssueReportRequest
from immoteur_client.types import Response

from ..rules import CONTRACT
from ..spec import SPEC_PATH, SpecMismatchError
from ..urls import PRODUCTION_BASE_URL, api_base_url
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    MalformedResponseError,
    MissingTokenError,
    RateLimitedError,
    ValidationFailedError,
    describe,
    status_error_class,
)
from ._reports import Report, check_body, report_body
from ._retry import NOT_SENT_ERRORS, RetryPolicy, parse_retry_after
from ._token import REDACTED, Secret

try:
    from immoteur_client.api.issue import issues_create
except ImportError as error:  # the spec renamed the operation (or its tag): the module moved
    _OPERATION = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]
    _MODULE = re.sub(r"(?<!^)(?=[A-Z])", "_", _OPERATION["operationId"]).lower()
    raise SpecMismatchError(
        "the generated client has no immoteur_client.api.issue.issues_create:"
        f" {SPEC_PATH.name}'s operationId is now {_OPERATION['operationId']!r}; change the import"
        " in src/immoteur_contract/client/_facade.py to"
        f" `from immoteur_client.api.{_OPERATION['tags'][0].lower()} import {_MODULE}`"
    ) from error

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV_VAR",
    "AsyncIssueReports",
    "CreatedReport",
    "IssueReports",
]

DEFAULT_BASE_URL: str = PRODUCTION_BASE_URL
"""The production server named by the spec."""

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""5 s to connect, 30 s for each read, write and pool wait."""

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, for the outcomes that are safe to retry."""

TOKEN_ENV_VAR = "IMMOTEUR_TOKEN"
"""Where the token is read from when none is passed."""

logger = logging.getLogger("immoteur_contract.client")

_USER_AGENT = f"immoteur-contract-python/{importlib.metadata.version('immoteur-contract')}"
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)
"""What the generated response parsing raises on a body that is not the documented one."""

TimeoutLike = float | httpx.Timeout | None


@dataclass(frozen=True)
class CreatedReport:
    """A report the server stored: its id (for support correlation) and creation time."""

    report_id: UUID
    created_at: datetime


# -- per-call state, read by the httpx event hooks ----------------------------------------------


@dataclass
class _Call:
    """One `create` call: its timeout override and the last raw response it received."""

    timeout: httpx.Timeout | None
    response: httpx.Response | None = None


_CALL: ContextVar[_Call | None] = ContextVar("immoteur_client_call", default=None)


def _apply_call_timeout(request: httpx.Request) -> None:
    call = _CALL.get()
    if call is not None and call.timeout is not None:
        request.extensions["timeout"] = call.timeout.as_dict()


def _keep_response(response: httpx.Response) -> None:
    call = _CALL.get()
    if call is not None:
        call.response = response


async def _apply_call_timeout_async(request: httpx.Request) -> None:
    _apply_call_timeout(request)


async def _keep_response_async(response: httpx.Response) -> None:
    _keep_response(response)


class _BearerAuth(httpx.Auth):
    """Writes `Authorization: Bearer <token>` on each request, reading the `Secret` only then."""

    def __init__(self, secret: Secret) -> None:
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header and send the request once."""
        request.headers["Authorization"] = f"Bearer {self._secret.reveal()}"
        yield request

    def __repr__(self) -> str:
        return f"_BearerAuth(token='{REDACTED}')"


# -- what both facades share ---------------------------------------------------------------------


def _secret(token: str | Secret | None) -> Secret:
    if isinstance(token, Secret):
        return token
    if token is None:
        token = os.environ.get(TOKEN_ENV_VAR, "")
        if not token:
            raise MissingTokenError(
                f"no token: pass token=... or set {TOKEN_ENV_VAR} to your personal access token"
            )
    return Secret(token)


def _timeout(value: TimeoutLike) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _seconds(timeout: httpx.Timeout) -> str:
    parts = timeout.as_dict()
    return ", ".join(f"{k}={v}" for k, v in parts.items())


class _Core:
    """Configuration and the sync/async-neutral steps of a call."""

    def __init__(
        self,
        token: str | Secret | None,
        base_url: str,
        timeout: TimeoutLike,
        max_retries: int,
        rng: random.Random | None,
    ) -> None:
        self.secret = _secret(token)
        self.base_url = api_base_url(base_url)
        self.timeout = _timeout(timeout)
        self.policy = RetryPolicy(max_retries=max_retries)
        self.rng = rng or random.Random()

    def httpx_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "auth": _BearerAuth(self.secret),
            "headers": {"User-Agent": _USER_AGENT, "Accept": "application/json"},
            "follow_redirects": False,
        }

    def generated(self) -> AuthenticatedClient:
        # The real token never goes in: _BearerAuth writes the header (see the module docstring).
        return AuthenticatedClient(base_url=self.base_url, token=REDACTED, timeout=self.timeout)

    @staticmethod
    def request(report: Report | Mapping[str, Any]) -> IssueReportRequest:
        """Check the body against the rules, then build the generated request model from it."""
        body = report_body(report)
        check_body(body)  # so from here on, body is an object whose fields have their types
        return IssueReportRequest.from_dict(cast(Mapping[str, Any], body))

    @staticmethod
    def call(timeout: TimeoutLike | None) -> _Call:
        return _Call(None if timeout is None else _timeout(timeout))

    def result(
        self, response: Response[Any], raw: httpx.Response | None
    ) -> CreatedReport | APIStatusError:
        """The created report, or the error the response stands for."""
        if raw is None:  # the response hook always runs; this is a guard, not a path
            raise RuntimeError("no response was recorded for the call")
        parsed = response.parsed
        if (
            raw.status_code != 201
            or not isinstance(parsed, IssueReportCreated)
            or parsed.created_at.tzinfo is None
        ):
            return self.failure(raw)
        return CreatedReport(report_id=parsed.report_id, created_at=parsed.created_at)

    def failure(self, raw: httpx.Response) -> APIStatusError:
        """The error for a response that is not a well-formed 201."""
        if raw.status_code != 201:
            return self.status_error(raw)
        body = self.decoded(raw)
        message = describe(201, MalformedResponseError.reason, body, None)
        return MalformedResponseError(
            f"{message} (the report was probably filed)", response=raw, body=body
        )

    def status_error(self, raw: httpx.Response) -> APIStatusError:
        body = self.decoded(raw)
        cls = status_error_class(raw.status_code)
        if cls is ValidationFailedError:
            errors = _field_errors(body)
            message = describe(raw.status_code, cls.reason, body, errors)
            return ValidationFailedError(message, response=raw, body=body, errors=errors)
        message = describe(raw.status_code, cls.reason, body, None)
        if cls is RateLimitedError:
            retry_after = parse_retry_after(raw.headers.get("retry-after"))
            if retry_after is not None:
                message = f"{message} (retry after {retry_after:g} s)"
            return RateLimitedError(message, response=raw, body=body, retry_after=retry_after)
        return cls(message, response=raw, body=body)

    def decoded(self, raw: httpx.Response) -> object:
        """The response body as JSON, else as text, with the token (if echoed) redacted."""
        text = self.secret.redact(raw.text)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def transport_error(self, error: httpx.TransportError) -> APIConnectionError:
        sent = not isinstance(error, NOT_SENT_ERRORS)
        detail = self.secret.redact(str(error)) or type(error).__name__
        where = f"POST {self.base_url}{CONTRACT.issues_path}"
        maybe = "; the report may have been filed" if sent else ""
        if isinstance(error, httpx.TimeoutException):
            kind = type(error).__name__
            return APITimeoutError(
                f"{where}: no response in time ({kind}: {detail}){maybe}", request_sent=sent
            )
        return APIConnectionError(
            f"{where}: connection failed ({detail}){maybe}", request_sent=sent
        )

    def cause(self, error: Exception) -> Exception:
        """`error`, or, when its text holds the token, a stand-in of its type with the token
        redacted (so that the chained cause of a traceback cannot show it)."""
        text = str(error)
        if self.secret.reveal() not in text:
            return error
        try:
            return type(error)(self.secret.redact(text))
        except Exception:
            return RuntimeError(f"{type(error).__name__}: {self.secret.redact(text)}")

    def after_response(
        self, response: Response[Any], raw: httpx.Response | None, retries_done: int
    ) -> CreatedReport | float:
        """The created report, or the delay before the next try; raises when the response is
        an error that is not retried."""
        outcome = self.result(response, raw)
        if isinstance(outcome, CreatedReport):
            return outcome
        delay = self.policy.after_status(
            retries_done, outcome.status, outcome.response.headers, self.rng
        )
        if delay is None:
            raise outcome
        self.log_retry(f"status {outcome.status}", delay, retries_done)
        return delay

    def after_transport_error(self, error: httpx.TransportError, retries_done: int) -> float:
        """The delay before the next try; raises when the failure is not retried."""
        delay = self.policy.after_error(retries_done, error, self.rng)
        if delay is None:
            raise self.transport_error(error) from self.cause(error)
        self.log_retry(type(error).__name__, delay, retries_done)
        return delay

    def after_parse_error(self, error: Exception, raw: httpx.Response | None) -> NoReturn:
        """Raise the error for a response the generated parsing choked on."""
        if raw is None:
            raise error
        raise self.failure(raw) from self.cause(error)

    def log_retry(self, what: str, delay: float, retries_done: int) -> None:
        logger.info(
            "POST %s: %s; retry %d of %d in %.2f s",
            CONTRACT.issues_path,
            what,
            retries_done + 1,
            self.policy.max_retries,
            delay,
        )

    def describe_config(self, name: str) -> str:
        return (
            f"{name}(base_url={self.base_url!r}, token='{REDACTED}', "
            f"timeout=({_seconds(self.timeout)}), max_retries={self.policy.max_retries})"
        )


def _field_errors(body: object) -> dict[str, list[str]]:
    """The `errors` of a Laravel-style 422 body as key -> messages; {} when it has none."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, Mapping):
        return {}
    return {
        str(key): [str(m) for m in value] if isinstance(value, list) else [str(value)]
        for key, value in errors.items()
    }


# -- the facades ------------------------------------------------------------------------------


class IssueReports:
    """Files issue reports (synchronous). Use as a context manager, or call `close()`.

    token: the personal access token (str or Secret); default: the IMMOTEUR_TOKEN variable.
    base_url: the API base URL, used as given (urls.api_base_url): production (the default)
        is https://api.immoteur.com/public/v1; for a server with the API at its root, its root.
    timeout: seconds or an httpx.Timeout (default: connect 5 s, others 30 s); None: no timeout.
    max_retries: retries of outcomes that cannot file twice (429, 503, connect failures).
    transport: an httpx transport (e.g. httpx.MockTransport, or a WSGI/ASGI-backed one).
    sleep: how to wait between attempts (tests pass a recorder).
    """

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._core = _Core(token, base_url, timeout, max_retries, rng)
        self._sleep = sleep
        http = httpx.Client(
            transport=transport,
            event_hooks={"request": [_apply_call_timeout], "response": [_keep_response]},
            **self._core.httpx_options(),
        )
        self._client = self._core.generated().set_httpx_client(http)
        self._http = http

    @property
    def base_url(self) -> str:
        """The API base URL requests go to."""
        return self._core.base_url

    def create(
        self, report: Report | Mapping[str, Any], *, timeout: TimeoutLike | None = None
    ) -> CreatedReport:
        """File `report`; return the stored report's id and time, or raise an ImmoteurError.

        `report` is a DataReport, ClusteringReport or OtherReport, or a raw body mapping (checked
        against the same rules). `timeout` overrides the client's for this call.
        """
        body = self._core.request(report)
        call = self._core.call(timeout)
        reset = _CALL.set(call)
        try:
            retries = 0
            while True:
                call.response = None
                delay: float
                try:
                    response = issues_create.sync_detailed(client=self._client, body=body)
                except httpx.TransportError as error:
                    delay = self._core.after_transport_error(error, retries)
                except _PARSE_ERRORS as error:  # the generated parsing choked on the body
                    self._core.after_parse_error(error, call.response)
                else:
                    result = self._core.after_response(response, call.response, retries)
                    if isinstance(result, CreatedReport):
                        return result
                    delay = result
                self._sleep(delay)
                retries += 1
        finally:
            _CALL.reset(reset)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._core.describe_config(type(self).__name__)


class AsyncIssueReports:
    """Files issue reports (asyncio or trio, through anyio). Use `async with`, or `aclose()`.

    The parameters are those of `IssueReports`; `transport` is an httpx async transport (e.g.
    `httpx.ASGITransport(app=...)`) and `sleep` an async function.
    """

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._core = _Core(token, base_url, timeout, max_retries, rng)
        self._sleep = sleep
        http = httpx.AsyncClient(
            transport=transport,
            event_hooks={
                "request": [_apply_call_timeout_async],
                "response": [_keep_response_async],
            },
            **self._core.httpx_options(),
        )
        self._client = self._core.generated().set_async_httpx_client(http)
        self._http = http

    @property
    def base_url(self) -> str:
        """The API base URL requests go to."""
        return self._core.base_url

    async def create(
        self, report: Report | Mapping[str, Any], *, timeout: TimeoutLike | None = None
    ) -> CreatedReport:
        """File `report`; return the stored report's id and time, or raise an ImmoteurError.

        See `IssueReports.create`.
        """
        body = self._core.request(report)
        call = self._core.call(timeout)
        reset = _CALL.set(call)
        try:
            retries = 0
            while True:
                call.response = None
                delay: float
                try:
                    response = await issues_create.asyncio_detailed(client=self._client, body=body)
                except httpx.TransportError as error:
                    delay = self._core.after_transport_error(error, retries)
                except _PARSE_ERRORS as error:  # the generated parsing choked on the body
                    self._core.after_parse_error(error, call.response)
                else:
                    result = self._core.after_response(response, call.response, retries)
                    if isinstance(result, CreatedReport):
                        return result
                    delay = result
                await self._sleep(delay)
                retries += 1
        finally:
            _CALL.reset(reset)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._core.describe_config(type(self).__name__)
