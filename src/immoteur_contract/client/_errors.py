"""Every way filing a report can fail, one exception class per outcome.

The hierarchy::

    ImmoteurError                  anything this client raises on purpose
    ├── ConfigurationError         a setting that cannot work (nothing sent); also a ValueError
    │   ├── MissingTokenError      no token given and IMMOTEUR_TOKEN unset
    │   ├── InvalidTokenError      a token that cannot go in an HTTP header (non-ASCII, controls)
    │   ├── InvalidBaseURLError    a base URL the kit refuses (e.g. with user:password@)
    │   ├── CACertError            a CA file (verify=PATH, --cacert) that cannot be loaded
    │   └── StaleClientError       the generated client is older than openapi.yaml
    ├── ReportRuleError            the report breaks a documented rule (nothing sent)
    ├── APIConnectionError         no usable response: no connection, or it broke
    │   ├── APITimeoutError        no complete response within the timeout or total deadline
    │   └── ResponseTooLargeError  the answer passed the size limit; the connection was closed
    └── APIStatusError             a response that is not 201, or a 201 that does not parse
        ├── BadRequestError        400
        ├── AuthenticationError    401 (the message says where the token came from)
        ├── PermissionDeniedError  403 (likewise)
        ├── EndpointNotFoundError  404, 405 or a redirect: no endpoint at the URL tried
        ├── ValidationFailedError  422, with the server's field errors
        ├── RateLimitedError       429, with the advertised delay
        ├── ServerError            5xx
        ├── UnexpectedStatusError  any other status
        └── MalformedResponseError a 201 whose body is not the documented one

Messages are built from the status, the URL tried and the server's words only, never from the
request, so they cannot contain the token; the facade also redacts the token from any server text
it quotes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ..rules import RuleViolation

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CACertError",
    "ConfigurationError",
    "EndpointNotFoundError",
    "ImmoteurError",
    "InvalidBaseURLError",
    "InvalidTokenError",
    "MalformedResponseError",
    "MissingTokenError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReportRuleError",
    "ResponseTooLargeError",
    "ServerError",
    "StaleClientError",
    "UnexpectedStatusError",
    "ValidationFailedError",
]


class ImmoteurError(Exception):
    """Base class of every error the Immoteur client raises on purpose."""

    status: int | None = None
    """The HTTP status of the response, or None when there was no response."""
    body: object = None
    """The decoded response body (JSON value, or text when not JSON), or None."""


class ConfigurationError(ImmoteurError, ValueError):
    """A setting of the client that cannot work; raised before any request is made."""


class MissingTokenError(ConfigurationError):
    """No token was given and the IMMOTEUR_TOKEN environment variable is unset or empty."""


class InvalidTokenError(ConfigurationError):
    """The token cannot be sent in an HTTP header (empty, non-ASCII, whitespace or control
    characters); the message says which, never what the token is."""


class InvalidBaseURLError(ConfigurationError):
    """The base URL is refused (not http(s), no host, a query, credentials in it); the message
    never repeats credentials."""


class CACertError(ConfigurationError):
    """The CA bundle given as `verify=PATH` (`report --cacert`) cannot be loaded."""


class StaleClientError(ConfigurationError):
    """The generated client (immoteur_client) lacks enum values that openapi.yaml has, or has
    values it lacks: it was generated from another version of the spec (run `make client`)."""


class ReportRuleError(ImmoteurError, ValueError):
    """The report breaks documented rules; raised before any request is made.

    `violations` lists each (rule id, field key, message) as `rules.RULES` found them.
    """

    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        self.violations: tuple[RuleViolation, ...] = tuple(violations)
        lines = "; ".join(f"{v.key}: {v.message}" for v in self.violations)
        super().__init__(f"report breaks {', '.join(self.rule_ids)}: {lines}")

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the broken rules, each once, in rule order."""
        return tuple(dict.fromkeys(v.rule_id for v in self.violations))

    @property
    def errors(self) -> dict[str, list[str]]:
        """The violations as field key -> messages, the shape of a 422 body's `errors`."""
        errors: dict[str, list[str]] = {}
        for violation in self.violations:
            errors.setdefault(violation.key, []).append(violation.message)
        return errors


