"""Deterministic valid reports at the edges of every rule: each must be created (201)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_created
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import Case, boundary_cases
from immoteur_contract.verdicts import agreeing_verdicts

LAYER = "acceptance"


_SUBJECTS = re.compile(r"^(property-ids-|classified-ids-)")


def _family(case: Case) -> str:
    """What a case probes, without the array it probes it in: `uuid-nil-accepted`."""
    return _SUBJECTS.sub("", case.id) or case.id


def _accepted_cases() -> list[Any]:
    """The first case of each family leads (a short phase that shows an acceptance divergence
    early); the other kinds and arrays of each family, and the table's valid rows, follow."""
    cases = [case for case in boundary_cases() if case.rule is None]
    table = [Case(f"table-{v.id}", v.body, None) for v in agreeing_verdicts() if v.valid]
    firsts = {id(case) for case in {_family(c): c for c in reversed(cases)}.values()}
    return [
        pytest.param(c, id=c.id, marks=[pytest.mark.leading] if id(c) in firsts else [])
        for c in [*cases, *table]
    ]


@pytest.mark.parametrize("case", _accepted_cases())
def test_valid_boundary_is_created(api: Api, case: Case) -> None:
    api.skip_unless_writes()
    api.expect(expect_created, api.client.post(case.body))
