"""What `spec-diff` reports: one `Change` per difference, each with its `Impact`.

The impact is judged by validity. In a request, a change that makes a valid request invalid
breaks callers; one that makes an invalid request valid breaks implementations (they must now
accept it). In a response the roles swap: implementations send, callers read.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Change", "Direction", "Impact"]


class Impact(enum.Enum):
    """Who must act on a change. Ordered from the most to the least severe."""

    CALLERS = "breaking for callers"
    IMPLEMENTATIONS = "breaking for implementations"
    COMPATIBLE = "compatible"

    @property
    def rank(self) -> int:
        """0 for the most severe; sorts changes worst first."""
        return list(Impact).index(self)


class Direction(enum.Enum):
    """How a change moves the set of valid documents."""

    TIGHTENED = "some valid documents become invalid"
    LOOSENED = "some invalid documents become valid"
    CHANGED = "both, or it cannot be told"


@dataclass(frozen=True)
class Change:
    """One difference between two versions of the contract.

    `where` is the part of the contract (`operation`, `request`, `response 201`, `rules`),
    `subject` what changed (`comment maxLength`, `IssueFacet`), `detail` how (`4000 -> 2000`,
    `+ energy`), `impact` who it breaks and `consequence` the words said about it (the impact's
    own words, or a more precise phrase such as "implementations must accept it")."""

    where: str
    subject: str
    detail: str
    impact: Impact
    consequence: str = ""
    note: str = ""

    @property
    def line(self) -> str:
        """`comment maxLength 4000 -> 2000: breaking for callers`."""
        said = self.consequence or self.impact.value
        return f"{self.subject} {self.detail}: {said}"
