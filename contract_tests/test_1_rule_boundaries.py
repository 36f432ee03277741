"""Deterministic single-fault bodies must get 422: one per rule first, then the rest."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_rejected
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import agreeing_verdicts

LAYER = "rules"


def _rejected_cases() -> list[Any]:
    """The boundary cases and the verdict table's invalid rows, taken round-robin across rules:
    one case of every rule leads (a single-rule divergence shows within the first few dozen
    requests), then the second case of every rule, and so on."""
    table = [Case(f"table-{v.id}", v.body, v.rule) for v in agreeing_verdicts() if not v.valid]
    by_rule: dict[str, list[Case]] = {}
    for case in [*boundary_cases(), *table]:
        if case.rule is not None:
            by_rule.setdefault(case.rule, []).append(case)
    rounds = itertools.zip_longest(*by_rule.values())
    return [
        pytest.param(c, id=f"{c.rule}:{c.id}", marks=[pytest.mark.leading] if n == 0 else [])
        for n, cases in enumerate(rounds)
        for c in cases
        if c is not None
    ]


@pytest.mark.parametrize("case", _rejected_cases())
def test_rule_boundary_is_rejected(api: Api, case: Case) -> None:
    api.rule(str(case.rule))
    api.expect(expect_rejected, api.client.post(case.body), case.body)
