"""What one exchange on the contract's operation says: caller violations (the application sent
a request the contract forbids) and server violations (the answer is not one the contract
allows for that request).

The request is judged by the rules (`rules.RULES`, the same checks and ids as everywhere); the
answer by the suite's own expectations (`runner.expectations`): a valid report must get
`expect_created`, a report that breaks a rule `expect_rejected`, a body that is not JSON
`expect_not_json_rejected`, a request without a token `expect_unauthenticated`, another method
`expect_method_not_allowed`. What the proxy cannot know is left alone: whether a present token
is the right one (only a token answered both 401/403 and 201/422 shows an answer keyed to the
body), and answers that say the upstream is unwell (429, 502, 503, 504), which are counted,
never judged.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from ..json_reading import JsonReading, read_json
from ..rules import CONTRACT, RULES, RuleViolation
from ..runner.expectations import (
    ExpectationError,
    expect_created,
    expect_method_not_allowed,
    expect_not_json_rejected,
    expect_read_or_refused,
    expect_rejected,
    expect_unauthenticated,
    expect_unauthenticated_or_too_large,
)
from .bounded import DecodingFailedError, decoded_content
from .exchange import Seen, credential_of

__all__ = [
    "HEALTH_STATUSES",
    "Judgement",
    "Side",
    "TokenMemory",
    "Violation",
    "judge",
]

Side = Literal["caller", "server"]

HEALTH_STATUSES = frozenset({429, 502, 503, 504})
"""Answers that say the upstream (or a gateway before it) is unwell or busy: counted, not
judged, as the runner does not count them as divergences either."""

_OTHER_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE"})
"""Methods the contract answers 405 on the endpoint (HEAD and OPTIONS are left to the HTTP
stack: CORS preflights and HEAD are not the contract's)."""

_JSON = "application/json"


@dataclass(frozen=True)
class Violation:
    """One way an exchange breaks the contract: who is at fault (`side`), the rule id or layer
    key it counts under, the expectation broken, the status answered and a one-line reason."""

    side: Side
    key: str
    expectation: str
    status: int | None
    reason: str

    @property
    def case(self) -> str:
        """The case family of the violation (`caller[data-requires-issue-facets]`)."""
        return f"{self.side}[{self.key}]"


@dataclass
class Judgement:
    """What judging one exchange found: the (side, key) cases it exercised, its violations,
    whether a body was only partly judged, and why it was not judged at all (`unjudged`)."""

    exercised: list[tuple[Side, str]] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    partly: bool = False
    unjudged: str | None = None


class TokenMemory:
    """Which tokens the upstream accepted (answered 201 or 422) or refused (401 or 403), kept
    as short hashes, never as tokens, for the last `size` tokens seen."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._seen: OrderedDict[str, tuple[str, int]] = OrderedDict()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def note(self, token: str, answer: str, index: int) -> tuple[str, int] | None:
        """Record that `token` was `accepted` or `refused` by exchange `index`; return the
        earlier opposite answer (its kind and exchange index), if any."""
        key = self._key(token)
        earlier = self._seen.get(key)
        self._seen[key] = (answer, index)
        self._seen.move_to_end(key)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return earlier if earlier is not None and earlier[0] != answer else None


def _expect(check: Any, response: httpx.Response, *args: Any) -> ExpectationError | None:
    try:
        check(response, *args)
    except ExpectationError as error:
        return error
    return None


def _answer(seen: Seen) -> tuple[httpx.Response | None, bool]:
    """The answer as the expectations read it (decoded, bounded), and whether its body is only
    in part (over the limit, or cut). None when the kept bytes do not decode."""
    assert seen.status is not None
    assert seen.response_body is not None
    partial = seen.response_body.truncated or seen.cut
    try:
        content, cut = decoded_content(seen.response_body.content(), seen.response_headers)
    except DecodingFailedError:
        if not partial:
            return None, False
        content, cut = b"", True
    kept = [
        (k, v) for k, v in seen.response_headers if k not in ("content-encoding", "content-length")
    ]
    return httpx.Response(seen.status, headers=kept, content=content), partial or cut


def _server(
    key: str, error: ExpectationError | None, judgement: Judgement, body_partial: bool
) -> None:
    judgement.exercised.append(("server", key))
    if error is None:
        return
    if body_partial and not error.expectation.startswith("status-"):
        judgement.partly = True  # a body check on a body we only have in part: no verdict
        return
    reason = str(error).splitlines()[0] if str(error) else error.expectation
    judgement.violations.append(Violation("server", key, error.expectation, error.status, reason))


def _caller(key: str, expectation: str, reason: str, seen: Seen, judgement: Judgement) -> None:
    judgement.violations.append(
        Violation("caller", key, expectation, seen.status, f"your application sent {reason}")
    )


def _request_json(seen: Seen) -> JsonReading:
    """The request body as RFC 8259 reads it; when it was not kept whole (it is large), open
    for its size."""
    if seen.request_body.truncated:
        return JsonReading("open", None, "a body larger than the proxy keeps", limits=True)
    return read_json(seen.request_body.content())


def judge(seen: Seen, tokens: TokenMemory) -> Judgement:
    """Judge one exchange of the contract's endpoint (the caller records other paths)."""
    judgement = Judgement()
    if seen.client_gone:
        judgement.unjudged = "the client went away mid-request"
        return judgement
    token = credential_of(seen.header("authorization"))
    if seen.method in _OTHER_METHODS:
        return _judge_other_method(seen, judgement)
    if seen.method != "POST":
        judgement.unjudged = f"method {seen.method}"
        return judgement
    sent_whole = not seen.request_body.truncated
    body = _request_json(seen)
    # the rules are checked once, for both sides (jsonschema is most of what judging costs)
    broken = RULES.violations(body.value) if body.reading == "json" else []
    media_type = (seen.header("content-type") or "").split(";")[0].strip().lower()
    if sent_whole:
        judgement.exercised += [("caller", rule_id) for rule_id in RULES.ids]
        _judge_request(seen, judgement, body=body, broken=broken, media_type=media_type)
    else:
        judgement.partly = True
    if not token:
        _caller("auth-protocol", "request-token", "no Bearer token", seen, judgement)
    if seen.status is None:
        judgement.unjudged = seen.error or "no answer"
        return judgement
    if seen.status in HEALTH_STATUSES:
        judgement.unjudged = f"status {seen.status}"
        return judgement
    response, body_partial = _answer(seen)
    if response is None:
        judgement.unjudged = "an answer whose body does not decode under its Content-Encoding"
        return judgement
    if not token:
        # D10: the token before the body, but a body too large for the server may get 413 first
        check = expect_unauthenticated_or_too_large if body.limits else expect_unauthenticated
        _server("auth-protocol", _expect(check, response), judgement, body_partial)
        return judgement
    _auth_keyed_to_body(seen, token, tokens, judgement)
    if seen.status in (401, 403):
        if seen.status == 401:
            _server(
                "auth-protocol", _expect(expect_unauthenticated, response), judgement, body_partial
            )
        return judgement  # a refused token: the contract says nothing of the body then
    if media_type != _JSON:
        return judgement  # a Content-Type that is not the contract's: the contract says no more
    if body.reading == "open":
        # RFC 8259 leaves the reading to the server: read, or refused, never a 5xx
        key = "resource-limits" if body.limits else "json-grammar"
        error = _expect(expect_read_or_refused, response, True)
        _server(key, error, judgement, body_partial)
        return judgement
    if body.reading == "not-json":
        _server(
            "auth-protocol", _expect(expect_not_json_rejected, response), judgement, body_partial
        )
        return judgement
    if not broken:
        _server("acceptance", _expect(expect_created, response), judgement, body_partial)
    else:
        error = _expect(expect_rejected, response, body.value, broken)
        _server(broken[0].rule_id, error, judgement, body_partial)
    return judgement


def _judge_request(
    seen: Seen,
    judgement: Judgement,
    *,
    body: JsonReading,
    broken: list[RuleViolation],
    media_type: str,
) -> None:
    if media_type != _JSON:
        shown = media_type or "no Content-Type"
        _caller("schema", "request-content-type", f"{shown}, not {_JSON}", seen, judgement)
    if body.reading == "not-json":
        reason = f"a body that is not JSON ({body.why})"
        _caller("body-is-object", "request-json", reason, seen, judgement)
        return
    if body.reading == "open":
        return  # JSON whose reading RFC 8259 leaves to the server: no rule verdict on it
    by_rule: dict[str, str] = {}
    for violation in broken:
        by_rule.setdefault(
            violation.rule_id, violation.message.removesuffix(f" [{violation.rule_id}]")
        )
    for rule_id, message in by_rule.items():
        reason = f"a report that breaks {rule_id}: {message}"
        _caller(rule_id, f"request-{rule_id}", reason, seen, judgement)


def _auth_keyed_to_body(seen: Seen, token: str, tokens: TokenMemory, judgement: Judgement) -> None:
    """Note the token's answer; a token both refused (401/403) and accepted (201/422) shows an
    authentication keyed to the body (D10: the token is checked before the body)."""
    assert seen.status is not None
    if seen.status in (401, 403):
        answer = "refused"
    elif seen.status in (201, 422):
        answer = "accepted"
    else:
        return
    earlier = tokens.note(token, answer, seen.index)
    if earlier is None:
        return
    judgement.exercised.append(("server", "auth-protocol"))
    reason = (
        f"the same token was {earlier[0]} by exchange {earlier[1]} and {answer} by this one"
        f" ({seen.status}): the answer to the token depends on the body"
    )
    judgement.violations.append(
        Violation("server", "auth-protocol", "auth-keyed-to-body", seen.status, reason)
    )


def _judge_other_method(seen: Seen, judgement: Judgement) -> Judgement:
    if seen.status is None or seen.status in HEALTH_STATUSES or seen.status == 401:
        judgement.unjudged = seen.error or f"status {seen.status} to {seen.method}"
        return judgement
    response, partial = _answer(seen)
    if response is None:
        judgement.unjudged = "an answer whose body does not decode under its Content-Encoding"
        return judgement
    _server("auth-protocol", _expect(expect_method_not_allowed, response), judgement, partial)
    return judgement


def is_endpoint(path: str) -> bool:
    """True for the contract's endpoint path (a trailing slash is another path)."""
    return path == CONTRACT.endpoint_path
