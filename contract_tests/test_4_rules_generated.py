"""Generated single-fault reports, each rule of the spec in turn, must get 422.

For every rule, valid reports of each kind with exactly that rule broken (strategies
`reports_breaking`) must get 422 with the validation-error body."""

from __future__ import annotations

import pytest
from hypothesis import given

from immoteur_contract.rules import RULES
from immoteur_contract.runner.expectations import expect_rejected
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import reports_breaking

LAYER = "rules"
SENDS = "examples"


@pytest.mark.parametrize(
    "rule_id", [pytest.param(rule_id, marks=pytest.mark.rule(rule_id)) for rule_id in RULES.ids]
)
def test_report_breaking_rule_is_rejected(api: Api, rule_id: str) -> None:
    @given(body=reports_breaking(rule_id))
    def check(body: object) -> None:
        api.expect(expect_rejected, api.client.post(body), body)

    api.hypothesis(check)()
