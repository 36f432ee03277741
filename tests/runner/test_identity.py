"""Failure identities: built from layer, rule, case family, expectation and status, never from
the body, so the same divergence gets the same id under any seed."""

from __future__ import annotations

import httpx
import pytest
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup, ServerError

from immoteur_contract.runner.expectations import ExpectationError, expect_rejected
from immoteur_contract.runner.identity import Identity, case_of, identities_of

CASE = "test_report_breaking_rule_is_rejected[data-requires-issue-facets]"


def _error_for(body: object, status: int, report_id: str = "x") -> ExpectationError:
    response = httpx.Response(status, json={"reportId": report_id})
    with pytest.raises(ExpectationError) as raised:
        expect_rejected(response, body)
    return raised.value


def _ids(error: BaseException, status: int | None = None) -> list[str]:
    found = identities_of(
        error, layer="rules", rule="data-requires-issue-facets", case=CASE, shown_status=status
    )
    return [identity.id for identity, _ in found]


def test_identity_is_the_same_whatever_the_body() -> None:
    first = _error_for({"propertyIds": ["00000000-0000-0000-0000-000000000000"]}, 201)
    second = _error_for({"propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"]}, 201, "y")
    assert str(first) != str(second)
    assert _ids(first) == _ids(second)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param(
            Identity("rules", "r", CASE, "status-422", 201),
            Identity("rules", "r", CASE, "status-422", 500),
            id="status",
        ),
        pytest.param(
            Identity("rules", "r", CASE, "status-422", 201),
            Identity("rules", "r", CASE, "error-key-item", 201),
            id="expectation",
        ),
        pytest.param(
            Identity("rules", "r", "test_a[x]", "status-422", 201),
            Identity("rules", "r", "test_a[y]", "status-422", 201),
            id="case",
        ),
        pytest.param(
            Identity("rules", "r", CASE, "status-422", 201),
            Identity("rules", "s", CASE, "status-422", 201),
            id="rule",
        ),
    ],
)
def test_identity_differs_with_each_part(one: Identity, other: Identity) -> None:
    assert one.id != other.id
    assert one.id.startswith(one.rule + "#")


def test_identity_expectation_error_carries_expectation_and_status() -> None:
    error = _error_for({"propertyIds": []}, 201)
    assert (error.expectation, error.status) == ("status-422", 201)


def test_identity_of_a_schemathesis_group_is_one_per_distinct_failure() -> None:
    group = FailureGroup(
        [
            ServerError(operation="POST /issues", status_code=500),
            AcceptedNegativeData(
                operation="POST /issues", message="m", status_code=201, expected_statuses=["422"]
            ),
            ServerError(operation="POST /issues", status_code=500),
        ]
    )
    found = identities_of(group, layer="schema", rule="schema", case="c", shown_status=None)
    parts = [(i.expectation, i.status, i.generated) for i, _ in found]
    assert parts == [("ServerError", 500, True), ("AcceptedNegativeData", 201, True)]


def test_identity_of_a_plain_error_names_its_type() -> None:
    found = identities_of(ValueError("x"), layer="l", rule="r", case="c", shown_status=None)
    assert [i.expectation for i, _ in found] == ["error-ValueError"]


def test_case_of_drops_the_file() -> None:
    assert case_of(f"contract_tests/test_4_rules_generated.py::{CASE}") == CASE
