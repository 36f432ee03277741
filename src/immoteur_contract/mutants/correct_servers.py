"""Correct servers: the reference server changed only where the contract leaves room.

The suite must pass every one of them (zero false positives). This module holds their shape
(`correct_server`, `rewriting`) and the "body" ones, which change statuses, headers or bodies
and run in-process: a charset parameter, extra fields and headers, createdAt in other forms,
other error wording and layouts, 400 or 422 where D10 allows either, a longer Allow. The
"transport" ones (compression, chunked transfer, `Connection: close`, slow answers) are in
correct_wire.py.

Each has a witness request and `shows`, the evidence that its answer really differs from the
reference server's (tests/mutants/test_correct_servers.py checks both ways).
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable
from typing import Any, Literal

import httpx

from ..server import reference_app
from ..server.asgi import ASGIApp
from .bodies import example
from .exchange import CallNext, Divergence, Request, Response
from .registry import CorrectServer, Evidence, Witness, register_correct

__all__ = ["CREATED_AT_FORMS", "Transform", "Wrap", "correct_server", "rewriting"]

Transform = Callable[[Request, Response], Response]

_VALID = Witness(json=example("data"))
_TWO_FAULTS = Witness(
    json=example("data", propertyIds=["not-a-uuid"], issueFacets=[]), expect=(422,)
)
_MISSING_TOKEN = Witness(json=example("data"), auth="missing", expect=(401,))
_GET = Witness(method="GET", expect=(405,))
_JSON = "application/json"


Wrap = Callable[[ASGIApp], ASGIApp]
"""Middleware around the reference server: what makes a correct server out of it."""


def correct_server(
    name: str,
    difference: str,
    kind: Literal["body", "transport"],
    witness: Witness,
    shows: Evidence,
) -> Callable[[Wrap], Wrap]:
    """Register the reference server wrapped by the decorated `(app) -> app` middleware."""

    def decorate(wrap: Wrap) -> Wrap:
        def build(token: str) -> ASGIApp:
            return wrap(reference_app(token))

        register_correct(CorrectServer(name, difference, kind, build, witness, shows))
        return wrap

    return decorate


def rewriting(transform: Transform) -> Wrap:
    """Middleware passing every buffered response through `transform(request, response)`."""

    async def handle(request: Request, call_next: CallNext) -> Response:
        return transform(request, await call_next(request))

    return lambda app: Divergence(app, handle)


def _json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# -- media type, headers, layout --------------------------------------------------------------


def _every_json(change: Callable[[Response], Response]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        media_type = (response.header("content-type") or "").split(";")[0].strip()
        return change(response) if media_type == _JSON else response

    return transform


correct_server(
    "charset_parameter",
    "every JSON answer is typed application/json; charset=utf-8",
    "body",
    _VALID,
    lambda response: "charset=utf-8" in response.headers.get("content-type", ""),
)(rewriting(_every_json(lambda r: r.with_header("content-type", f"{_JSON}; charset=utf-8"))))

_EXTRA_HEADERS = (
    ("cache-control", "no-store, private"),
    ("x-request-id", "0f8a3c1e-5b7d-4e2a-9c6f-1d2e3f4a5b6c"),
    ("x-ratelimit-limit", "60"),
    ("x-ratelimit-remaining", "59"),
    ("strict-transport-security", "max-age=31536000"),
    ("server", "nginx"),
)


def _with_extra_headers(request: Request, response: Response) -> Response:
    for name, value in _EXTRA_HEADERS:
        response = response.with_header(name, value)
    if response.status == 401:
        response = response.with_header("www-authenticate", 'Bearer realm="api"')
    return response


correct_server(
    "extra_headers",
    "every answer carries Cache-Control, X-Request-Id, rate-limit and HSTS headers; "
    "401 adds WWW-Authenticate",
    "body",
    _MISSING_TOKEN,
    lambda response: "www-authenticate" in response.headers and "x-request-id" in response.headers,
)(rewriting(_with_extra_headers))


# -- the 201 ----------------------------------------------------------------------------------


def _created(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        return response.with_json(change(response.json())) if response.status == 201 else response

    return transform


def _created_field(name: str) -> Callable[[httpx.Response], Any]:
    def field(response: httpx.Response) -> Any:
        body = _json_of(response)
        return body.get(name) if isinstance(body, dict) else None

    return field


correct_server(
    "extra_fields_in_created",
    "the 201 body adds status, issueKind and a links object to createdAt and reportId",
    "body",
    _VALID,
    lambda response: _created_field("links")(response) is not None,
)(
    rewriting(
        _created(
            lambda body: {
                **body,
                "status": "received",
                "issueKind": "data",
                "links": {"self": f"/public/v1/issues/{body['reportId']}"},
            }
        )
    )
)


def _stamp(created_at: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(created_at.replace("Z", "+00:00"))


def _plus_two_hours(instant: datetime.datetime) -> str:
    return instant.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat(
        timespec="seconds"
    )


def _nanoseconds_minus_five(instant: datetime.datetime) -> str:
    local = instant.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + "789-05:00"


def _milliseconds_lowercase(instant: datetime.datetime) -> str:
    return instant.strftime("%Y-%m-%dt%H:%M:%S.") + f"{instant.microsecond // 1000:03d}z"


CREATED_AT_FORMS = (_plus_two_hours, _nanoseconds_minus_five, _milliseconds_lowercase)
"""The forms of createdAt the correct server `created_at_in_other_forms` gives, in turn."""


def _created_at_in_turn(app: ASGIApp) -> ASGIApp:
    turn = itertools.count()

    def change(body: dict[str, Any]) -> dict[str, Any]:
        form = CREATED_AT_FORMS[next(turn) % len(CREATED_AT_FORMS)]
        return {**body, "createdAt": form(_stamp(body["createdAt"]))}

    return rewriting(_created(change))(app)


correct_server(
    "created_at_in_other_forms",
    "createdAt in turn: 2026-11-27T00:39:16+02:00, 2026-11-26T17:39:16.123456789-05:00, "
    "2026-11-26t22:39:16.123z",
    "body",
    _VALID,
    lambda response: not str(_created_field("createdAt")(response)).endswith("Z"),
)(_created_at_in_turn)
correct_server(
    "uppercase_report_ids",
    "reportId is an upper-case UUID (the contract's UUIDs are either case)",
    "body",
    _VALID,
    lambda response: str(_created_field("reportId")(response)).isupper(),
)(rewriting(_created(lambda body: {**body, "reportId": body["reportId"].upper()})))


# -- 401 and 422 bodies -----------------------------------------------------------------------


def _status_body(status: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        return (
            response.with_json(change(response.json())) if response.status == status else response
        )

    return transform


def _chain(*transforms: Transform) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        for step in transforms:
            response = step(request, response)
        return response

    return transform


def _errors_of(response: httpx.Response) -> dict[str, Any]:
    body = _json_of(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, dict) else {}


correct_server(
    "extra_fields_in_errors",
    "401 and 422 bodies add a code, a documentation URL and a request id",
    "body",
    _TWO_FAULTS,
    lambda response: "code" in (_json_of(response) or {}),
)(
    rewriting(
        _chain(
            _status_body(401, lambda body: {**body, "code": "unauthenticated"}),
            _status_body(
                422,
                lambda body: {
                    **body,
                    "code": "validation_failed",
                    "documentation": "https://docs.immoteur.com/errors#validation",
                    "requestId": "0f8a3c1e-5b7d-4e2a-9c6f-1d2e3f4a5b6c",
                },
            ),
        )
    )
)
correct_server(
    "several_messages_per_field",
    "each field of a 422 carries two messages (the violation, then a hint)",
    "body",
    _TWO_FAULTS,
    lambda response: all(len(found) == 2 for found in _errors_of(response).values()),
)(
    rewriting(
        _status_body(
            422,
            lambda body: {
                **body,
                "errors": {
                    key: [*found, "See the documentation of this field."]
                    for key, found in body["errors"].items()
                },
            },
        )
    )
)
_RULE_ID = re.compile(r"\s*\[[a-z0-9-]+\]$")


def _reworded(body: dict[str, Any]) -> dict[str, Any]:
    errors = {
        key: [f"Invalid value: {_RULE_ID.sub('', message).lower()}" for message in found]
        for key, found in body["errors"].items()
    }
    return {"message": "The given data was invalid.", "errors": errors}


correct_server(
    "other_error_wording",
    "401 says 'Invalid or missing API token', 422 'The given data was invalid.', other messages",
    "body",
    _MISSING_TOKEN,
    lambda response: (_json_of(response) or {}).get("message") == "Invalid or missing API token",
)(
    rewriting(
        _chain(
            _status_body(401, lambda body: {"message": "Invalid or missing API token"}),
            _status_body(422, _reworded),
        )
    )
)
correct_server(
    "errors_without_message",
    'the 422 body is only {"errors": {...}} (its "message" is optional)',
    "body",
    _TWO_FAULTS,
    lambda response: bool(_errors_of(response)) and "message" not in (_json_of(response) or {}),
)(rewriting(_status_body(422, lambda body: {"errors": body["errors"]})))
correct_server(
    "first_error_only",
    "a 422 names only the first field at fault (like a validator that stops at the first)",
    "body",
    _TWO_FAULTS,
    lambda response: len(_errors_of(response)) == 1,
)(
    rewriting(
        _status_body(
            422,
            lambda body: {**body, "errors": dict(list(body["errors"].items())[:1])},
        )
    )
)


# -- where D10 allows a choice ----------------------------------------------------------------


def _decoded_json(request: Request) -> tuple[bool, Any]:
    try:
        return True, json.loads(request.body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
        return False, None


def _non_object_400(request: Request, response: Response) -> Response:
    if response.status != 422:
        return response
    parsed, value = _decoded_json(request)
    if parsed and not isinstance(value, dict):
        return Response.of_json(400, {"message": "The request body must be a JSON object."})
    return response


def _non_json_422(request: Request, response: Response) -> Response:
    if response.status == 400 and request.method == "POST":
        message = "The request body must be valid JSON."
        return Response.of_json(422, {"message": message, "errors": {"body": [message]}})
    return response


correct_server(
    "non_object_json_answered_400",
    "a JSON body that is not an object ([], 1, a string) gets 400 instead of 422",
    "body",
    Witness(json=[example("data")], expect=(400, 422)),
    lambda response: response.status_code == 400,
)(rewriting(_non_object_400))
correct_server(
    "non_json_answered_422",
    'a body that is not JSON gets 422 {"errors": {"body": [...]}} instead of 400',
    "body",
    Witness(raw=b"not json", expect=(400, 422)),
    lambda response: response.status_code == 422,
)(rewriting(_non_json_422))


def _allow_more(request: Request, response: Response) -> Response:
    if response.status == 405:
        return response.with_header("allow", "OPTIONS, POST")
    return response


correct_server(
    "allow_lists_more_methods",
    "a 405 lists OPTIONS as well: Allow: OPTIONS, POST",
    "body",
    _GET,
    lambda response: response.headers.get("allow") == "OPTIONS, POST",
)(rewriting(_allow_more))
