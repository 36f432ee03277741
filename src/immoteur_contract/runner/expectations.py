"""What the contract says about a response, and nothing more: one function per expectation.

Each raises AssertionError with a message that says what was expected and what came. No
function depends on a behaviour the contract leaves open (which key carries a cross-field
violation, the reaction to a Content-Type other than application/json).
"""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

import httpx

from ..rules import CONTRACT, RULES, is_uuid

__all__ = [
    "expect_created",
    "expect_method_not_allowed",
    "expect_not_json_rejected",
    "expect_rejected",
    "expect_unauthenticated",
]

_JSON = "application/json"
_CREATED_AT = re.compile(
    str(CONTRACT.schema("IssueReportCreated")["properties"]["createdAt"]["pattern"])
)


def _status(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        wanted = " or ".join(map(str, expected))
        raise AssertionError(
            f"expected {wanted}, got {response.status_code}: {response.text[:300]!r}"
        )


def _json_body(response: httpx.Response) -> Any:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != _JSON:
        raise AssertionError(f"expected Content-Type {_JSON}, got {media_type or 'none'!r}")
    try:
        return response.json()
    except ValueError:
        raise AssertionError(f"the body is not JSON: {response.text[:300]!r}") from None


def _conforms(schema: str, value: Any) -> None:
    errors = sorted(CONTRACT.validator(schema).iter_errors(value), key=lambda e: e.path)
    if errors:
        raise AssertionError(f"the body does not conform to {schema}: {errors[0].message}")


def expect_rejected(response: httpx.Response, sent: object) -> None:
    """422 with the validation-error body; every key names a field of the request (a field
    of the spec or a key of the sent object, dotted with valid indices of the sent array).

    A JSON value that is not an object has no fields, and D10 promises 422 only for violations
    in an object body: there 400 is as good, and a 422 need only have the documented shape."""
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
        raise AssertionError("the 422 body names no field in `errors`")
    for key in errors:
        _check_key(key, sent)
    _check_item_keys(errors, sent)


def _check_key(key: str, sent: object) -> None:
    field, *indices = key.split(".")
    fields = set(CONTRACT.request_fields)
    if isinstance(sent, dict):
        fields |= set(sent)
    if field not in fields:
        raise AssertionError(f"the error key {key!r} names no field of the request")
    value = sent.get(field) if isinstance(sent, dict) else None
    for index in indices:
        if not (index.isdigit() and isinstance(value, list) and int(index) < len(value)):
            raise AssertionError(f"the error key {key!r} names no item of the sent {field}")
        value = value[int(index)]


def _check_item_keys(errors: dict[str, Any], sent: object) -> None:
    """When every fault of the body is in array items, the contract's dotted keys name them:
    at least one of those items (`propertyIds.1`) must be a key. Bodies with other faults too
    are left alone, since the contract does not say that every violation is reported."""
    keys = {violation.key for violation in RULES.violations(sent)}
    if keys and all("." in key for key in keys) and not keys & set(errors):
        expected = ", ".join(sorted(keys))
        raise AssertionError(
            f"the 422 keys {sorted(errors)} name none of the faulty items; expected {expected}"
        )


def expect_created(response: httpx.Response) -> None:
    """201, Content-Type application/json, an IssueReportCreated body with a strict RFC 3339
    createdAt (with an offset) and a UUID reportId."""
    _status(response, 201)
    payload = _json_body(response)
    _conforms("IssueReportCreated", payload)
    created_at = payload["createdAt"]
    if not _CREATED_AT.fullmatch(created_at):
        raise AssertionError(f"createdAt is not RFC 3339 with an offset: {created_at!r}")
    try:
        parsed = datetime.datetime.fromisoformat(created_at.upper().replace("Z", "+00:00"))
    except ValueError:
        raise AssertionError(f"createdAt is not a real instant: {created_at!r}") from None
    if parsed.tzinfo is None:
        raise AssertionError(f"createdAt has no offset: {created_at!r}")
    if not is_uuid(payload["reportId"]):
        raise AssertionError(f"reportId is not a UUID: {payload['reportId']!r}")


def expect_unauthenticated(response: httpx.Response) -> None:
    """401 with a JSON `{"message": str}` body."""
    _status(response, 401)
    _conforms("Message", _json_body(response))


def expect_method_not_allowed(response: httpx.Response) -> None:
    """405 with an Allow header that lists POST."""
    _status(response, 405)
    allowed = {m.strip().upper() for m in response.headers.get("allow", "").split(",")}
    if "POST" not in allowed:
        raise AssertionError(f"Allow does not list POST: {response.headers.get('allow')!r}")


def expect_not_json_rejected(response: httpx.Response) -> None:
    """400 or 422 for a body that is not JSON."""
    _status(response, 400, 422)
