"""The expectations assert what the contract says, and only that."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from immoteur_contract.runner.expectations import (
    expect_created,
    expect_method_not_allowed,
    expect_read_or_refused,
    expect_rejected,
    expect_unauthenticated_or_too_large,
)

JSON = {"content-type": "application/json"}
SENT = {"propertyIds": ["x", "y"], "issueKind": "data", "extra": 1}


def _response(status: int, body: Any, headers: dict[str, str] = JSON) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("propertyIds.1", id="item-index"),
        pytest.param("issueFacets", id="documented-field-not-sent"),
        pytest.param("extra", id="sent-unknown-field"),
    ],
)
def test_expect_rejected_accepts_keys_naming_request_fields(key: str) -> None:
    expect_rejected(_response(422, {"message": "m", "errors": {key: ["bad"]}}), SENT)


@pytest.mark.parametrize(
    ("status", "body", "match"),
    [
        pytest.param(201, {}, "expected 422", id="created"),
        pytest.param(
            422, {"errors": {"propertyIds.2": ["bad"]}}, "no item", id="index-out-of-range"
        ),
        pytest.param(422, {"errors": {"body": ["bad"]}}, "names no field", id="unknown-field"),
        pytest.param(422, {"errors": {}}, "names no field", id="no-keys"),
        pytest.param(422, {"errors": {"comment": "bad"}}, "ValidationError", id="not-a-list"),
    ],
)
def test_expect_rejected_refuses_what_the_contract_forbids(
    status: int, body: Any, match: str
) -> None:
    with pytest.raises(AssertionError, match=match):
        expect_rejected(_response(status, body), SENT)


@pytest.mark.parametrize(
    ("created_at", "ok"),
    [
        pytest.param("2026-01-02T03:04:05Z", True, id="utc"),
        pytest.param("2026-01-02T03:04:05.123+02:00", True, id="offset"),
        pytest.param("2026-01-02T03:04:05", False, id="no-offset"),
        pytest.param("2026-02-30T03:04:05Z", False, id="no-such-day"),
        pytest.param("2026-01-02 03:04:05Z", False, id="space"),
    ],
)
def test_expect_created_parses_created_at_strictly(created_at: str, ok: bool) -> None:
    response = _response(
        201, {"createdAt": created_at, "reportId": "00000000-0000-0000-0000-000000000000"}
    )
    if ok:
        expect_created(response)
    else:
        with pytest.raises(AssertionError):
            expect_created(response)


def test_expect_created_wants_application_json() -> None:
    body = {"createdAt": "2026-01-02T03:04:05Z", "reportId": "00000000-0000-0000-0000-000000000000"}
    with pytest.raises(AssertionError, match="Content-Type"):
        expect_created(_response(201, body, {"content-type": "text/plain"}))


@pytest.mark.parametrize(
    ("allow", "ok"),
    [pytest.param("GET, POST", True, id="listed"), pytest.param("GET", False, id="missing")],
)
def test_expect_method_not_allowed_wants_post_in_allow(allow: str, ok: bool) -> None:
    response = httpx.Response(405, headers={"allow": allow})
    if ok:
        expect_method_not_allowed(response)
    else:
        with pytest.raises(AssertionError, match="Allow"):
            expect_method_not_allowed(response)


ITEM_FAULT = {
    "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a", "not-a-uuid"],
    "issueKind": "data",
    "issueFacets": ["price"],
}


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        pytest.param("propertyIds.1", True, id="dotted-item"),
        pytest.param("propertyIds", False, id="array-not-item"),
        pytest.param("propertyIds.0", False, id="other-item"),
    ],
)
def test_expect_rejected_wants_the_faulty_item_keyed_when_only_items_are_at_fault(
    key: str, ok: bool
) -> None:
    response = _response(422, {"message": "m", "errors": {key: ["bad"]}})
    if ok:
        expect_rejected(response, ITEM_FAULT)
    else:
        with pytest.raises(AssertionError, match="none of the faulty items"):
            expect_rejected(response, ITEM_FAULT)


@pytest.mark.parametrize(
    ("status", "body", "ok"),
    [
        pytest.param(400, {"message": "not an object"}, True, id="400"),
        pytest.param(422, {"errors": {"body": ["must be an object"]}}, True, id="422-any-key"),
        pytest.param(422, {"errors": ["must be an object"]}, False, id="422-wrong-shape"),
        pytest.param(201, {}, False, id="created"),
        pytest.param(500, {}, False, id="server-error"),
    ],
)
def test_expect_rejected_leaves_a_non_object_body_to_400_or_422(
    status: int, body: Any, ok: bool
) -> None:
    response = _response(status, body)
    if ok:
        expect_rejected(response, [ITEM_FAULT])
    else:
        with pytest.raises(AssertionError):
            expect_rejected(response, [ITEM_FAULT])


CREATED = {
    "createdAt": "2026-11-26T22:39:16.123+00:00",
    "reportId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
}
MESSAGE = {"message": "Unauthenticated."}
ERRORS = {"message": "invalid", "errors": {"issueFacets": ["empty"]}}


@pytest.mark.parametrize(
    ("status", "body", "may_accept", "ok"),
    [
        pytest.param(201, CREATED, True, True, id="created-when-a-reading-is-valid"),
        pytest.param(201, CREATED, False, False, id="created-when-no-reading-is-valid"),
        pytest.param(201, {"createdAt": "yesterday"}, True, False, id="created-badly"),
        pytest.param(400, {}, False, True, id="refused-400"),
        pytest.param(413, {}, True, True, id="refused-413"),
        pytest.param(422, ERRORS, True, True, id="read-422"),
        pytest.param(422, {"errors": []}, True, False, id="422-wrong-shape"),
        pytest.param(500, {}, True, False, id="server-error"),
        pytest.param(200, CREATED, True, False, id="200"),
    ],
)
def test_expect_read_or_refused_allows_any_answer_but_a_5xx_or_an_undue_2xx(
    status: int, body: Any, may_accept: bool, ok: bool
) -> None:
    response = _response(status, body)
    if ok:
        expect_read_or_refused(response, may_accept)
    else:
        with pytest.raises(AssertionError):
            expect_read_or_refused(response, may_accept)


@pytest.mark.parametrize(
    ("status", "body", "ok"),
    [
        pytest.param(401, MESSAGE, True, id="401"),
        pytest.param(413, {}, True, id="413-as-a-front-proxy"),
        pytest.param(401, {}, False, id="401-without-message"),
        pytest.param(400, {}, False, id="400-body-looked-at"),
        pytest.param(500, {}, False, id="500"),
    ],
)
def test_expect_unauthenticated_or_too_large_allows_413_besides_401(
    status: int, body: Any, ok: bool
) -> None:
    response = _response(status, body)
    if ok:
        expect_unauthenticated_or_too_large(response)
    else:
        with pytest.raises(AssertionError):
            expect_unauthenticated_or_too_large(response)
