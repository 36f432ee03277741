"""The rule set: one check per spec rule, Laravel keys, deliberate variants for faulty servers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings

from immoteur_contract.rules import CONTRACT, RULES, RuleSet, RuleViolation, is_blank, is_uuid
from immoteur_contract.strategies import report_like_bodies

VALID_DATA = {
    "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    "issueKind": "data",
    "issueFacets": ["price"],
}


def test_rules_follow_the_spec_order_and_statements() -> None:
    assert [(r.id, r.field, r.statement) for r in RULES] == [
        (s.id, s.field, s.statement) for s in CONTRACT.rules
    ]


def test_rules_report_every_violation_at_once_with_dotted_keys() -> None:
    body = {
        "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a", "nope", 7],
        "issueKind": "other",
        "issueFacets": ["price", "colour"],
    }
    assert [(v.rule_id, v.key) for v in RULES.violations(body)] == [
        ("property-ids-uuid", "propertyIds.1"),
        ("property-ids-uuid", "propertyIds.2"),
        ("issue-facets-enum", "issueFacets.1"),
        ("other-requires-comment", "comment"),
        ("other-forbids-issue-facets", "issueFacets"),
    ]


def test_rules_messages_name_the_rule() -> None:
    (violation,) = RULES.violations({**VALID_DATA, "issueFacets": []})
    assert violation.message.endswith("[issue-facets-min-items]")


@pytest.mark.parametrize(
    "body", [None, [], "data", 3, True], ids=["null", "array", "string", "number", "bool"]
)
def test_rules_report_a_non_object_under_each_required_field(body: object) -> None:
    violations = RULES.violations(body)
    assert {v.rule_id for v in violations} == {"body-is-object"}
    assert [v.key for v in violations] == list(CONTRACT.required_fields)


def test_rule_set_without_drops_exactly_one_rule() -> None:
    body = {k: v for k, v in VALID_DATA.items() if k != "issueFacets"}
    relaxed = RULES.without("data-requires-issue-facets")
    assert not RULES.is_valid(body)
    assert relaxed.is_valid(body)
    assert len(relaxed) == len(RULES) - 1


def test_rule_set_replacing_swaps_one_check() -> None:
    def refuse_extra_fields(body: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        for key in body.keys() - set(CONTRACT.request_fields):
            yield key, "unknown field"

    strict = RULES.replacing("body-is-object", refuse_extra_fields)
    assert strict.ids == RULES.ids
    assert strict.violations({**VALID_DATA, "x": 1}) == [
        RuleViolation("body-is-object", "x", "unknown field [body-is-object]")
    ]


def test_rule_set_names_unknown_rule_ids() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        RULES.without("no-such-rule")
    assert isinstance(RULES, RuleSet)


@pytest.mark.parametrize(
    ("text", "uuid"),
    [
        pytest.param("3c90c3cc-0d44-4b50-8888-8dd25736052a", True, id="lower"),
        pytest.param("3C90C3CC-0D44-4B50-8888-8DD25736052A", True, id="upper"),
        pytest.param("00000000-0000-0000-0000-000000000000", True, id="nil"),
        pytest.param("3c90c3cc-0d44-4b50-8888-8dd25736052a\n", False, id="final-newline"),
        pytest.param("{3c90c3cc-0d44-4b50-8888-8dd25736052a}", False, id="braces"),
        pytest.param("3c90c3cc0d444b5088888dd25736052a", False, id="no-hyphens"),
        pytest.param("3c90c3cc-0d44-4b50-8888-8dd2_736052a", False, id="underscore"),
        pytest.param(None, False, id="null"),
    ],
)
def test_is_uuid_admits_the_hyphenated_form_only(text: object, uuid: bool) -> None:
    assert is_uuid(text) is uuid


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        pytest.param("", True, id="empty"),
        pytest.param(" \t\n\r\v\f", True, id="ascii"),
        pytest.param("\ufeff\u00a0\u3000\u2028", True, id="ecma-only"),
        pytest.param("\x1c", False, id="file-separator"),
        pytest.param("\x85", False, id="next-line"),
        pytest.param("\u200b", False, id="zero-width-space"),
        pytest.param(" a ", False, id="letter"),
    ],
)
def test_is_blank_follows_ecma_262(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


@settings(max_examples=500)
@given(body=report_like_bodies())
def test_rules_give_the_spec_schema_verdict_on_generated_bodies(body: Any) -> None:
    # The differential proof that this module is the spec's rules and not a third opinion.
    schema_valid = CONTRACT.validator(CONTRACT.request_schema_name).is_valid(body)
    assert RULES.is_valid(body) == schema_valid
