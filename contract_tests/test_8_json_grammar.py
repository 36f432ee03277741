"""The JSON grammar's corners, where real parsers differ (RFC 8259; raw_bodies.GRAMMAR_PROBES).

Each probe is a report with one thing changed in its JSON text: a literal, a number, a string,
the encoding, a byte order mark, a duplicate name. What is expected follows what the RFC makes
of the text (docs/reference/json-grammar.md quotes it):

- not JSON: 400 or 422 (D10), never 2xx or 5xx;
- JSON: the report's own verdict (201 for a valid one, 422 for an invalid one);
- left to the implementation (duplicate names, a byte order mark, numbers beyond a double, an
  escaped lone surrogate): any answer but a 5xx (201 only when some reading of the text is a
  valid report), and the status is recorded as the observation `json-grammar.<probe>.status`.

The probes are built on a valid report when writes are allowed, else on a report that breaks
one rule, so that nothing a target must reject could be filed for real.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from immoteur_contract.runner.expectations import (
    expect_created,
    expect_not_json_rejected,
    expect_read_or_refused,
    expect_rejected,
)
from immoteur_contract.runner.plugin import Api
from immoteur_contract.runner.probing import send_raw
from immoteur_contract.runner.raw_bodies import GRAMMAR_PROBES, GrammarProbe, base_report

LAYER = "json-grammar"
SENDS = "one"

_NOTES = {"open": "RFC 8259 leaves it to the implementation"}


def _probes() -> list[Any]:
    return [
        pytest.param(probe, id=probe.id, marks=[pytest.mark.leading(2)] if probe.leading else [])
        for probe in GRAMMAR_PROBES.values()
    ]


@pytest.mark.parametrize("probe", _probes())
def test_json_grammar_corner(api: Api, probe: GrammarProbe) -> None:
    valid = api.writes_allowed
    content = probe.content(base_report(valid=valid))
    response = send_raw(api.client, content)
    if probe.reading == "open":
        base = "valid" if valid else "invalid"
        note = f"{_NOTES['open']} (section {probe.section}); base report {base}"
        api.observe(f"json-grammar.{probe.id}.status", response.status_code, note)
        api.expect(expect_read_or_refused, response, valid)
    elif probe.reading == "not-json":
        api.expect(expect_not_json_rejected, response)
    elif valid:
        api.expect(expect_created, response)
    else:
        api.expect(expect_rejected, response, json.loads(content))
