"""The verdict table covers every rule and decision and agrees with the spec on every row; its
relative notation (`$repeat` with a limit, `$every`) follows the spec's limits and enums."""

from __future__ import annotations

import re
from typing import Any

import pytest

from immoteur_contract.rules import RULES
from immoteur_contract.spec import load_contract
from immoteur_contract.verdicts import (
    Verdict,
    agreeing_verdicts,
    disagreement,
    load_verdicts,
    resolve_limit,
)

CONTRACT = load_contract()
ROWS = load_verdicts()
BY_ID = {row.id: row for row in ROWS}


def test_verdicts_table_has_at_least_60_rows_with_unique_ids() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


def test_verdicts_table_covers_every_rule() -> None:
    broken = {rule for row in ROWS for rule in row.rules}
    missing = sorted(set(RULES.ids) - broken)
    assert not missing, f"no row of verdicts.yaml breaks {missing}: add one per rule"
    assert broken <= set(RULES.ids)


def test_verdicts_table_covers_every_decision() -> None:
    cited = {match for row in ROWS for match in re.findall(r"\bD\d+\b", row.why)}
    assert cited >= {f"D{n}" for n in range(1, 10)}


@pytest.mark.parametrize("kind", CONTRACT.issue_kinds)
def test_verdicts_table_has_valid_and_invalid_rows_per_kind(kind: str) -> None:
    rows = [r for r in ROWS if isinstance(r.body, dict) and r.body.get("issueKind") == kind]
    assert any(r.valid for r in rows)
    assert any(not r.valid for r in rows)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_verdicts_row_agrees_with_the_spec(row: Verdict) -> None:
    # The one test that reports a stale row: every other consumer uses agreeing_verdicts().
    assert disagreement(row) is None, disagreement(row)


def test_verdicts_agreeing_rows_are_every_row_that_agrees() -> None:
    assert [r.id for r in agreeing_verdicts()] == [r.id for r in ROWS if disagreement(r) is None]


# -- the relative notation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param(7, 7, id="number"),
        pytest.param("comment_max_length", CONTRACT.comment_max_length, id="limit"),
        pytest.param("comment_max_length + 1", CONTRACT.comment_max_length + 1, id="plus"),
        pytest.param("clustering_min_targets-1", CONTRACT.clustering_min_targets - 1, id="minus"),
    ],
)
def test_verdicts_limit_resolves_against_the_spec(expression: int | str, expected: int) -> None:
    assert resolve_limit(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("comment_maximum", id="unknown-name"),
        pytest.param("issue_facets", id="not-an-integer"),
        pytest.param("comment_max_length * 2", id="unknown-operator"),
    ],
)
def test_verdicts_limit_names_a_bad_expression(expression: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(expression))):
        resolve_limit(expression)


@pytest.mark.parametrize(
    ("row_id", "length", "widths"),
    [
        pytest.param("data-comment-max-ascii", CONTRACT.comment_max_length, {1}, id="max-ascii"),
        pytest.param("data-comment-max-astral", CONTRACT.comment_max_length, {4}, id="max-astral"),
        pytest.param(
            "data-comment-max-mixed-width",
            CONTRACT.comment_max_length,
            {1, 2, 3, 4},
            id="max-mixed",
        ),
        pytest.param(
            "comment-past-max-ascii", CONTRACT.comment_max_length + 1, {1}, id="past-ascii"
        ),
        pytest.param(
            "comment-past-max-astral", CONTRACT.comment_max_length + 1, {4}, id="past-astral"
        ),
        pytest.param(
            "comment-past-max-mixed-width",
            CONTRACT.comment_max_length + 1,
            {1, 2, 3, 4},
            id="past-mixed",
        ),
    ],
)
def test_verdicts_comment_rows_follow_the_spec_limit(
    row_id: str, length: int, widths: set[int]
) -> None:
    comment = BY_ID[row_id].body["comment"]
    assert len(comment) == length
    assert {len(c.encode()) for c in comment} == widths


@pytest.mark.parametrize(
    ("row_id", "field", "count"),
    [
        pytest.param(
            "clustering-min-targets-property-ids",
            "propertyIds",
            CONTRACT.clustering_min_targets,
            id="min-targets",
        ),
        pytest.param(
            "clustering-below-min-targets",
            "propertyIds",
            CONTRACT.clustering_min_targets - 1,
            id="below-min-targets",
        ),
        pytest.param(
            "property-ids-below-min", "propertyIds", CONTRACT.property_ids_min_items - 1, id="ids"
        ),
        pytest.param(
            "issue-facets-below-min",
            "issueFacets",
            CONTRACT.issue_facets_min_items - 1,
            id="facets",
        ),
        pytest.param("data-every-facet", "issueFacets", len(CONTRACT.issue_facets), id="every"),
    ],
)
def test_verdicts_list_rows_follow_the_spec_limit(row_id: str, field: str, count: int) -> None:
    assert len(BY_ID[row_id].body[field]) == count


# -- a stale row is reported in one line -----------------------------------------------------------


def _row(body: Any, *rules: str) -> Verdict:
    return Verdict(id="example", why="", body=body, rules=rules)


_DATA = {"propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"], "issueKind": "data"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            _row({**_DATA, "issueFacets": ["price"], "comment": "a" * 9999}),
            "row example: the table says valid, openapi.yaml now says invalid"
            " (rule comment-max-length): update the row in verdicts.yaml",
            id="valid-now-invalid",
        ),
        pytest.param(
            _row({**_DATA, "issueFacets": ["price"]}, "issue-facets-enum"),
            "row example: the table says invalid (rule issue-facets-enum), openapi.yaml now says"
            " valid: update the row in verdicts.yaml",
            id="invalid-now-valid",
        ),
        pytest.param(
            _row({**_DATA, "issueFacets": []}, "issue-facets-enum"),
            "row example: the table says invalid (rule issue-facets-enum), openapi.yaml now says"
            " invalid (rule issue-facets-min-items): update the row in verdicts.yaml",
            id="other-rule",
        ),
    ],
)
def test_verdicts_disagreement_says_what_the_table_and_the_spec_say(
    row: Verdict, message: str
) -> None:
    assert disagreement(row) == message
