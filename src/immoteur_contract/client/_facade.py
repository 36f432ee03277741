"""`IssueReports` and `AsyncIssueReports`: the generated client, made safe to hand to users.

Each facade checks a report against `rules.RULES` before sending (a violation raises
`ReportRuleError` and nothing is sent), builds the generated `IssueReportRequest` from the body,
and sends it with the generated `issues_create` on a private `AuthenticatedClient` whose httpx
client this module configures:

- Time is bounded twice: each step (connect 5 s, read/write/pool 30 s by default) and the whole
  call, retries and waits included (`deadline`: the timeout when it is a number, else 60 s),
  so a server that drips one byte a second still ends the call on time (`_limits.py`).
- The answer's body is read up to `max_response_bytes` (1 MiB by default), decoded size
  included; past it the connection is closed and `ResponseTooLargeError` raised.
- Retries are bounded (default 2) and only where a second POST cannot file the report twice:
  429 and 503 (after Retry-After, seconds or HTTP-date, when given and at most
  `max_retry_after`, 60 s; a longer one is raised at once, saying so; else exponential backoff
  with jitter), and connection failures before the request was sent (ConnectError,
  ConnectTimeout, PoolTimeout). A wait that would pass the deadline is not waited. A read
  timeout, a connection broken after sending and 500/502/504 are raised at once: the report may
  have been stored, and the endpoint has no idempotency key. See `_retry.py`.
- TLS: `verify` takes a CA bundle path (an internal certificate authority), an SSLContext, or
  False; httpx also honours SSL_CERT_FILE / SSL_CERT_DIR and the proxy variables HTTPS_PROXY,
  HTTP_PROXY, ALL_PROXY and NO_PROXY (trust_env).
- The generated client must be generated from the spec the kit reads: a client whose enums
  differ raises `StaleClientError` (naming `make client`) when a facade is made.
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
import ssl
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from types import TracebackType
from typing import Any, NoReturn, Self, cast
from uuid import UUID

import anyio
import httpx
from immoteur_client.client import AuthenticatedClient
from immoteur_client.models import IssueReportCreated, IssueReportRequest
from immoteur_client.types import Response

from ..retry_after import parse_retry_after
from ..rules import CONTRACT
from ..spec import SPEC_PATH, SpecMismatchError
from ..urls import PRODUCTION_BASE_URL, api_base_url
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    CACertError,
    EndpointNotFoundError,
    InvalidBaseURLError,
    InvalidTokenError,
    MalformedResponseError,
    MissingTokenError,
    PermissionDeniedError,
    RateLimitedError,
    ResponseTooLargeError,
    ValidationFailedError,
    describe,
    status_error_class,
)
from ._limits import (
    DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    BodyTooLarge,
    bound_body,
    bound_body_async,
    deadline_passed,
    install_deadline,
)
from ._reports import Report, check_body, report_body
from ._retry import NOT_SENT_ERRORS, RETRYABLE_STATUSES, RetryPolicy
from ._staleness import check_generated_client
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
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
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

DEFAULT_DEADLINE = 60.0
"""Seconds a whole `create` call may take (attempts and waits) when the timeout is an
httpx.Timeout; a timeout given as a number is the deadline itself."""

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, for the outcomes that are safe to retry."""

DEFAULT_MAX_RETRY_AFTER = 60.0
"""The longest Retry-After the client waits; a longer one is raised at once."""

TOKEN_ENV_VAR = "IMMOTEUR_TOKEN"
"""Where the token is read from when none is passed."""

logger = logging.getLogger("immoteur_contract.client")

_USER_AGENT = f"immoteur-contract-python/{importlib.metadata.version('immoteur-contract')}"
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)
"""What the generated response parsing raises on a body that is not the documented one."""

TimeoutLike = float | httpx.Timeout | None
VerifyLike = bool | str | os.PathLike[str] | ssl.SSLContext


@dataclass(frozen=True)
class CreatedReport:
    """A report the server stored: its id (for support correlation) and creation time."""

    report_id: UUID
    created_at: datetime


# -- per-call state, read by the httpx event hooks ----------------------------------------------


@dataclass
class _Call:
    """One `create` call: its timeout override, its total deadline (in seconds, and as a
    `time.monotonic()`), its body limit and the last raw response it received."""

    timeout: httpx.Timeout | None
    seconds: float | None
    limit: int
    deadline: float | None = None
    response: httpx.Response | None = None

    def start(self) -> None:
        self.deadline = None if self.seconds is None else time.monotonic() + self.seconds

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


