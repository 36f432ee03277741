"""Faulty servers that skip one conditional rule (what issueKind requires or forbids)."""

from __future__ import annotations

from ...rules import RULES, RuleSet
from ..bodies import ABSENT, example
from .making import (
    ACTION,
    FACET,
    reject,
    rule_fault,
)


@rule_fault(
    "data_without_facets_accepted",
    "a data report without issueFacets is accepted (data-requires-issue-facets not enforced)",
    reject(example("data", issueFacets=ABSENT)),
)
def _data_without_facets() -> RuleSet:
    return RULES.without("data-requires-issue-facets")


@rule_fault(
    "data_with_clustering_action_accepted",
    "a data report with clusteringAction merge is accepted (data-forbids-clustering-action off)",
    reject(example("data", clusteringAction=ACTION)),
)
def _data_with_action() -> RuleSet:
    return RULES.without("data-forbids-clustering-action")


@rule_fault(
    "clustering_without_action_accepted",
    "a clustering report without clusteringAction is accepted",
    reject(example("clustering", clusteringAction=ABSENT)),
)
def _clustering_without_action() -> RuleSet:
    return RULES.without("clustering-requires-clustering-action")


@rule_fault(
    "clustering_with_one_target_accepted",
    "a clustering report with a single target is accepted (two-target rule not enforced)",
    reject(example("clustering", classifiedIds=ABSENT)),
)
def _clustering_one_target() -> RuleSet:
    return RULES.without("clustering-requires-two-targets")


@rule_fault(
    "other_without_comment_accepted",
    "an other report without a comment is accepted (other-requires-comment not enforced)",
    reject(example("other", comment=ABSENT)),
)
def _other_without_comment() -> RuleSet:
    return RULES.without("other-requires-comment")


@rule_fault(
    "other_with_facets_accepted",
    "an other report with issueFacets is accepted (other-forbids-issue-facets not enforced)",
    reject(example("other", issueFacets=[FACET])),
)
def _other_with_facets() -> RuleSet:
    return RULES.without("other-forbids-issue-facets")


@rule_fault(
    "other_with_clustering_action_accepted",
    "an other report with clusteringAction merge is accepted (other-forbids-clustering-action off)",
    reject(example("other", clusteringAction=ACTION)),
)
def _other_with_action() -> RuleSet:
    return RULES.without("other-forbids-clustering-action")
