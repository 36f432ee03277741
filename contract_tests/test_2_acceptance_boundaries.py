"""Deterministic valid reports at the edges of every rule: each must be created (201).

The leading cases (`Case.leading`) come first: the spec's examples, one body per kind with every
edge it allows at once (dozens of targets in every accepted UUID form, every facet, the longest
comment, a null action, an unknown field), hundreds of targets, explicit nulls where D3 allows
them, and the look-alikes of whitespace. Then one case per edge, and the verdict table's valid
rows, so that a failure names the edge.
"""

from __future__ import annotations

from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_created
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import agreeing_verdicts

LAYER = "acceptance"
SENDS = "one"
pytestmark = pytest.mark.writes


_ROUNDS = {
    "data-every-edge-at-once": 1,  # every response change of a 201, every edge of a data report
    "spec-example-clustering": 2,
    "other-every-edge-at-once": 2,
    "data-classified-ids-empty": 2,
}
"""The leading cases that run in the first rounds of the leading phase (plugin: lead_round)."""


def _marks(case: Case) -> list[Any]:
    if case.id in _ROUNDS:
        return [pytest.mark.leading(_ROUNDS[case.id])]
    return [pytest.mark.leading] if case.leading else []


def _accepted_cases() -> list[Any]:
    cases = [case for case in boundary_cases() if case.rule is None]
    table = [Case(f"table-{v.id}", v.body, None) for v in agreeing_verdicts() if v.valid]
    return [pytest.param(c, id=c.id, marks=_marks(c)) for c in [*cases, *table]]


@pytest.mark.parametrize("case", _accepted_cases())
def test_valid_boundary_is_created(api: Api, case: Case) -> None:
    api.expect(expect_created, api.client.post(case.body))
