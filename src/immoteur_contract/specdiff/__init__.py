"""`spec-diff`: what a change of openapi.yaml means for the people who call the API and for the
people who implement it.

Two versions of the contract are compared at this kit's level (the operation and its path,
request and response schemas, enums, limits, required fields, the `x-rules`), and each change is
classified as breaking for callers, breaking for implementations, or compatible:

    from immoteur_contract.specdiff import compare
    changes = compare(old_document, new_document)

`command` is the `immoteur-contract spec-diff OLD NEW` front end (files or git revisions).
"""

from __future__ import annotations

from .compare import compare
from .model import Change, Impact

__all__ = ["Change", "Impact", "compare"]
