"""The request's vocabulary as the strategies use it: issue kinds, field names and the comment
limit, each read from `rules.CONTRACT` and checked to still be in the spec at import."""

from __future__ import annotations

from typing import Any

from ...rules import CONTRACT

__all__ = [
    "ACTION",
    "CLASSIFIED_IDS",
    "CLUSTERING",
    "COMMENT",
    "DATA",
    "FACETS",
    "FIELDS",
    "ISSUE_KIND",
    "MAX",
    "OTHER",
    "PROPERTY_IDS",
    "Body",
]


Body = dict[str, Any]

UUID_CASES = ("any", "lower", "upper", "mixed")
"""Accepted values of `uuids(case=...)`."""


def known(options: tuple[str, ...], name: str) -> str:
    """`name`, checked to be one of the spec's `options` (fails at import if the spec drops it)."""
    if name not in options:
        raise LookupError(f"the spec no longer lists {name!r} among {options}")
    return name


CLUSTERING = known(CONTRACT.issue_kinds, "clustering")
DATA = known(CONTRACT.issue_kinds, "data")
OTHER = known(CONTRACT.issue_kinds, "other")
FIELDS = CONTRACT.request_fields
PROPERTY_IDS, ISSUE_KIND, CLASSIFIED_IDS, ACTION, COMMENT, FACETS = (
    known(FIELDS, name)
    for name in (
        "propertyIds",
        "issueKind",
        "classifiedIds",
        "clusteringAction",
        "comment",
        "issueFacets",
    )
)
MAX = CONTRACT.comment_max_length
