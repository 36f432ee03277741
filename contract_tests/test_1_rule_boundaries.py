"""Deterministic single-fault bodies must get 422: one per rule first, then the rest."""

from __future__ import annotations

from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_rejected
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import load_verdicts

LAYER = "rules"


def _rejected_cases() -> list[Any]:
    """One case per rule first (so a single-rule divergence shows within the first few dozen
    requests), then the other boundary cases, then the verdict table's invalid rows."""
    cases = [case for case in boundary_cases() if case.rule is not None]
    leading: dict[str, Case] = {}
    for case in cases:
        leading.setdefault(str(case.rule), case)
    rest = [case for case in cases if leading[str(case.rule)] is not case]
    table = [Case(f"table-{v.id}", v.body, v.rule) for v in load_verdicts() if not v.valid]
    ordered = [*leading.values(), *rest, *table]
    return [pytest.param(case, id=f"{case.rule}:{case.id}") for case in ordered]


@pytest.mark.parametrize("case", _rejected_cases())
def test_rule_boundary_is_rejected(api: Api, case: Case) -> None:
    api.rule(str(case.rule))
    api.expect(expect_rejected, api.client.post(case.body), case.body)