class APIConnectionError(ImmoteurError):
    """No usable response: the connection failed or broke (the cause is the httpx error)."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        """False when the request certainly never reached the server (safe to send again)."""


class APITimeoutError(APIConnectionError):
    """No complete response within a step's timeout or the call's total deadline; when
    `request_sent`, the report may have been filed."""


class ResponseTooLargeError(APIConnectionError):
    """The answer's body passed `max_response_bytes`: reading stopped there and the connection
    was closed. `status` is the answer's status (a 201 means the report was probably filed)."""

    def __init__(self, message: str, *, status: int | None, limit: int) -> None:
        super().__init__(message, request_sent=True)
        self.status = status
        self.limit = limit


class APIStatusError(ImmoteurError):
    """The server answered with something other than a well-formed 201."""

    reason = "Unexpected"

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.status: int = response.status_code
        self.body = body
        self.url: str = str(response.request.url) if _has_request(response) else ""
        """The URL the request went to."""


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018 (raises when the response was built without a request)
    except RuntimeError:
        return False
    return True


class BadRequestError(APIStatusError):
    """400: the server could not read the request (e.g. a body that is not JSON)."""

    reason = "Bad Request"


class AuthenticationError(APIStatusError):
    """401: the token is missing, invalid or revoked."""

    reason = "Unauthenticated"


class PermissionDeniedError(APIStatusError):
    """403: the token is valid but may not file issue reports."""

    reason = "Forbidden"


class EndpointNotFoundError(APIStatusError):
    """404, 405 or a redirect: there is no endpoint at the URL tried (a wrong base URL); the
    message names the URL and, when it can tell, what to change."""

    reason = "Not Found"


class ValidationFailedError(APIStatusError):
    """422: the server found rule violations; `errors` maps field keys to its messages."""

    reason = "Unprocessable"

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        errors: Mapping[str, Sequence[str]],
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.errors: dict[str, list[str]] = {key: list(v) for key, v in errors.items()}


class RateLimitedError(APIStatusError):
    """429: too many requests; `retry_after` is the advertised wait in seconds, if any."""

    reason = "Too Many Requests"

    def __init__(
        self, message: str, *, response: httpx.Response, body: object, retry_after: float | None
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed; unless 503, the report may or may not have been filed."""

    reason = "Server Error"


class UnexpectedStatusError(APIStatusError):
    """A status the contract does not document and that says nothing of the URL (e.g. 409)."""


class MalformedResponseError(APIStatusError):
    """A 201 whose body is not `{"createdAt", "reportId"}`: the report was probably filed."""

    reason = "Malformed Response"


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for a status other than 201."""
    by_status: dict[int, type[APIStatusError]] = {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        422: ValidationFailedError,
        429: RateLimitedError,
    }
    if status in by_status:
        return by_status[status]
    if status in (404, 405) or 300 <= status <= 399:
        return EndpointNotFoundError
    if 500 <= status <= 599:
        return ServerError
    return UnexpectedStatusError


def describe(status: int, reason: str, body: object, errors: Mapping[str, Any] | None) -> str:
    """A one-paragraph message: `422 Unprocessable: key: msg; key: msg` or `401 ...: message`."""
    head = f"{status} {reason}"
    if errors:
        parts = [
            f"{key}: {' '.join(str(m) for m in _as_list(msgs))}" for key, msgs in errors.items()
        ]
        return f"{head}: {'; '.join(parts)}"
    if isinstance(body, Mapping) and isinstance(body.get("message"), str) and body["message"]:
        return f"{head}: {body['message']}"
    if isinstance(body, str) and body.strip():
        text = " ".join(body.split())
        return f"{head}: {text[:200]}{'...' if len(text) > 200 else ''}"
    return head


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]
