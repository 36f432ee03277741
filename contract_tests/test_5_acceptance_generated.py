"""Generated valid reports of every kind must be created (201, IssueReportCreated)."""

from __future__ import annotations

import pytest
from hypothesis import given

from immoteur_contract.rules import CONTRACT
from immoteur_contract.runner.expectations import expect_created
from immoteur_contract.runner.plugin import Api
from immoteur_contract.strategies import valid_reports

LAYER = "acceptance"
SENDS = "examples"
pytestmark = pytest.mark.writes


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_valid_report_is_created(api: Api, kind: str) -> None:
    @given(body=valid_reports(kind))
    def check(body: dict[str, object]) -> None:
        api.expect(expect_created, api.client.post(body))

    api.hypothesis(check)()
