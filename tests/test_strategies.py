"""Each strategy keeps its promise: valid reports are valid, single-fault reports break exactly
their rule, boundary cases carry the verdict both RULES and the spec's JSON Schema give."""

from __future__ import annotations

from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immoteur_contract.rules import CONTRACT, RULES, is_blank, is_uuid
from immoteur_contract.strategies import (
    UUID_CASES,
    Case,
    blank_characters,
    boundary_cases,
    report_like_bodies,
    reports_breaking,
    uuid_look_alikes,
    uuids,
    valid_reports,
    whitespace_look_alikes,
)

SCHEMA = CONTRACT.validator("IssueReportRequest")
QUICK = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CASES = boundary_cases()


def _schema_accepts(body: object) -> bool:
    return SCHEMA.is_valid(cast(Any, body))


def _rule_ids(body: object) -> set[str]:
    return {violation.rule_id for violation in RULES.violations(body)}


@pytest.mark.parametrize("case", UUID_CASES)
def test_uuids_are_spec_uuids_in_the_asked_case(case: str) -> None:
    @QUICK
    @given(uuids(case=case))
    def check(value: str) -> None:
        assert is_uuid(value)
        assert SCHEMA.is_valid(
            {"propertyIds": [value], "issueKind": "data", "issueFacets": ["price"]}
        )
        if case == "lower":
            assert value == value.lower()
        if case == "upper":
            assert value == value.upper()

    check()


def test_uuids_rejects_an_unknown_case() -> None:
    with pytest.raises(ValueError, match="case='title'"):
        uuids(case="title")


@pytest.mark.parametrize("kind", [None, *CONTRACT.issue_kinds], ids=lambda k: str(k))
def test_valid_reports_are_valid_for_the_kind(kind: str | None) -> None:
    @QUICK
    @given(valid_reports(kind))
    def check(body: dict[str, Any]) -> None:
        assert RULES.violations(body) == []
        assert _schema_accepts(body)
        if kind is not None:
            assert body["issueKind"] == kind

    check()


def test_valid_reports_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind='Data'"):
        valid_reports("Data")


@pytest.mark.parametrize("rule_id", RULES.ids)
def test_reports_breaking_breaks_exactly_the_rule(rule_id: str) -> None:
    @QUICK
    @given(reports_breaking(rule_id))
    def check(body: object) -> None:
        assert _rule_ids(body) == {rule_id}
        assert not _schema_accepts(body)

    check()


def test_reports_breaking_names_an_unknown_rule() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        reports_breaking("no-such-rule")


def test_report_like_bodies_agree_with_the_schema_and_mix_verdicts() -> None:
    verdicts: list[bool] = []

    @settings(QUICK, max_examples=400)
    @given(report_like_bodies())
    def check(body: object) -> None:
        valid = RULES.is_valid(body)
        assert valid == _schema_accepts(body)
        verdicts.append(valid)

    check()
    accepted = sum(verdicts) / len(verdicts)
    assert 0.2 < accepted < 0.8, f"valid share {accepted:.2f}"


def test_report_like_bodies_reach_the_edge_values() -> None:
    """The differential mix does produce the values where engines disagree."""
    wanted = {"look-alike comment", "boolean item", "lone surrogate"}
    seen: set[str] = set()

    def classify(body: object) -> None:
        if not isinstance(body, dict):
            return
        comment = body.get("comment")
        if isinstance(comment, str) and comment in whitespace_look_alikes():
            seen.add("look-alike comment")
        if any(True in v for v in body.values() if isinstance(v, list)):
            seen.add("boolean item")
        if "\ud800" in repr(body) or any(
            isinstance(v, str) and "\ud800" in v for v in body.values()
        ):
            seen.add("lone surrogate")

    @settings(QUICK, max_examples=1000)
    @given(report_like_bodies())
    def check(body: object) -> None:
        classify(body)

    check()
    assert seen == wanted, f"missing: {wanted - seen}"


def _boundary_params() -> list[Any]:
    return [pytest.param(case, id=case.id) for case in CASES]


@pytest.mark.parametrize("case", _boundary_params())
def test_boundary_case_verdict_agrees_with_rules_and_schema(case: Case) -> None:
    assert _rule_ids(case.body) == (set() if case.rule is None else {case.rule})
    assert _schema_accepts(case.body) == (case.rule is None)


def test_boundary_cases_cover_every_rule_and_both_verdicts() -> None:
    assert {case.rule for case in CASES} == {*RULES.ids, None}
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("case_id", "rule"),
    [
        pytest.param(f"data-comment-{CONTRACT.comment_max_length}-astral", None, id="D6-4000"),
        pytest.param(
            f"other-comment-{CONTRACT.comment_max_length + 1}-astral",
            "comment-max-length",
            id="D6-4001",
        ),
        pytest.param(
            "other-comment-blank-U+FEFF-zero-width-no-break-space",
            "other-requires-comment",
            id="D5-feff",
        ),
        pytest.param("other-comment-look-alike-U+001C", None, id="D5-1c"),
        pytest.param("other-comment-look-alike-U+0085", None, id="D5-85"),
        pytest.param("property-ids-uuid-nil-accepted", None, id="D7-nil"),
        pytest.param(
            "property-ids-uuid-trailing-newline-rejected", "property-ids-uuid", id="D7-nl"
        ),
        pytest.param("clustering-targets-split", None, id="D2-split"),
        pytest.param("data-clustering-action-null", None, id="D3-null"),
        pytest.param("other-issue-facets", "other-forbids-issue-facets", id="D4"),
        pytest.param("data-unknown-extra-field", None, id="D8"),
        pytest.param("data-classified-ids-empty", None, id="D9-empty"),
        pytest.param("data-classified-ids-null", "classified-ids-array", id="D9-null"),
    ],
)
def test_boundary_cases_include_the_decisions(case_id: str, rule: str | None) -> None:
    by_id = {case.id: case for case in CASES}
    assert by_id[case_id].rule == rule


def test_blank_characters_are_ecma_whitespace_and_look_alikes_are_not() -> None:
    assert all(is_blank(char) for char in blank_characters())
    assert {"\t", " ", "\u00a0", "\u3000", "\ufeff"} <= set(blank_characters())
    assert not any(is_blank(char) for char in whitespace_look_alikes())
    assert {"\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u180e", "\u200b"} <= set(
        whitespace_look_alikes()
    )


@pytest.mark.parametrize("name_value", uuid_look_alikes(), ids=lambda nv: nv[0])
def test_uuid_look_alikes_are_not_uuids(name_value: tuple[str, str]) -> None:
    assert not is_uuid(name_value[1])


def test_uuid_look_alikes_needs_a_uuid() -> None:
    with pytest.raises(ValueError, match="valid='x'"):
        uuid_look_alikes("x")


def test_uuids_shrink_towards_nil() -> None:
    found: list[str] = []

    @settings(QUICK, max_examples=200)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        found.append(data.draw(uuids(case="lower")))

    check()
    assert "00000000-0000-0000-0000-000000000000" in found
