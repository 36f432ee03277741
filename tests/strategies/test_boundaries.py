"""The boundary table's leading cases and its bodies at scale: what the suite sends first, and
the families item 7 of issue 8 asks for (explicit nulls, whitespace classes, many targets, one
bad item among many, every edge at once). Every case's verdict is checked against RULES and the
spec's JSON Schema in tests/test_strategies.py; these tests check that the families exist."""

from __future__ import annotations

import json
from typing import Any

import pytest

from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.server import MAX_BODY_BYTES
from immoteur_contract.strategies import Case, blank_characters, boundary_cases
from immoteur_contract.strategies._internal.characters import blank_classes
from immoteur_contract.strategies._internal.scale import DOZENS, HUNDREDS, LONGEST_COMMENT
from immoteur_contract.strategies._internal.uuids import accepted_uuid_forms

CASES = boundary_cases()
BY_ID = {case.id: case for case in CASES}
LEADING = [case for case in CASES if case.leading]


def _body(case: Case) -> dict[str, Any]:
    assert isinstance(case.body, dict)
    return case.body


def test_leading_cases_hold_one_of_every_rule_and_valid_ones() -> None:
    assert {case.rule for case in LEADING} == {*RULES.ids, None}


def test_leading_cases_are_a_short_phase() -> None:
    assert len(LEADING) <= 50 < len(CASES)


@pytest.mark.parametrize(
    ("case_id", "rule"),
    [
        pytest.param("data-clustering-action-null", None, id="D3-data"),
        pytest.param("other-clustering-action-null", None, id="D3-other"),
        pytest.param(
            "clustering-clustering-action-null",
            "clustering-requires-clustering-action",
            id="D3-clustering",
        ),
        *(
            pytest.param(f"{kind}-comment-null", "comment-string", id=f"D9-comment-{kind}")
            for kind in CONTRACT.issue_kinds
        ),
        *(
            pytest.param(
                f"{kind}-classified-ids-null", "classified-ids-array", id=f"D9-classified-{kind}"
            )
            for kind in CONTRACT.issue_kinds
        ),
        pytest.param("data-issue-facets-null", "issue-facets-array", id="D4-data"),
        pytest.param("clustering-issue-facets-null", "issue-facets-array", id="D4-clustering"),
    ],
)
def test_leading_cases_put_a_null_in_every_optional_position(
    case_id: str, rule: str | None
) -> None:
    case = BY_ID[case_id]
    field = next(name for name, value in _body(case).items() if value is None)
    assert field not in CONTRACT.required_fields
    assert (case.rule, case.leading) == (rule, True)


def test_blank_classes_split_the_blank_characters() -> None:
    classes = blank_classes()
    assert "".join(sorted("".join(classes.values()))) == "".join(sorted(blank_characters()))
    assert {"ascii", "unicode-space-separators", "unicode-line-terminators"} <= set(classes)
    assert "\ufeff" in classes.values()


@pytest.mark.parametrize("name", list(blank_classes()))
def test_leading_cases_hold_a_blank_comment_of_every_whitespace_class(name: str) -> None:
    case = BY_ID[f"other-comment-blank-class-{name}"]
    assert _body(case)["comment"] == blank_classes()[name]
    assert (case.rule, case.leading) == ("other-requires-comment", True)


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_cases_carry_dozens_then_hundreds_of_targets_over_both_arrays(kind: str) -> None:
    for per_array, leading in ((DOZENS, False), (HUNDREDS, True)):
        case = BY_ID[f"{kind}-targets-{2 * per_array}"]
        body = _body(case)
        assert len(body["propertyIds"]) == len(body["classifiedIds"]) == per_array
        assert (case.rule, case.leading) == (None, leading)
    assert 10 < 2 * DOZENS < 100 < 2 * HUNDREDS


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_leading_cases_hold_every_edge_of_a_kind_at_once(kind: str) -> None:
    case = BY_ID[f"{kind}-every-edge-at-once"]
    body = _body(case)
    targets = [*body["propertyIds"], *body["classifiedIds"]]
    assert set(accepted_uuid_forms(body["propertyIds"][0]).values()) <= set(targets)
    assert len(targets) == 2 * DOZENS > len(set(targets))  # an id repeated across the arrays
    assert body["comment"] == LONGEST_COMMENT
    assert len(LONGEST_COMMENT) == CONTRACT.comment_max_length
    assert set(body) - set(CONTRACT.request_fields)  # an unknown field
    if kind != "other":
        assert body["issueFacets"] == list(CONTRACT.issue_facets)
    if kind != "clustering":
        assert body["clusteringAction"] is None
    assert (case.rule, case.leading) == (None, True)


@pytest.mark.parametrize("rule_id", ["property-ids-uuid", "classified-ids-uuid"])
def test_leading_cases_put_one_bad_item_among_many(rule_id: str) -> None:
    case = next(c for c in LEADING if c.rule == rule_id)
    (violation,) = RULES.violations(case.body)
    field, index = violation.key.split(".")
    assert len(_body(case)[field]) >= 100
    assert int(index) > 20


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.rule is None])
def test_valid_cases_fit_well_within_the_reference_servers_body_limit(case: Case) -> None:
    assert len(json.dumps(case.body, ensure_ascii=True)) < MAX_BODY_BYTES // 10
