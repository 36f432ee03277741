"""The order of the checks: every token state with every body state.

D10: a missing or invalid token gets 401 before the body is looked at. So with no token, a
malformed Authorization header or a wrong token, every body gets 401, whatever it holds: empty,
not JSON, not UTF-8, JSON but not an object, an invalid report, a valid one. The one exception
is a body too large for the server (over 1 MiB): a front proxy may refuse it with 413 before
the token is checked. With the right token each body gets its own verdict: 400 or 422 for what
is not a JSON object, 422 for an invalid report, 201 for a valid one (sent only where writes
are allowed), and for the oversized body (an invalid report) 400, 413 or 422.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from immoteur_contract.runner.expectations import (
    expect_created,
    expect_not_json_rejected,
    expect_read_or_refused,
    expect_rejected,
    expect_unauthenticated,
    expect_unauthenticated_or_too_large,
)
from immoteur_contract.runner.plugin import Api
from immoteur_contract.runner.probing import send_raw
from immoteur_contract.runner.raw_bodies import MIB, base_report, json_text, padded_to

LAYER = "check-order"
SENDS = "one"

OVERSIZED_BYTES = MIB + 4096
"""The oversized body: a little over the 1 MiB the reference server refuses."""

_TOKENS = {
    "no-token": None,
    "malformed-header": "Bearer",
    "wrong-token": "Bearer wrong-token-0000",
    "right-token": True,
}


@functools.cache
def _oversized() -> bytes:
    return padded_to(base_report(valid=False), OVERSIZED_BYTES)


_BODIES: dict[str, Any] = {
    "empty": lambda: b"",
    "not-json": lambda: b'{"issueKind": "data", "propertyIds": [',
    "not-utf8": lambda: b'{"comment": "caf\xe9"}',
    "not-an-object": lambda: json_text(["data"]),
    "invalid-report": lambda: json_text(base_report(valid=False)),
    "valid-report": lambda: json_text(base_report(valid=True)),
    "oversized": _oversized,
}
# The cells that lead: a body that is not JSON without a token shows every way of serving a
# request without one and every body check made first (round 1), as does a JSON body that is
# not an object with a wrong token; an oversized body with the right token, an unhandled size
# error (round 2).
_ROUNDS = {
    ("no-token", "not-json"): 1,
    ("wrong-token", "not-an-object"): 1,
    ("right-token", "oversized"): 2,
}


def _cells() -> list[Any]:
    cells = []
    for token in _TOKENS:
        for body in _BODIES:
            lead = _ROUNDS.get((token, body))
            marks = [pytest.mark.leading(lead)] if lead else []
            if (token, body) == ("right-token", "valid-report"):
                marks.append(pytest.mark.writes)
            cells.append(pytest.param(token, body, id=f"{token}-{body}", marks=marks))
    return cells


@pytest.mark.parametrize(("token", "body"), _cells())
def test_token_verdict_comes_before_the_body(api: Api, token: str, body: str) -> None:
    content: bytes = _BODIES[body]()
    response = send_raw(api.client, content, authorization=_TOKENS[token])
    if token != "right-token":
        check = (
            expect_unauthenticated_or_too_large if body == "oversized" else expect_unauthenticated
        )
        api.expect(check, response)
    elif body == "oversized":
        api.expect(expect_read_or_refused, response, False)
    elif body == "valid-report":
        api.expect(expect_created, response)
    elif body in ("not-an-object", "invalid-report"):
        api.expect(expect_rejected, response, json.loads(content))
    else:
        api.expect(expect_not_json_rejected, response)
