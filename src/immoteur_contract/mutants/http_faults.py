"""Faulty servers that answer differently on the wire: statuses, headers, bodies, auth, crashes.

Each is the reference server wrapped in a `Divergence` middleware (exchange.py) whose handler
changes one thing about some answers: the success body, the 401, the 422 body, the 405, the
order of the token and body checks, or a 500 where a real implementation would crash. One,
`any_token_accepted`, is a server setting instead.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from ..rules import CONTRACT, RULES
from ..server import ServerSettings, create_app, reference_app
from ..server.asgi import ASGIApp
from ..server.body import BodyError, decode_json
from ..server.stamps import Clock, new_report_id
from .bodies import ABSENT, example
from .exchange import CallNext, Divergence, Handler, Request, Response
from .registry import FaultyServer, Witness, register

__all__ = ["handler_fault", "response_fault"]

Transform = Callable[[Request, Response], Response]

_NOT_JSON = b'{"propertyIds": [' + b"\xff"
"""A body that is not JSON (not even UTF-8)."""
_BAD_ITEM = Witness(json=example("data", propertyIds=["not-a-uuid"]), expect=(422,))
"""A body with one array-item violation: the 422 keyed `propertyIds.0`."""
_VALID = Witness(json=example("data"))
_MISSING_TOKEN = Witness(json=example("data"), auth="missing", expect=(401,))
_WRONG_TOKEN = Witness(json=example("data"), auth="wrong", expect=(401,))
_GET = Witness(method="GET", expect=(405,))


def _wrapped(make_handler: Callable[[str], Handler], token: str) -> ASGIApp:
    return Divergence(reference_app(token), make_handler(token))


def handler_fault(
    name: str, divergence: str, witness: Witness
) -> Callable[[Callable[[str], Handler]], Callable[[str], Handler]]:
    """Register the reference server behind the handler the decorated `(token) -> Handler` makes."""

    def decorate(make_handler: Callable[[str], Handler]) -> Callable[[str], Handler]:
        build = functools.partial(_wrapped, make_handler)
        register(FaultyServer(name, divergence, "http", build, witness))
        return make_handler

    return decorate


def response_fault(
    name: str, divergence: str, witness: Witness
) -> Callable[[Transform], Transform]:
    """Register the reference server whose every response passes through the decorated
    `(request, response) -> response` function."""

    def decorate(transform: Transform) -> Transform:
        async def handle(request: Request, call_next: CallNext) -> Response:
            return transform(request, await call_next(request))

        handler_fault(name, divergence, witness)(lambda token: handle)
        return transform

    return decorate


_NOT_DECODED = object()


def _decoded(request: Request) -> Any:
    """The request body as the reference server decodes it, or _NOT_DECODED."""
    try:
        return decode_json(request.body)
    except BodyError:
        return _NOT_DECODED


def _server_error() -> Response:
    return Response.of_json(500, {"message": "Server Error"})


# -- the 201 ----------------------------------------------------------------------------------


def _created(change: Callable[[Response], Response]) -> Transform:
    """A transform changing 201 answers only."""

    def transform(request: Request, response: Response) -> Response:
        return change(response) if response.status == 201 else response

    return transform


response_fault("created_as_200", "a created report is answered 200 instead of 201", _VALID)(
    _created(lambda response: response.with_status(200))
)
response_fault("created_without_report_id", "the 201 body has no reportId", _VALID)(
    _created(lambda response: response.with_json({"createdAt": response.json()["createdAt"]}))
)
response_fault(
    "created_as_text_plain",
    "the 201 is sent with Content-Type text/plain (same JSON bytes)",
    _VALID,
)(_created(lambda response: response.with_header("content-type", "text/plain; charset=utf-8")))
response_fault(
    "created_wrapped_in_data",
    'the 201 body is wrapped as an API resource: {"data": {"createdAt", "reportId"}}',
    _VALID,
)(_created(lambda response: response.with_json({"data": response.json()})))

_OFFSET = re.compile(r"(?:[Zz]|[+-]\d\d:\d\d)$")


def _created_at(change: Callable[[str], str]) -> Callable[[Response], Response]:
    def rewrite(response: Response) -> Response:
        body = response.json()
        return response.with_json({**body, "createdAt": change(body["createdAt"])})

    return rewrite


response_fault(
    "created_at_without_offset",
    "createdAt has no offset, e.g. 2026-11-26T22:39:16.123456 (a naive local time)",
    _VALID,
)(_created(_created_at(lambda stamp: _OFFSET.sub("", stamp))))
response_fault(
    "created_at_with_space",
    "createdAt separates date and time with a space (Python's str(datetime)), not T",
    _VALID,
)(_created(_created_at(lambda stamp: stamp.replace("T", " ", 1))))

_ROW_IDS = itertools.count(1)


response_fault(
    "report_id_integer",
    "reportId is the database row number (an integer), not a UUID",
    _VALID,
)(_created(lambda response: response.with_json({**response.json(), "reportId": next(_ROW_IDS)})))


# -- crashes after validation -----------------------------------------------------------------


def _crash_when(condition: Callable[[Any], bool]) -> Transform:
    """A 500 instead of the 201 when the accepted body meets `condition` (storage fails)."""

    def transform(request: Request, response: Response) -> Response:
        if response.status == 201 and condition(_decoded(request)):
            return _server_error()
        return response

    return transform


def _has_astral_comment(body: Any) -> bool:
    comment = body.get("comment") if isinstance(body, dict) else None
    return isinstance(comment, str) and any(ord(char) > 0xFFFF for char in comment)


response_fault(
    "astral_comment_crashes",
    "a comment with a character beyond U+FFFF gets 500 (a utf8mb3 column refuses it)",
    Witness(json=example("data", comment="Wrong photo \U0001f3e0")),
)(_crash_when(_has_astral_comment))
response_fault(
    "empty_classified_ids_crashes",
    "classifiedIds [] gets 500 (an empty SQL IN () list)",
    Witness(json=example("data", classifiedIds=[])),
)(_crash_when(lambda body: isinstance(body, dict) and body.get("classifiedIds") == []))


def _target_count(body: Any) -> int:
    if not isinstance(body, dict):
        return 0
    arrays = (body.get("propertyIds"), body.get("classifiedIds"))
    return sum(len(items) for items in arrays if isinstance(items, list))


response_fault(
    "more_than_20_targets_crash",
    "a report with more than 20 targets gets 500 (one SQL row per target, a batch limit of 20)",
    Witness(json=example("data", propertyIds=[example("data")["propertyIds"][0]] * 21)),
)(_crash_when(lambda body: _target_count(body) > 20))


def _other_with_null_action(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and body.get("issueKind") == "other"
        and "clusteringAction" in body
        and body["clusteringAction"] is None
    )


response_fault(
    "other_null_clustering_action_crashes",
    "an other report with clusteringAction null gets 500 (D3: null means absent, so it is valid)",
    Witness(json=example("other", clusteringAction=None)),
)(_crash_when(_other_with_null_action))

_SMALL_BODY_LIMIT = 8 * 1024


def _small_body_limit(request: Request, response: Response) -> Response:
    if len(request.body) > _SMALL_BODY_LIMIT:
        return Response.of_json(413, {"message": "Payload Too Large"})
    return response


def _valid_body_over(limit: int) -> dict[str, Any]:
    """A valid data report whose JSON body is over `limit` bytes: the longest comment the spec
    allows (in 4-byte characters), then as many more property ids as it takes, so that it
    stays valid whatever the spec's comment limit is."""
    body = example("data", comment="\U0001f3e0" * CONTRACT.comment_max_length)
    ids = list(body["propertyIds"])
    for number in itertools.count(1):
        if len(json.dumps(body, ensure_ascii=False).encode("utf-8")) > limit:
            return body
        ids.append(str(uuid.UUID(int=number, version=4)))
        body["propertyIds"] = list(ids)
    raise AssertionError("unreachable")  # pragma: no cover


