"""Caller violations: each invalid row of the verdict table, sent through the proxy, is a
caller violation naming exactly the rules the row breaks; valid rows are none."""

from __future__ import annotations

import json
import uuid

import pytest

from immoteur_contract.server import reference_app
from immoteur_contract.server.asgi import Receive, Scope, Send
from immoteur_contract.verdicts import Verdict, agreeing_verdicts

from .support import TOKEN, Step, drive
from .wire_upstream import read_body

_AUTH = (("authorization", f"Bearer {TOKEN}"), ("content-type", "application/json"))


def _step(row: Verdict) -> Step:
    return Step("POST", json.dumps(row.body, ensure_ascii=False).encode(), _AUTH)


@pytest.fixture(scope="module")
def judged() -> dict[str, set[str]]:
    rows = agreeing_verdicts()
    violations, recorder = drive(reference_app(TOKEN), [_step(row) for row in rows])
    assert [v.line() for v in violations if v.violation.side == "server"] == []
    assert recorder.endpoint == len(rows)
    found: dict[str, set[str]] = {row.id: set() for row in rows}
    by_index = {row_index + 1: row.id for row_index, row in enumerate(rows)}
    for item in violations:
        found[by_index[item.index]].add(item.violation.key)
    return found


@pytest.mark.parametrize("row", agreeing_verdicts(), ids=lambda row: row.id)
def test_judge_invalid_request_is_a_caller_violation_naming_its_rules(
    row: Verdict, judged: dict[str, set[str]]
) -> None:
    assert judged[row.id] == set(row.rules)


def test_judge_caller_line_says_your_application_and_hides_the_token() -> None:
    row = next(r for r in agreeing_verdicts() if r.rules == ("data-requires-issue-facets",))
    violations, _ = drive(reference_app(TOKEN), [_step(row)])
    (item,) = violations
    assert item.violation.side == "caller"
    assert "your application sent" in item.line()
    assert "data-requires-issue-facets" in item.line()
    assert TOKEN not in item.line()
    assert "$IMMOTEUR_TOKEN" in item.curl


def test_judge_missing_token_is_a_caller_violation() -> None:
    row = next(r for r in agreeing_verdicts() if r.valid)
    step = Step("POST", json.dumps(row.body).encode(), (("content-type", "application/json"),))
    violations, _ = drive(reference_app(TOKEN), [step])
    assert [(v.violation.side, v.violation.key) for v in violations] == [
        ("caller", "auth-protocol")
    ]


async def _auth_by_body(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers 401 to a body with a comment and 201 to the others, whatever the token."""
    body = await read_body(receive)
    if b"comment" in body:
        status, payload = 401, {"message": "Unauthenticated."}
    else:
        payload = {"createdAt": "2026-12-03T10:00:00Z", "reportId": str(uuid.uuid4())}
        status = 201
    content = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(content))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def test_judge_a_401_keyed_to_the_body_is_a_server_violation() -> None:
    valid = [r for r in agreeing_verdicts() if r.valid]
    plain = next(r for r in valid if "comment" not in r.body)
    commented = next(r for r in valid if "comment" in r.body)
    violations, _ = drive(_auth_by_body, [_step(plain), _step(commented)])
    server = [(v.violation.key, v.violation.expectation, v.index) for v in violations]
    assert server == [("auth-protocol", "auth-keyed-to-body", 2)]


@pytest.mark.parametrize(
    ("member", "side"),
    [
        pytest.param(b"NaN", "caller", id="not-json-is-the-callers"),
        pytest.param(b"1e400", None, id="open-reading-is-nobodys"),
    ],
)
def test_judge_reads_the_request_as_rfc_8259_does(member: bytes, side: str | None) -> None:
    """Python's json reads NaN; RFC 8259 does not. 1e400 is JSON the RFC leaves to the
    server: the reference server's refusal (400) is not a server violation."""
    row = next(r for r in agreeing_verdicts() if r.valid)
    content = json.dumps(row.body).encode()[:-1] + b',"probe":' + member + b"}"
    violations, _ = drive(reference_app(TOKEN), [Step("POST", content, _AUTH)])
    assert [(v.violation.side, v.violation.key) for v in violations] == (
        [(side, "body-is-object")] if side else []
    )
