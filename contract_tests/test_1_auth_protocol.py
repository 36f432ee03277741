"""Authentication before the body, non-JSON bodies, other methods; never a 5xx."""

from __future__ import annotations

import pytest

from immoteur_contract.runner.expectations import (
    expect_method_not_allowed,
    expect_not_json_rejected,
    expect_unauthenticated,
)
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import boundary_cases

LAYER = "auth-protocol"
SENDS = "one"
_LEADS = pytest.mark.leading  # the first of each group: a few requests, whole classes caught

# A body that would be valid, and one that would not: 401 comes before the body is looked at.
_BODIES = {
    "valid-body": next(c.body for c in boundary_cases() if c.rule is None),
    "invalid-body": {},
}


_AUTHORIZATIONS = {
    "no-token": None,
    "wrong-token": "Bearer wrong-token-0000",
    "scheme-without-token": "Bearer",
    "wrong-scheme": "bearer-scheme",
    "no-scheme": "token-only",
}
# No token with either body (401 before the body is looked at), a wrong token with a valid one.
_LEADING_AUTH = {
    ("no-token", "valid-body"),
    ("no-token", "invalid-body"),
    ("wrong-token", "valid-body"),
}


@pytest.mark.parametrize(
    ("authorization", "body_name"),
    [
        pytest.param(
            header,
            body_name,
            id=f"{name}-{body_name}",
            marks=[_LEADS] if (name, body_name) in _LEADING_AUTH else [],
        )
        for name, header in _AUTHORIZATIONS.items()
        for body_name in _BODIES
    ],
)
def test_bad_authorization_is_unauthenticated(
    api: Api, authorization: str | None, body_name: str
) -> None:
    header = authorization
    if authorization == "bearer-scheme":
        header = api.client.authorization.replace("Bearer ", "Basic ", 1)
    elif authorization == "token-only":
        header = api.client.authorization.removeprefix("Bearer ")
    response = api.client.post(_BODIES[body_name], authorization=header)
    api.expect(expect_unauthenticated, response)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{", id="truncated", marks=pytest.mark.leading(2)),
        pytest.param(b"not json", id="text"),
        pytest.param(b"{'propertyIds': []}", id="single-quotes"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b"", id="empty"),
    ],
)
def test_body_that_is_not_json_is_rejected(api: Api, content: bytes) -> None:
    api.expect(expect_not_json_rejected, api.client.send("POST", content=content))


@pytest.mark.parametrize(
    "method", [pytest.param("GET", marks=pytest.mark.leading(2)), "PUT", "PATCH", "DELETE"]
)
def test_other_method_is_not_allowed(api: Api, method: str) -> None:
    api.expect(expect_method_not_allowed, api.client.send(method))
