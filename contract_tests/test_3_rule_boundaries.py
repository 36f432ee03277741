"""Deterministic single-fault bodies must get 422: the leading probes of every rule, then the rest.

The leading probes (`Case.leading`) come first, taken round-robin across rules so that every
rule gets one before any gets a second (the first of them in the leading phase's first round,
the rest of that pass in its second): one body per rule, an explicit null in each optional
position of each kind, a blank comment of each whitespace class, one bad item among many. The
other boundary cases and the verdict table's invalid rows follow, round-robin across rules too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_rejected
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import agreeing_verdicts

LAYER = "rules"
SENDS = "one"


def _round_robin(cases: Iterable[Case]) -> list[Case]:
    """The first case of every rule, then the second of every rule, and so on."""
    by_rule: dict[str, list[Case]] = {}
    for case in cases:
        if case.rule is not None:
            by_rule.setdefault(case.rule, []).append(case)
    rounds = itertools.zip_longest(*by_rule.values())
    return [case for cases_of_round in rounds for case in cases_of_round if case is not None]


def _rejected_cases() -> list[Any]:
    table = [Case(f"table-{v.id}", v.body, v.rule) for v in agreeing_verdicts() if not v.valid]
    cases = boundary_cases()
    leading = _round_robin(c for c in cases if c.leading)
    rest = _round_robin([*(c for c in cases if not c.leading), *table])
    # The first 422 of the run leads (round 1): every change to the 422's body shows there.
    # The first probe of every other rule follows in round 2, the other leading probes in 3.
    first_pass = len({c.rule for c in leading})
    return [
        *(
            pytest.param(
                c,
                id=f"{c.rule}:{c.id}",
                marks=[
                    pytest.mark.rule(c.rule),
                    pytest.mark.leading(1 if n == 0 else 2 if n < first_pass else 3),
                ],
            )
            for n, c in enumerate(leading)
        ),
        *(pytest.param(c, id=f"{c.rule}:{c.id}", marks=pytest.mark.rule(c.rule)) for c in rest),
    ]


@pytest.mark.parametrize("case", _rejected_cases())
def test_rule_boundary_is_rejected(api: Api, case: Case) -> None:
    api.expect(expect_rejected, api.client.post(case.body), case.body)