_CALL: ContextVar[_Call | None] = ContextVar("immoteur_client_call", default=None)


def _apply_call_timeout(request: httpx.Request) -> None:
    call = _CALL.get()
    if call is not None and call.timeout is not None:
        request.extensions["timeout"] = call.timeout.as_dict()


def _keep_response(response: httpx.Response) -> None:
    call = _CALL.get()
    if call is not None:
        call.response = response
        bound_body(response, call.limit)


async def _apply_call_timeout_async(request: httpx.Request) -> None:
    _apply_call_timeout(request)


async def _keep_response_async(response: httpx.Response) -> None:
    call = _CALL.get()
    if call is not None:
        call.response = response
        bound_body_async(response, call.limit)


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


def _secret(token: str | Secret | None) -> tuple[Secret, str]:
    """The token and where it came from (named by the messages about a refused token)."""
    if isinstance(token, Secret):
        return token, "the token given to the client"
    if token is None:
        token = os.environ.get(TOKEN_ENV_VAR, "")
        if not token:
            raise MissingTokenError(
                f"no token: pass token=... or set {TOKEN_ENV_VAR} to your personal access token"
            )
        source = TOKEN_ENV_VAR
    else:
        source = "the token given to the client"
    try:
        return Secret(token), source
    except InvalidTokenError as error:
        raise InvalidTokenError(f"{source}: {error}; nothing was sent") from None


def _timeout(value: TimeoutLike) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _deadline(timeout: TimeoutLike, deadline: float | None) -> float | None:
    """The total seconds of a call: `deadline` when given, a numeric timeout, none for
    `timeout=None` (no bound asked for), else DEFAULT_DEADLINE."""
    if deadline is not None:
        if not deadline > 0:
            raise ValueError("deadline must be > 0 seconds")
        return float(deadline)
    if isinstance(timeout, int | float):
        return float(timeout)
    return None if timeout is None else DEFAULT_DEADLINE


def _verify(value: VerifyLike) -> bool | ssl.SSLContext:
    """httpx's `verify` from a bool, a context or a CA bundle path (loaded here, so that a bad
    path fails when the client is made, as CACertError)."""
    if isinstance(value, bool | ssl.SSLContext):
        return value
    path = os.fspath(value)
    try:
        return ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CACertError(f"cannot load the CA file {path}: {reason}") from None


