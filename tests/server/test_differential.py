"""Differential test: the server's verdict (201 or 422) equals the spec's JSON Schema verdict.

At least 5000 generated bodies per run (valid and invalid mixed, most of them near-valid, from
`strategies.report_like_bodies()`), each sent through the in-process server with no socket and
no event loop, each compared with `CONTRACT.validator("IssueReportRequest").is_valid(body)`.
Bodies are drawn in batches (lists of BATCH) to spare hypothesis's per-example bookkeeping; a
failing batch still shrinks to the one body that disagrees. Derandomized, so CI sees the same
bodies on every run.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app
from immoteur_contract.strategies import report_like_bodies

from .asgi_driver import ENDPOINT, call_now
from .conftest import AUTH, TOKEN

EXAMPLES = 5000
BATCH = 25

APP = reference_app(TOKEN)
HEADERS = list(AUTH.items())
SCHEMA = CONTRACT.validator("IssueReportRequest")
SEEN: Counter[tuple[bool, int]] = Counter()


@settings(
    max_examples=EXAMPLES // BATCH,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(report_like_bodies(), min_size=BATCH, max_size=BATCH))
def _server_agrees_with_the_schema(bodies: list[Any]) -> None:
    for body in bodies:
        raw = json.dumps(body, ensure_ascii=True).encode()
        status = call_now(APP, "POST", ENDPOINT, [raw], HEADERS).status
        valid = SCHEMA.is_valid(body)
        SEEN[valid, status] += 1
        assert status == (201 if valid else 422), (valid, status, body)


def test_server_verdict_equals_the_schema_verdict_on_5000_bodies() -> None:
    SEEN.clear()
    _server_agrees_with_the_schema()
    assert set(SEEN) == {(True, 201), (False, 422)}
    assert SEEN.total() >= EXAMPLES
    assert min(SEEN.values()) >= EXAMPLES // 10, SEEN  # both verdicts well represented
