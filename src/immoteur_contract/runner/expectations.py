"""What the contract says about a response, and nothing more: one function per expectation.

Each raises `ExpectationError` (an AssertionError) with a message that says what was expected
and what came, the name of the expectation it broke and the status seen: the two facts a
failure's stable identity is built from (identity.py), whatever the random body was. No
function depends on a behaviour the contract leaves open (which key carries a cross-field
violation, the reaction to a Content-Type other than application/json).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import httpx

from ..rules import CONTRACT, RULES, RuleViolation, is_uuid

__all__ = [
    "ExpectationError",
    "expect_created",
    "expect_method_not_allowed",
    "expect_not_json_rejected",
    "expect_read_or_refused",
    "expect_rejected",
    "expect_unauthenticated",
    "expect_unauthenticated_or_too_large",
]

_JSON = "application/json"
_CREATED_AT = re.compile(
    str(CONTRACT.schema("IssueReportCreated")["properties"]["createdAt"]["pattern"])
)


class ExpectationError(AssertionError):
    """An expectation the response did not meet. `expectation` names it (`status-422`,
    `content-type`, `schema-ValidationError`, `error-key-field`, ...); `status` is the status
    of the response, set by the public `expect_*` function that was checking it."""

    def __init__(self, message: str, expectation: str) -> None:
        super().__init__(message)
        self.expectation = expectation
        self.status: int | None = None


Check = TypeVar("Check", bound=Callable[..., None])


def _expectation(check: Check) -> Check:
    """Stamp the status of the checked response (the first argument) on the error raised."""

    @functools.wraps(check)
    def checked(response: httpx.Response, *args: Any) -> None:
        try:
            check(response, *args)
        except ExpectationError as error:
            error.status = response.status_code
            raise

    return cast(Check, checked)


def _status(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        wanted = " or ".join(map(str, expected))
        raise ExpectationError(
            f"expected {wanted}, got {response.status_code}: {response.text[:300]!r}",
            "status-" + "-or-".join(map(str, expected)),
        )


def _json_body(response: httpx.Response) -> Any:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != _JSON:
        raise ExpectationError(
            f"expected Content-Type {_JSON}, got {media_type or 'none'!r}", "content-type"
        )
    try:
        return response.json()
    except ValueError:
        raise ExpectationError(f"the body is not JSON: {response.text[:300]!r}", "json") from None


def _conforms(schema: str, value: Any) -> None:
    validator = CONTRACT.validator(schema)
    if validator.is_valid(value):
        return  # the common case, decided without building and sorting every error
    errors = sorted(validator.iter_errors(value), key=lambda e: e.path)
    raise ExpectationError(
        f"the body does not conform to {schema}: {errors[0].message}", f"schema-{schema}"
    )


@_expectation
def expect_rejected(
    response: httpx.Response, sent: object, broken: Sequence[RuleViolation] | None = None
) -> None:
    """422 with the validation-error body; every key names a field of the request (a field
    of the spec or a key of the sent object, dotted with valid indices of the sent array).

    A JSON value that is not an object has no fields, and D10 promises 422 only for violations
    in an object body: there 400 is as good, and a 422 need only have the documented shape.
    `broken` is `RULES.violations(sent)` when the caller has it already (the proxy's judge
    does), so that the rules are not checked twice."""
    if not isinstance(sent, dict):
        _status(response, 400, 422)
        if response.status_code == 422:
            _conforms("ValidationError", _json_body(response))
        return
    _status(response, 422)
    payload = _json_body(response)
    _conforms("ValidationError", payload)
    errors = cast(dict[str, Any], payload["errors"])
    if not errors:
        raise ExpectationError("the 422 body names no field in `errors`", "errors-empty")
    for key in errors:
        _check_key(key, sent)
    _check_item_keys(errors, RULES.violations(sent) if broken is None else broken)


def _check_key(key: str, sent: object) -> None:
    field, *indices = key.split(".")
    fields = set(CONTRACT.request_fields)
    if isinstance(sent, dict):
        fields |= set(sent)
    if field not in fields:
        raise ExpectationError(
            f"the error key {key!r} names no field of the request", "error-key-field"
        )
    value = sent.get(field) if isinstance(sent, dict) else None
    for index in indices:
        if not (index.isdigit() and isinstance(value, list) and int(index) < len(value)):
            raise ExpectationError(
                f"the error key {key!r} names no item of the sent {field}", "error-key-item"
            )
        value = value[int(index)]


def _check_item_keys(errors: dict[str, Any], broken: Sequence[RuleViolation]) -> None:
    """When every fault of the body (`broken`, its rule violations) is in array items, the
    contract's dotted keys name them: at least one of those items (`propertyIds.1`) must be a
    key. Bodies with other faults too are left alone, since the contract does not say that
    every violation is reported."""
    keys = {violation.key for violation in broken}
    if keys and all("." in key for key in keys) and not keys & set(errors):
        expected = ", ".join(sorted(keys))
        raise ExpectationError(
            f"the 422 keys {sorted(errors)} name none of the faulty items; expected {expected}",
            "error-keys-items",
        )


@_expectation
def expect_created(response: httpx.Response) -> None:
    """201, Content-Type application/json, an IssueReportCreated body with a strict RFC 3339
    createdAt (with an offset) and a UUID reportId."""
    _status(response, 201)
    payload = _json_body(response)
    _conforms("IssueReportCreated", payload)
    created_at = payload["createdAt"]
    if not _CREATED_AT.fullmatch(created_at):
        raise ExpectationError(
            f"createdAt is not RFC 3339 with an offset: {created_at!r}", "created-at"
        )
    try:
        parsed = datetime.datetime.fromisoformat(created_at.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ExpectationError(
            f"createdAt is not a real instant: {created_at!r}", "created-at"
        ) from None
    if parsed.tzinfo is None:
        raise ExpectationError(f"createdAt has no offset: {created_at!r}", "created-at")
    if not is_uuid(payload["reportId"]):
        raise ExpectationError(f"reportId is not a UUID: {payload['reportId']!r}", "report-id")


@_expectation
def expect_unauthenticated(response: httpx.Response) -> None:
    """401 with a JSON `{"message": str}` body."""
    _status(response, 401)
    _conforms("Message", _json_body(response))


@_expectation
def expect_method_not_allowed(response: httpx.Response) -> None:
    """405 with an Allow header that lists POST."""
    _status(response, 405)
    allowed = {m.strip().upper() for m in response.headers.get("allow", "").split(",")}
    if "POST" not in allowed:
        raise ExpectationError(
            f"Allow does not list POST: {response.headers.get('allow')!r}", "allow-post"
        )


@_expectation
def expect_not_json_rejected(response: httpx.Response) -> None:
    """400 or 422 for a body that is not JSON."""
    _status(response, 400, 422)


@_expectation
def expect_unauthenticated_or_too_large(response: httpx.Response) -> None:
    """401 with a JSON `{"message": str}` body, or 413: a body too large for the server may be
    refused before the token is looked at, as a front proxy does."""
    _status(response, 401, 413)
    if response.status_code == 401:
        _conforms("Message", _json_body(response))


@_expectation
def expect_read_or_refused(response: httpx.Response, may_accept: bool) -> None:
    """For a body whose reading the contract leaves to the server (a corner of JSON that RFC
    8259 leaves to the implementation, an unusual size or shape): 201 when the body can be read
    as a valid report (`may_accept`), 400 or 413 (refused), or 422 with the validation-error
    body; never a 5xx."""
    accepted = (201,) if may_accept else ()
    _status(response, *accepted, 400, 413, 422)
    if response.status_code == 201:
        expect_created(response)
    elif response.status_code == 422:
        _conforms("ValidationError", _json_body(response))
