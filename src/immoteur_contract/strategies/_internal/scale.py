"""Boundary bodies at scale: many targets, one bad item among many, every facet at once.

The contract documents no maxItems for the target arrays, so a report with hundreds of targets
is valid; a server that caps them, or checks only the first few items, diverges. The bodies stay
far below the 1 MiB a server may refuse (the largest is about 40 KB).
"""

from __future__ import annotations

from typing import Any

from ...rules import CONTRACT, RULES
from .fields import ACTION, CLASSIFIED_IDS, COMMENT, FACETS, MAX, PROPERTY_IDS, Body
from .uuids import accepted_uuid_forms, fixed_uuids

__all__ = [
    "DOZENS",
    "HUNDREDS",
    "LONGEST_COMMENT",
    "every_facet_at_once",
    "many_targets",
    "with_bad_item",
]

DOZENS = 24
"""Targets per array in the `dozens` bodies (48 in all)."""
HUNDREDS = 450
"""Targets per array in the `hundreds` bodies (900 in all, about 40 KB of JSON)."""
LONGEST_COMMENT = "\U0001f600" * MAX
"""The longest comment D6 allows, in astral characters: 4000 code points, 8000 UTF-16 units,
16000 UTF-8 bytes, so one body shows a limit counted in the wrong unit."""

_EXTRA_FIELD = {"source": "contract-suite"}


def many_targets(example: Body, per_array: int) -> Body:
    """`example` with `per_array` distinct UUIDs in propertyIds and as many in classifiedIds."""
    return {
        **example,
        PROPERTY_IDS: fixed_uuids(per_array, 0x5CA1E000),
        CLASSIFIED_IDS: fixed_uuids(per_array, 0x5CA1F000),
    }


def every_facet_at_once(example: Body) -> Body:
    """A valid report of `example`'s kind that carries every documented edge the kind allows
    in one body: dozens of targets over both arrays with every accepted UUID form (D7) and an
    id repeated across the arrays (D2), every issueFacet, a null clusteringAction (D3), the
    longest comment (D6) and an unknown field (D8). What the kind does not allow is left out,
    as RULES decide, so the body stays valid for every kind."""
    forms = list(accepted_uuid_forms(example[PROPERTY_IDS][0]).values())
    property_ids = [*forms, *fixed_uuids(DOZENS - len(forms), 0xFACE7000)]
    body: dict[str, Any] = {
        **example,
        PROPERTY_IDS: property_ids,
        CLASSIFIED_IDS: [*fixed_uuids(DOZENS - 1, 0xFACE8000), property_ids[-1]],
        COMMENT: LONGEST_COMMENT,
        **_EXTRA_FIELD,
    }
    for name, value in ((FACETS, list(CONTRACT.issue_facets)), (ACTION, None)):
        if RULES.is_valid({**body, name: value}):
            body[name] = value
    return body


def with_bad_item(example: Body, name: str, count: int, index: int, bad: object) -> Body:
    """`example` with `count` valid UUIDs in array `name`, item `index` replaced by `bad`: the
    one fault sits among many good items, and its dotted key is `name.index`."""
    if not 0 <= index < count:
        raise ValueError(f"with_bad_item(index=...) must be in [0, {count}), got index={index}")
    items: list[object] = list(fixed_uuids(count, 0xBAD00000))
    items[index] = bad
    return {**example, name: items}
