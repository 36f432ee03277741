"""Faulty servers that mix up null, empty and absent (D1, D3, D4, D8, D9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...rules import CONTRACT, RULES, Check, Rule, RuleSet
from ..bodies import ABSENT, CLASSIFIED_ID, PROPERTY_ID, example
from .making import (
    Body,
    accept,
    kind_of,
    reject,
    rule_fault,
    seen_as,
)


def _forbids_action(kind: str, *, null_too: bool) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if kind_of(body) != kind or "clusteringAction" not in body:
            return
        if null_too or body["clusteringAction"] is not None:
            yield "clusteringAction", f"The clusteringAction field is prohibited for {kind}."

    return check


@rule_fault(
    "data_null_clustering_action_rejected",
    "a data report with clusteringAction null is rejected (D3: null means absent)",
    accept(example("data", clusteringAction=None)),
)
def _data_null_action() -> RuleSet:
    return RULES.replacing("data-forbids-clustering-action", _forbids_action("data", null_too=True))


@rule_fault(
    "other_null_clustering_action_rejected",
    "an other report with clusteringAction null is rejected (D3: null means absent)",
    accept(example("other", clusteringAction=None)),
)
def _other_null_action() -> RuleSet:
    return RULES.replacing(
        "other-forbids-clustering-action", _forbids_action("other", null_too=True)
    )


def _requires_action_present(body: Body) -> Iterator[tuple[str, str]]:
    if kind_of(body) == "clustering" and "clusteringAction" not in body:
        yield "clusteringAction", "The clusteringAction field is required for clustering."


@rule_fault(
    "clustering_null_action_accepted",
    "a clustering report with clusteringAction null is accepted (present counts as given)",
    reject(example("clustering", clusteringAction=None)),
)
def _clustering_null_action() -> RuleSet:
    return RULES.replacing("clustering-requires-clustering-action", _requires_action_present)


def _array_field(name: str, *, nullable: bool = False, filled: bool = False) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if name not in body:
            return
        value = body[name]
        if value is None and nullable:
            return
        if not isinstance(value, list) or (filled and not value):
            yield name, f"The {name} field must be a non-empty array."

    return check


@rule_fault(
    "classified_ids_empty_rejected",
    "classifiedIds [] is rejected (D9: it may be empty)",
    accept(example("data", classifiedIds=[])),
)
def _classified_empty() -> RuleSet:
    return RULES.replacing("classified-ids-array", _array_field("classifiedIds", filled=True))


@rule_fault(
    "classified_ids_null_accepted",
    "classifiedIds null is accepted as absent (D9: a type error)",
    reject(example("data", classifiedIds=None)),
)
def _classified_null() -> RuleSet:
    return RULES.replacing("classified-ids-array", _array_field("classifiedIds", nullable=True))


def _comment_string(*, nullable: bool = False, filled: bool = False) -> Check:
    def check(body: Body) -> Iterator[tuple[str, str]]:
        if "comment" not in body:
            return
        value = body["comment"]
        if value is None and nullable:
            return
        if not isinstance(value, str) or (filled and not value):
            yield "comment", "The comment field must be a string."

    return check


@rule_fault(
    "comment_null_accepted",
    "comment null is accepted as absent (D9: a type error)",
    reject(example("data", comment=None)),
)
def _comment_null() -> RuleSet:
    return RULES.replacing("comment-string", _comment_string(nullable=True))


def _null_passes_for(kind: str, rule_id: str, name: str) -> Check:
    """The contract's check of `rule_id`, except that `name: null` passes for `kind` (a
    per-kind validator that declares the field nullable)."""
    contract = RULES[rule_id].check

    def check(body: Body) -> Iterator[tuple[str, str]]:
        if kind_of(body) == kind and name in body and body[name] is None:
            return
        yield from contract(body)

    return check


@rule_fault(
    "other_null_comment_accepted",
    "an other report with comment null is accepted (its validator has nullable|string; D9)",
    reject(example("other", comment=None)),
)
def _other_comment_null() -> RuleSet:
    return RULES.replacing("comment-string", _null_passes_for("other", "comment-string", "comment"))


@rule_fault(
    "other_null_classified_ids_accepted",
    "an other report with classifiedIds null is accepted as if absent (D9: a type error)",
    reject(example("other", classifiedIds=None)),
)
def _other_classified_null() -> RuleSet:
    return RULES.replacing(
        "classified-ids-array", _null_passes_for("other", "classified-ids-array", "classifiedIds")
    )


@rule_fault(
    "empty_comment_rejected",
    'an empty comment "" is rejected, as Laravel\'s ConvertEmptyStringsToNull makes it null (D9)',
    accept(example("data", comment="")),
)
def _comment_empty() -> RuleSet:
    return RULES.replacing("comment-string", _comment_string(filled=True))


def _no_unknown_fields(body: Body) -> Iterator[tuple[str, str]]:
    for name in body:
        if name not in CONTRACT.request_fields:
            yield name, f"The {name} field is prohibited."


@rule_fault(
    "unknown_fields_rejected",
    "a body with a field the contract does not document is rejected (D8: allowed)",
    accept(example("data", source="mobile-app")),
)
def _unknown_fields() -> RuleSet:
    extra = Rule(
        id="no-unknown-fields",
        field="",
        statement="Only documented fields may be sent (not a rule of the contract).",
        check=_no_unknown_fields,
    )
    return RuleSet((*RULES.rules, extra))


@rule_fault(
    "property_ids_empty_accepted",
    "propertyIds [] is accepted (minItems 1 not enforced, D1)",
    reject(example("data", propertyIds=[])),
)
def _property_empty() -> RuleSet:
    return RULES.without("property-ids-min-items")


def _property_ids_or_classified(body: Body) -> Iterator[tuple[str, str]]:
    classified = body.get("classifiedIds")
    if "propertyIds" not in body and not (isinstance(classified, list) and classified):
        yield "propertyIds", "The propertyIds field is required when classifiedIds is empty."


@rule_fault(
    "property_ids_optional_with_classified_ids",
    '"at least one target overall" read as: propertyIds may be left out when classifiedIds is set',
    reject(example("data", propertyIds=ABSENT, classifiedIds=[CLASSIFIED_ID])),
)
def _property_optional() -> RuleSet:
    return RULES.replacing("property-ids-required", _property_ids_or_classified)


def _drop_null_facets(body: Body) -> Body:
    if "issueFacets" in body and body["issueFacets"] is None:
        return {name: value for name, value in body.items() if name != "issueFacets"}
    return body


@rule_fault(
    "issue_facets_null_as_absent",
    "issueFacets null is read as absent, so an other report with issueFacets null passes (D4)",
    reject(example("other", issueFacets=None)),
)
def _facets_null() -> RuleSet:
    return seen_as(_drop_null_facets)


def _php_trim(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip(" \t\n\r\0\x0b")
    if isinstance(value, list):
        return [_php_trim(item) for item in value]
    if isinstance(value, dict):
        return {name: _php_trim(item) for name, item in value.items()}
    return value


@rule_fault(
    "strings_trimmed",
    "strings are trimmed before they are checked (Laravel's TrimStrings), so ' <uuid>' passes (D7)",
    reject(example("data", propertyIds=[" " + PROPERTY_ID])),
)
def _trimmed() -> RuleSet:
    return seen_as(_php_trim)
