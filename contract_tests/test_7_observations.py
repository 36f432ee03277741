"""Watched behaviour: what the contract leaves open, recorded for run-to-run comparison.

Nothing here is a verdict: each probe records what the target did (`Api.observe`) and passes.
Every body is deterministic, so that two runs of one server record the same values. Against a
remote target without --allow-writes only requests that cannot file a report are sent (invalid
bodies, no token); the probes that need a stored report are skipped, not attempted.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from immoteur_contract.rules import RULES
from immoteur_contract.runner.observations import cross_field_rule_ids
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases

LAYER = "observations"

_CASES = boundary_cases()
_VALID_DATA = next(
    c.body
    for c in _CASES
    if c.rule is None and isinstance(c.body, dict) and c.body.get("issueKind") == "data"
)
_FIRST_CASE_OF_RULE: dict[str, Case] = {}
for _case in _CASES:
    if _case.rule is not None and isinstance(_case.body, dict):
        _FIRST_CASE_OF_RULE.setdefault(_case.rule, _case)

BODY_LADDER = (16 * 1024, 256 * 1024, 1000 * 1024, 1100 * 1024)
"""Body sizes (bytes, about) tried for the largest body the target takes, smallest first."""


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _probe(api: Api, name: str, send: Callable[[], httpx.Response]) -> httpx.Response | None:
    """Send one probe; a transport error is recorded as the observation, never raised."""
    try:
        return send()
    except httpx.HTTPError as error:
        api.observe(name, None, f"no answer: {type(error).__name__}")
        return None


def test_observe_json_sent_as_text_plain(api: Api) -> None:
    """The reaction to a JSON body sent with Content-Type text/plain (D10 leaves it open)."""
    valid = api.writes_allowed
    body = _VALID_DATA if valid else {}
    name = f"text-plain.{'valid' if valid else 'invalid'}-report.status"
    content = json.dumps(body).encode()
    sent = _probe(
        api, name, lambda: api.client.send("POST", content=content, content_type="text/plain")
    )
    if sent is not None:
        api.observe(name, sent.status_code, "201/422: read as JSON; 400/415: refused as text")


@pytest.mark.writes  # the plan leaves it out without writes
def test_observe_duplicate_targets(api: Api) -> None:
    """A report naming one property twice (D2: allowed). Whether both copies are stored cannot
    be seen through the public endpoint; only the status is observed."""
    api.skip_unless_writes()
    ids = _VALID_DATA["propertyIds"]
    body = {**_VALID_DATA, "propertyIds": [ids[0], ids[0]]}
    sent = _probe(api, "duplicates.status", lambda: api.client.post(body))
    if sent is not None:
        note = "whether the duplicate is kept is not observable without an inspection API"
        api.observe("duplicates.status", sent.status_code, note)


@pytest.mark.parametrize("rule_id", sorted(_FIRST_CASE_OF_RULE))
def test_observe_rule_message(api: Api, rule_id: str) -> None:
    """The 422 messages for one deterministic violation of each rule; for the cross-field
    rules also the keys that carry it (the contract does not pin which)."""
    case = _FIRST_CASE_OF_RULE[rule_id]
    sent = _probe(api, f"422.{rule_id}.messages", lambda: api.client.post(case.body))
    if sent is None:
        return
    errors = (_json_or_none(sent) or {}).get("errors") if sent.status_code == 422 else None
    if not isinstance(errors, dict):
        api.observe(
            f"422.{rule_id}.messages", None, f"no 422 errors object (status {sent.status_code})"
        )
        return
    messages = sorted(
        str(m) for value in errors.values() for m in (value if isinstance(value, list) else [value])
    )
    api.observe(f"422.{rule_id}.messages", messages, f"for case {case.id}")
    if rule_id in cross_field_rule_ids():
        api.observe(f"422.{rule_id}.keys", sorted(errors), f"for case {case.id}")


def test_observe_unauthenticated_message(api: Api) -> None:
    """The message of the 401 to a request without a token."""
    sent = _probe(api, "401.message", lambda: api.client.post({}, authorization=None))
    if sent is None:
        return
    payload = _json_or_none(sent)
    message = payload.get("message") if isinstance(payload, dict) else None
    api.observe("401.message", message, f"status {sent.status_code}, no Authorization header")


@pytest.mark.writes  # the plan leaves it out without writes
def test_observe_report_ids_are_distinct(api: Api) -> None:
    """Three identical reports: whether each gets its own reportId."""
    api.skip_unless_writes()
    name = "201.report-ids-distinct"
    answers = [_probe(api, name, lambda: api.client.post(_VALID_DATA)) for _ in range(3)]
    payloads = [_json_or_none(a) for a in answers if a is not None and a.status_code == 201]
    ids = [p.get("reportId") for p in payloads if isinstance(p, dict)]
    if len(ids) == len(answers):
        api.observe("201.report-ids-distinct", len(set(ids)) == len(ids), "three equal reports")
    else:
        api.observe("201.report-ids-distinct", None, "not every report got a 201 with reportId")


def _data_report_of_size(size: int, *, valid: bool) -> dict[str, Any]:
    """A data report of about `size` bytes of JSON: many fixed property ids. Without
    `valid`, issueFacets is left out, so the body breaks exactly data-requires-issue-facets."""
    count = max(1, size // 40)
    ids = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(count)]
    body = {**_VALID_DATA, "propertyIds": ids}
    if not valid:
        body.pop("issueFacets", None)
    assert RULES.is_valid(body) is valid
    return body


def test_observe_largest_body(api: Api) -> None:
    """The largest body of the ladder the target reads: accepted (201) when writes are allowed,
    else answered 422 for its one violation rather than refused as too large."""
    valid = api.writes_allowed
    name = "body.largest-accepted-bytes" if valid else "body.largest-read-bytes"
    wanted = 201 if valid else 422
    largest = 0
    statuses = []
    for size in BODY_LADDER:
        content = json.dumps(_data_report_of_size(size, valid=valid)).encode()
        sent = _probe(api, name, functools.partial(api.client.send, "POST", content=content))
        if sent is None:
            return
        statuses.append(sent.status_code)
        if sent.status_code != wanted:
            break
        largest = len(content)
    api.observe(name, largest, f"ladder statuses {statuses}")
