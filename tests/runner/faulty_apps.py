"""Tiny faulty servers for the runner's tests: the reference server with one rule dropped.

Each is a factory `(token) -> ASGI app`, the shape `immoteur-contract run --app` takes. These
are the four divergences plain schemathesis runs were measured to miss.
"""

from __future__ import annotations

from immoteur_contract.rules import RULES
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app

__all__ = [
    "DROPPED_RULES",
    "accepts_clustering_with_one_target",
    "accepts_clustering_without_action",
    "accepts_data_with_merge",
    "accepts_data_without_facets",
]


def _without(rule_id: str, token: str) -> ReferenceServer:
    return create_app(ServerSettings(token=token), rules=RULES.without(rule_id))


def accepts_data_without_facets(token: str) -> ReferenceServer:
    """Accepts a data report without issueFacets."""
    return _without("data-requires-issue-facets", token)


def accepts_data_with_merge(token: str) -> ReferenceServer:
    """Accepts a data report with clusteringAction merge."""
    return _without("data-forbids-clustering-action", token)


def accepts_clustering_without_action(token: str) -> ReferenceServer:
    """Accepts a clustering report without clusteringAction."""
    return _without("clustering-requires-clustering-action", token)


def accepts_clustering_with_one_target(token: str) -> ReferenceServer:
    """Accepts a clustering report with one target."""
    return _without("clustering-requires-two-targets", token)


DROPPED_RULES = {
    "accepts_data_without_facets": "data-requires-issue-facets",
    "accepts_data_with_merge": "data-forbids-clustering-action",
    "accepts_clustering_without_action": "clustering-requires-clustering-action",
    "accepts_clustering_with_one_target": "clustering-requires-two-targets",
}
"""Factory name -> the rule it does not enforce."""
