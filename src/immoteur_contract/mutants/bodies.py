"""Request bodies for witnesses: the spec's own examples, with one field changed or removed.

Starting from `openapi.yaml`'s request examples (one valid body per issueKind) keeps every
witness a minimal edit of a body the contract documents as valid.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from ..rules import CONTRACT

__all__ = ["ABSENT", "CLASSIFIED_ID", "PROPERTY_ID", "example"]


class _Absent:
    """The marker of a field to remove from an example."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()

_EXAMPLES: dict[str, dict[str, Any]] = {
    name: dict(entry["value"])
    for name, entry in CONTRACT.document["paths"][CONTRACT.issues_path]["post"]["requestBody"][
        "content"
    ]["application/json"]["examples"].items()
}

PROPERTY_ID: Final[str] = _EXAMPLES["clustering"]["propertyIds"][0]
"""A valid property UUID (from the clustering example)."""
CLASSIFIED_ID: Final[str] = _EXAMPLES["clustering"]["classifiedIds"][0]
"""A valid classified UUID, different from PROPERTY_ID (from the clustering example)."""


def example(kind: str, **changes: Any) -> dict[str, Any]:
    """A copy of the spec's valid example for `kind` with `changes` applied (ABSENT removes)."""
    body = copy.deepcopy(_EXAMPLES[kind])
    for name, value in changes.items():
        if value is ABSENT:
            body.pop(name, None)
        else:
            body[name] = value
    return body