response_fault(
    "bodies_over_8_kib_refused",
    "a body over 8 KiB gets 413 (a proxy limit), so a valid report with a long comment is refused",
    Witness(json=_valid_body_over(_SMALL_BODY_LIMIT)),
)(_small_body_limit)


# -- a body that is not JSON ------------------------------------------------------------------


def _not_json(answer: Callable[[], Response]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        if response.status in (400, 422) and _decoded(request) is _NOT_DECODED:
            return answer()
        return response

    return transform


def _fake_created() -> Response:
    return Response.of_json(201, {"createdAt": Clock().now(), "reportId": new_report_id()})


response_fault(
    "non_json_crashes",
    "a body that is not JSON gets 500 (the decode error is not handled)",
    Witness(raw=_NOT_JSON, expect=(400, 422)),
)(_not_json(_server_error))
response_fault(
    "non_json_accepted",
    "a body that is not JSON gets 201 (decoded leniently as an empty report)",
    Witness(raw=_NOT_JSON, expect=(400, 422)),
)(_not_json(_fake_created))


# -- the 422 body -----------------------------------------------------------------------------


def _errors(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Transform:
    """A transform rewriting the body of 422 answers."""

    def transform(request: Request, response: Response) -> Response:
        if response.status != 422:
            return response
        return response.with_json(change(response.json()))

    return transform


def _rekeyed(rename: Callable[[str], str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(body: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for key, messages in body["errors"].items():
            errors.setdefault(rename(key), []).extend(messages)
        return {**body, "errors": errors}

    return change


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z])([A-Z])", lambda match: "_" + match[1].lower(), key)


def _bracketed(key: str) -> str:
    return re.sub(r"\.(\d+)", r"[\1]", key)


def _as_list(body: dict[str, Any]) -> dict[str, Any]:
    errors = [
        {"field": key, "message": message}
        for key, messages in body["errors"].items()
        for message in messages
    ]
    return {**body, "errors": errors}


def _all_under_body(body: dict[str, Any]) -> dict[str, Any]:
    messages = [message for found in body["errors"].values() for message in found]
    return {**body, "errors": {"body": messages}}


response_fault(
    "errors_missing",
    'the 422 body has only "message", no "errors"',
    _BAD_ITEM,
)(_errors(lambda body: {"message": body["message"]}))
response_fault(
    "errors_as_list",
    'the 422 "errors" is a list of {"field", "message"}, not an object',
    _BAD_ITEM,
)(_errors(_as_list))
response_fault(
    "error_messages_not_arrays",
    'each 422 "errors" entry is one string, not an array of strings',
    _BAD_ITEM,
)(_errors(lambda body: {**body, "errors": {k: v[0] for k, v in body["errors"].items()}}))
response_fault(
    "errors_keyed_snake_case",
    "422 errors are keyed by snake_case names (property_ids.0), not the request's field names",
    _BAD_ITEM,
)(_errors(_rekeyed(_snake)))
response_fault(
    "errors_keyed_body",
    '422 errors are all keyed "body", not by the field at fault',
    _BAD_ITEM,
)(_errors(_all_under_body))


def _conditional_rule_ids() -> frozenset[str]:
    """The rules the request schema states as `if issueKind ... then ...` (its allOf entries,
    each naming its rule in `$comment`)."""
    request = CONTRACT.schema(CONTRACT.request_schema_name)
    comments = (str(entry.get("$comment", "")) for entry in request.get("allOf", []))
    return frozenset(match[1] for text in comments if (match := re.match(r"rule (\S+)", text)))


_CONDITIONAL_RULES = _conditional_rule_ids()


def _conditional_at_root(body: dict[str, Any]) -> dict[str, Any]:
    """Messages of conditional rules (each message names its rule, `[rule-id]`) moved to the
    key "" (the body's root), as a JSON Schema validator reports an if/then `required`."""
    errors: dict[str, list[str]] = {}
    for key, messages in body["errors"].items():
        for message in messages:
            named = re.findall(r"\[([a-z0-9-]+)\]", message)
            at = "" if _CONDITIONAL_RULES.intersection(named) else key
            errors.setdefault(at, []).append(message)
    return {**body, "errors": errors}


response_fault(
    "conditional_errors_at_root",
    '422 errors of the conditional rules (what issueKind requires or forbids) are keyed "" (the'
    " body's root, as Ajv reports an if/then), not by the field at fault",
    Witness(json=example("data", issueFacets=ABSENT), expect=(422,)),
)(_errors(_conditional_at_root))
response_fault(
    "item_errors_without_index",
    "422 errors of array items are keyed by the array (propertyIds), not propertyIds.0",
    _BAD_ITEM,
)(_errors(_rekeyed(lambda key: key.split(".", 1)[0])))
response_fault(
    "item_errors_bracketed",
    "422 errors of array items are keyed propertyIds[0], not propertyIds.0",
    _BAD_ITEM,
)(_errors(_rekeyed(_bracketed)))
response_fault(
    "violations_answered_400",
    "a rule violation is answered 400 instead of 422 (same body)",
    _BAD_ITEM,
)(lambda request, response: response.with_status(400) if response.status == 422 else response)


# -- authentication ---------------------------------------------------------------------------


def _any_token(token: str) -> ASGIApp:
    return create_app(ServerSettings(token=token, accept_any_token=True))


register(
    FaultyServer(
        "any_token_accepted",
        "any Bearer token is accepted, not only the issued one (a missing header is still 401)",
        "settings",
        _any_token,
        _WRONG_TOKEN,
    )
)


@handler_fault(
    "missing_token_accepted",
    "the endpoint is not behind authentication: a request without a token is served",
    _MISSING_TOKEN,
)
def _no_auth(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        if request.header("authorization") is None:
            request = request.with_header("authorization", f"Bearer {token}")
        return await call_next(request)

    return handle


@handler_fault(
    "body_checked_before_token",
    "the body is validated before the token, so a bad body without a token gets 422, not 401",
    Witness(json=example("data", issueFacets=[]), auth="missing", expect=(401,)),
)
def _body_first(token: str) -> Handler:
    async def handle(request: Request, call_next: CallNext) -> Response:
        body = _decoded(request)
        if body is _NOT_DECODED or RULES.violations(body):
            request = request.with_header("authorization", f"Bearer {token}")
        return await call_next(request)

    return handle


def _unauthenticated(change: Callable[[Request, Response], Response]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        return change(request, response) if response.status == 401 else response

    return transform


response_fault(
    "wrong_token_answered_403",
    "an invalid (present) token is answered 403, not 401",
    _WRONG_TOKEN,
)(
    _unauthenticated(
        lambda request, response: (
            Response.of_json(403, {"message": "This action is unauthorized."})
            if request.header("authorization") is not None
            else response
        )
    )
)
response_fault(
    "unauthenticated_without_message",
    'the 401 has an empty body, no {"message"}',
    _MISSING_TOKEN,
)(_unauthenticated(lambda request, response: Response(401, (), b"")))
response_fault(
    "unauthenticated_redirects_to_login",
    "a request without a token is redirected (302) to a login page, as Laravel does for browsers",
    _MISSING_TOKEN,
)(
    _unauthenticated(
        lambda request, response: Response(
            302, (("location", "/login"), ("content-type", "text/html; charset=utf-8")), b""
        )
    )
)


# -- other methods ----------------------------------------------------------------------------


def _not_allowed(change: Callable[[Response], Response]) -> Transform:
    def transform(request: Request, response: Response) -> Response:
        return change(response) if response.status == 405 else response

    return transform


response_fault(
    "method_not_allowed_without_allow",
    "the 405 for another method has no Allow header",
    _GET,
)(_not_allowed(lambda response: response.without_header("allow")))
response_fault(
    "other_methods_answered_404",
    "another method on /issues is answered 404 (no route), not 405",
    _GET,
)(_not_allowed(lambda response: Response.of_json(404, {"message": "Not Found"})))
response_fault(
    "other_methods_answered_200",
    "GET on /issues is answered 200 with a list of reports, not 405",
    _GET,
)(_not_allowed(lambda response: Response.of_json(200, {"data": []})))
