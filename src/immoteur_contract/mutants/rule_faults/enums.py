"""Faulty servers that compare enum values without their case, or check only some items."""

from __future__ import annotations

from ...rules import RULES, RuleSet
from ..bodies import example
from .making import (
    ACTION,
    FACET,
    first_items_only,
    lower,
    mapped,
    reject,
    rule_fault,
    seen_as,
)


@rule_fault(
    "issue_kind_case_insensitive",
    'issueKind is lower-cased before it is checked, so "DATA" is accepted',
    reject(example("data", issueKind="DATA")),
)
def _kind_case() -> RuleSet:
    return seen_as(mapped("issueKind", lower))


@rule_fault(
    "issue_facets_case_insensitive",
    "issueFacets items are lower-cased before they are checked, so an upper-case facet passes",
    reject(example("data", issueFacets=[FACET.upper()])),
)
def _facets_case() -> RuleSet:
    return seen_as(mapped("issueFacets", lower))


@rule_fault(
    "clustering_action_case_insensitive",
    "clusteringAction is lower-cased before it is checked, so an upper-case action passes",
    reject(example("clustering", clusteringAction=ACTION.upper())),
)
def _action_case() -> RuleSet:
    return seen_as(mapped("clusteringAction", lower))


@rule_fault(
    "unknown_facet_accepted",
    "issueFacets items are not checked against the documented facets",
    reject(example("data", issueFacets=["rent"])),
)
def _unknown_facet() -> RuleSet:
    return RULES.without("issue-facets-enum")


@rule_fault(
    "issue_facets_first_item_only",
    "only the first issueFacets item is checked against the documented facets",
    reject(example("data", issueFacets=[FACET, "rent"])),
)
def _facets_first_item() -> RuleSet:
    return RULES.replacing(
        "issue-facets-enum", first_items_only("issue-facets-enum", "issueFacets", 1)
    )


@rule_fault(
    "issue_facets_empty_accepted",
    "issueFacets [] is accepted (minItems 1 not enforced)",
    reject(example("data", issueFacets=[])),
)
def _facets_empty() -> RuleSet:
    return RULES.without("issue-facets-min-items")
