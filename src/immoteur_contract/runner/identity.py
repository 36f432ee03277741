"""Stable failure identities: the same divergence gets the same id whatever the seed.

A failure's id is built from what the contract says and what the target did, never from the
random body that showed it:

- the layer and the rule key the test counts under (`rules` / `data-requires-issue-facets`);
- the case family: the test function and its parametrize id, which are deterministic
  (`test_rule_boundary_is_rejected[data-requires-issue-facets:data-no-issue-facets]`; for a
  generated test the id is the rule or the kind, so the family is the rule);
- the expectation it broke (`ExpectationError.expectation` of expectations.py: `status-422`,
  `error-key-item`...; for schemathesis, the failure class its check raised:
  `AcceptedNegativeData`);
- the status the target answered.

`id` reads `<rule>#<8 hex digits>`; the digits hash the five parts above. A pytest failure that
holds several distinct failures (an exception group from hypothesis or schemathesis) gives one
identity per distinct leaf.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .expectations import ExpectationError

__all__ = ["Identity", "case_of", "describe", "identities_of"]


@dataclass(frozen=True)
class Identity:
    """What makes two failures the same divergence, and whether a random generator found it
    (`generated`: a run that does not reproduce it is no proof that it is gone)."""

    layer: str
    rule: str
    case: str
    expectation: str
    status: int | None
    generated: bool = False

    @property
    def id(self) -> str:
        parts = (self.layer, self.rule, self.case, self.expectation, str(self.status))
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return f"{self.rule}#{digest[:8]}"


def describe(case: str, expectation: str, status: int | None) -> str:
    """One line on a failure, with nothing taken from the body (baselines, comparisons)."""
    seen = "no response" if status is None else f"status {status}"
    return f"{case}: broke {expectation} ({seen})"


def case_of(nodeid: str) -> str:
    """The case family of a test: its function name and parametrize id, without the file
    (`test_rule_boundary_is_rejected[data-requires-issue-facets:data-no-issue-facets]`)."""
    return nodeid.split("::")[-1]


def identities_of(
    error: BaseException | None,
    *,
    layer: str,
    rule: str,
    case: str,
    shown_status: int | None,
    generated: bool = False,
) -> list[tuple[Identity, str]]:
    """One (identity, message) per distinct failure held by `error`, in order.

    `shown_status` is the status of the request marked as showing the failure, used when a
    failure does not carry the status itself. `generated`: the test drew its cases from
    hypothesis (schemathesis failures count as generated in any case)."""
    generated = generated or any(_is_schemathesis_failure(leaf) for leaf in _leaves(error))
    found: dict[Identity, str] = {}
    for leaf in _leaves(error):
        expectation, status = _broken(leaf, shown_status)
        identity = Identity(layer, rule, case, expectation, status, generated)
        found.setdefault(identity, _message(leaf))
    if not found:
        found[Identity(layer, rule, case, "error", shown_status, generated)] = ""
    return list(found.items())


def _leaves(error: BaseException | None) -> list[BaseException]:
    if error is None:
        return []
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def _broken(leaf: BaseException, shown_status: int | None) -> tuple[str, int | None]:
    """The expectation a leaf failure broke and the status seen."""
    if isinstance(leaf, ExpectationError):
        return leaf.expectation, leaf.status if leaf.status is not None else shown_status
    status: Any = getattr(leaf, "status_code", None)
    if _is_schemathesis_failure(leaf):
        return type(leaf).__name__, status if isinstance(status, int) else shown_status
    if isinstance(leaf, AssertionError):
        return "assertion", shown_status
    return f"error-{type(leaf).__name__}", shown_status


def _is_schemathesis_failure(leaf: BaseException) -> bool:
    return type(leaf).__module__.startswith("schemathesis.")


def _message(leaf: BaseException) -> str:
    text = str(leaf).strip()
    return text[:4000] if text else type(leaf).__name__