def _api_base_url(url: str) -> str:
    """`urls.api_base_url(url)`, its refusal as InvalidBaseURLError with any credentials of
    the URL masked."""
    try:
        return api_base_url(url)
    except ValueError as error:
        message = str(error)
        userinfo = url.partition("://")[2].partition("/")[0].rpartition("@")[0]
        if userinfo:
            message = message.replace(userinfo, REDACTED)
        raise InvalidBaseURLError(message) from None


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
        *,
        deadline: float | None,
        max_response_bytes: int,
        max_retry_after: float,
        verify: VerifyLike,
    ) -> None:
        check_generated_client()
        self.base_url = _api_base_url(base_url)
        self.secret, self.token_source = _secret(token)
        self.timeout = _timeout(timeout)
        self.deadline_option = deadline
        self.deadline = _deadline(timeout, deadline)
        if max_response_bytes < 1:
            raise ValueError("max_response_bytes must be >= 1")
        self.max_response_bytes = max_response_bytes
        self.policy = RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after)
        self.verify = _verify(verify)
        self.rng = rng or random.Random()

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}{CONTRACT.issues_path}"

    def httpx_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "auth": _BearerAuth(self.secret),
            "headers": {
                "User-Agent": _USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": "identity",
            },
            "follow_redirects": False,
            "verify": self.verify,
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

    def call(self, timeout: TimeoutLike | None) -> _Call:
        """The state of one call; `timeout` (when not None) overrides the client's."""
        if timeout is None:
            return _Call(None, self.deadline, self.max_response_bytes)
        seconds = _deadline(timeout, self.deadline_option)
        return _Call(_timeout(timeout), seconds, self.max_response_bytes)

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
        status = raw.status_code
        cls = status_error_class(status)
        if cls is ValidationFailedError:
            errors = _field_errors(body)
            message = describe(status, cls.reason, body, errors)
            return ValidationFailedError(message, response=raw, body=body, errors=errors)
        if cls is EndpointNotFoundError:
            return EndpointNotFoundError(self.no_endpoint(raw), response=raw, body=body)
        message = describe(status, cls.reason, body, None)
        if cls in (AuthenticationError, PermissionDeniedError):
            message = f"{message} (check {self.token_source}: {self.token_advice(status)})"
        retry_after = parse_retry_after(raw.headers.get("retry-after"))
        if status in RETRYABLE_STATUSES and retry_after is not None:
            message = f"{message} ({self.retry_after_note(retry_after)})"
        if cls is RateLimitedError:
            return RateLimitedError(message, response=raw, body=body, retry_after=retry_after)
        return cls(message, response=raw, body=body)

    @staticmethod
    def token_advice(status: int) -> str:
        if status == 401:
            return "the server did not accept the token"
        return "the token is valid but may not file issue reports"

    def retry_after_note(self, retry_after: float) -> str:
        cap = self.policy.max_retry_after
        if retry_after > cap:
            return (
                f"the server asks to retry after {retry_after:g} s, more than the {cap:g} s"
                " this client waits: not retried"
            )
        return f"retry after {retry_after:g} s"

    def no_endpoint(self, raw: httpx.Response) -> str:
        """The message of a 404, 405 or redirect: the URL tried and what to change."""
        status = raw.status_code
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Redirect" if 300 <= status <= 399 else "Not Found"
        head = f"{status} {phrase}: no endpoint at POST {self.endpoint}"
        location = raw.headers.get("location")
        if location and 300 <= status <= 399:
            head = f"{head} (redirected to {self.secret.redact(location)})"
        path = CONTRACT.issues_path
        if self.base_url.endswith(path):
            tip = f"the base URL ends in {path}: drop it, the endpoint is the base URL + {path}"
        else:
            tip = (
                f"is {self.base_url} the API base URL? The endpoint is the base URL + {path},"
                f" e.g. {PRODUCTION_BASE_URL}, or the root of a server with the API at its root"
            )
        return f"{head}; {tip}"

    def decoded(self, raw: httpx.Response) -> object:
        """The response body as JSON, else as text, with the token (if echoed) redacted."""
        text = self.secret.redact(raw.text)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def transport_error(
        self, error: httpx.TransportError, call: _Call | None = None
    ) -> APIConnectionError:
        sent = not isinstance(error, NOT_SENT_ERRORS)
        detail = self.secret.redact(str(error)) or type(error).__name__
        where = f"POST {self.endpoint}"
        maybe = "; the report may have been filed" if sent else ""
        if isinstance(error, BodyTooLarge):
            status = call.response.status_code if call and call.response is not None else None
            answer = f"the {status} answer" if status else "the answer"
            filed = "; the report was probably filed" if status == 201 else ""
            return ResponseTooLargeError(
                f"{where}: {answer} is larger than {error.limit} bytes, the limit; the"
                f" connection was closed{filed}",
                status=status,
                limit=error.limit,
            )
        if isinstance(error, httpx.TimeoutException):
            if call is not None and call.seconds is not None and deadline_passed():
                return APITimeoutError(
                    f"{where}: no complete answer within the total deadline of"
                    f" {call.seconds:g} s{maybe}",
                    request_sent=sent,
                )
            kind = type(error).__name__
            return APITimeoutError(
                f"{where}: no response in time ({kind}: {detail}){maybe}", request_sent=sent
            )
        tip = ""
        if "CERTIFICATE_VERIFY_FAILED" in detail:
            tip = " (for an internal certificate authority, give its CA file: verify=PATH,"
            tip += " report --cacert PATH, or SSL_CERT_FILE)"
        return APIConnectionError(
            f"{where}: connection failed ({detail}){tip}{maybe}", request_sent=sent
        )

    def deadline_error(self, call: _Call, what: str) -> APITimeoutError:
        """The error for a call whose deadline has passed, or would pass during a wait."""
        return APITimeoutError(
            f"POST {self.endpoint}: {what} within the total deadline of {call.seconds:g} s;"
            " the report may have been filed",
            request_sent=True,
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
        self, response: Response[Any], call: _Call, retries_done: int
    ) -> CreatedReport | float:
        """The created report, or the delay before the next try; raises when the response is
        an error that is not retried, or when waiting would pass the deadline."""
        outcome = self.result(response, call.response)
        if isinstance(outcome, CreatedReport):
            return outcome
        delay = self.policy.after_status(
            retries_done, outcome.status, outcome.response.headers, self.rng
        )
        if delay is None:
            raise outcome
        left = call.left()
        if left is not None and delay >= left:
            outcome.args = (
                f"{outcome} (not retried: waiting {delay:g} s would pass the total deadline"
                f" of {call.seconds:g} s)",
            )
            raise outcome
        self.log_retry(f"status {outcome.status}", delay, retries_done)
        return delay

    def after_transport_error(
        self, error: httpx.TransportError, call: _Call, retries_done: int
    ) -> float:
        """The delay before the next try; raises when the failure is not retried, or when
        waiting would pass the deadline."""
        delay = self.policy.after_error(retries_done, error, self.rng)
        left = call.left()
        if delay is None or (left is not None and delay >= left):
            raise self.transport_error(error, call) from self.cause(error)
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
            f"timeout=({_seconds(self.timeout)}), deadline={self.deadline}, "
            f"max_retries={self.policy.max_retries}, "
            f"max_response_bytes={self.max_response_bytes})"
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
    timeout: seconds (each step, and the whole call) or an httpx.Timeout (each step; default:
        connect 5 s, others 30 s); None: no timeout and no deadline.
    deadline: seconds a whole `create` call may take, connect, send, wait, read, retries and
        waits included (default: a numeric timeout, else 60 s).
    max_retries: retries of outcomes that cannot file twice (429, 503, connect failures).
    max_retry_after: the longest Retry-After waited (default 60 s); a longer one is raised.
    max_response_bytes: the most body bytes read from an answer (default 1 MiB); past it the
        connection is closed and ResponseTooLargeError raised.
    verify: True (the system's or certifi's CAs, or SSL_CERT_FILE), a CA bundle path for an
        internal certificate authority, an ssl.SSLContext, or False (no check).
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
        deadline: float | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        verify: VerifyLike = True,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._core = _Core(
            token,
            base_url,
            timeout,
            max_retries,
            rng,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_retry_after=max_retry_after,
            verify=verify,
        )
        self._sleep = sleep
        http = httpx.Client(
            transport=transport,
            event_hooks={"request": [_apply_call_timeout], "response": [_keep_response]},
            **self._core.httpx_options(),
        )
        if transport is None and not install_deadline(http):
            logger.warning(
                "httpx's transport layout changed: the total deadline is checked"
                " between body chunks only"
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
        call.start()
        reset, reset_deadline = _CALL.set(call), DEADLINE.set(call.deadline)
        try:
            retries = 0
            while True:
                call.response = None
                delay: float
                try:
                    response = issues_create.sync_detailed(client=self._client, body=body)
                except httpx.TransportError as error:
                    delay = self._core.after_transport_error(error, call, retries)
                except _PARSE_ERRORS as error:  # the generated parsing choked on the body
                    self._core.after_parse_error(error, call.response)
                else:
                    result = self._core.after_response(response, call, retries)
                    if isinstance(result, CreatedReport):
                        return result
                    delay = result
                self._sleep(delay)
                retries += 1
        finally:
            DEADLINE.reset(reset_deadline)
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
        deadline: float | None = None,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        verify: VerifyLike = True,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._core = _Core(
            token,
            base_url,
            timeout,
            max_retries,
            rng,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_retry_after=max_retry_after,
            verify=verify,
        )
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
        call.start()
        reset, reset_deadline = _CALL.set(call), DEADLINE.set(call.deadline)
        try:
            retries = 0
            while True:
                call.response = None
                delay: float
                try:
                    with anyio.fail_after(call.left()):
                        response = await issues_create.asyncio_detailed(
                            client=self._client, body=body
                        )
                except TimeoutError:  # anyio.fail_after: the attempt reached the deadline
                    raise self._core.deadline_error(call, "no complete answer") from None
                except httpx.TransportError as error:
                    delay = self._core.after_transport_error(error, call, retries)
                except _PARSE_ERRORS as error:  # the generated parsing choked on the body
                    self._core.after_parse_error(error, call.response)
                else:
                    result = self._core.after_response(response, call, retries)
                    if isinstance(result, CreatedReport):
                        return result
                    delay = result
                await self._sleep(delay)
                retries += 1
        finally:
            DEADLINE.reset(reset_deadline)
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
