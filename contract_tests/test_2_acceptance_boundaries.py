"""Deterministic valid reports at the edges of every rule: each must be created (201)."""

from __future__ import annotations

from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_created
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import load_verdicts

LAYER = "acceptance"


def _accepted_cases() -> list[Any]:
    cases = [case for case in boundary_cases() if case.rule is None]
    table = [Case(f"table-{v.id}", v.body, None) for v in load_verdicts() if v.valid]
    return [pytest.param(case, id=case.id) for case in [*cases, *table]]


@pytest.mark.parametrize("case", _accepted_cases())
def test_valid_boundary_is_created(api: Api, case: Case) -> None:
    api.skip_unless_writes()
    api.expect(expect_created, api.client.post(case.body))
