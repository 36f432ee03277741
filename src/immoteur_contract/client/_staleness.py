"""Whether the generated client was generated from the spec the kit reads.

The kit reads its enums from openapi.yaml (or `$IMMOTEUR_SPEC`); the facade sends reports through
`immoteur_client`, whose enums were frozen when `make client` last ran. When the two differ, a
facet the spec added cannot be sent (the generated model refuses it with a ValueError deep in
its `from_dict`). `stale_client_problem` compares the three enums and says so in one line naming
`make client`; the facade raises it as `StaleClientError`, and `report` prints it.
"""

from __future__ import annotations

from enum import Enum

from immoteur_client.models import ClusteringAction, IssueFacet, IssueKind

from ..rules import CONTRACT
from ..spec import SPEC_PATH
from ._errors import StaleClientError

__all__ = ["check_generated_client", "stale_client_problem"]


def _pairs() -> tuple[tuple[str, tuple[str, ...], type[Enum]], ...]:
    """(the spec's field, its enum values, the generated enum) for every enum of the request."""
    return (
        ("issueKind", CONTRACT.issue_kinds, IssueKind),
        ("issueFacets", CONTRACT.issue_facets, IssueFacet),
        ("clusteringAction", CONTRACT.clustering_actions, ClusteringAction),
    )


def _quoted(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def stale_client_problem() -> str | None:
    """One line saying how the generated client's enums differ from the spec's, naming
    `make client`; None when they agree."""
    spec = SPEC_PATH.name
    for field, values, enum in _pairs():
        generated = [str(member.value) for member in enum]
        name = f"immoteur_client.{enum.__name__}"
        missing = [v for v in values if v not in generated]
        if missing:
            return (
                f"the generated client is older than {spec}: {field} has {_quoted(missing)}"
                f" that {name} lacks; run `make client`"
            )
        extra = [v for v in generated if v not in values]
        if extra:
            return (
                f"the generated client does not match {spec}: {name} has {_quoted(extra)}"
                f" that {field} lacks; run `make client`"
            )
    return None


def check_generated_client() -> None:
    """Raise `StaleClientError` when the generated client's enums differ from the spec's."""
    problem = stale_client_problem()
    if problem:
        raise StaleClientError(problem)
