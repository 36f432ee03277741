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
pytestmark = pytest.mark.leading  # a few requests that catch whole classes of divergence

# A body that would be valid, and one that would not: 401 comes before the body is looked at.
_BODIES = {
    "valid-body": next(c.body for c in boundary_cases() if c.rule is None),
    "invalid-body": {},
}


@pytest.mark.parametrize("body_name", list(_BODIES))
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-token"),
        pytest.param("Bearer wrong-token-0000", id="wrong-token"),
        pytest.param("Bearer", id="scheme-without-token"),
        pytest.param("bearer-scheme", id="wrong-scheme"),
        pytest.param("token-only", id="no-scheme"),
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
        pytest.param(b"{", id="truncated"),
        pytest.param(b"not json", id="text"),
        pytest.param(b"{'propertyIds': []}", id="single-quotes"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b"", id="empty"),
    ],
)
def test_body_that_is_not_json_is_rejected(api: Api, content: bytes) -> None:
    api.expect(expect_not_json_rejected, api.client.send("POST", content=content))


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_other_method_is_not_allowed(api: Api, method: str) -> None:
    api.expect(expect_method_not_allowed, api.client.send(method))
