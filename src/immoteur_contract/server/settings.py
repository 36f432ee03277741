"""The reference server's settings: the accepted token, the body limit and the fault options.

One frozen dataclass, built by `immoteur-contract mock` from its options or directly by tests and
by the contract suite. Every fault is off by default, so `ServerSettings(token=...)` is the server
that behaves exactly like the contract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .auth import unusable_token_reason

__all__ = ["MAX_BODY_BYTES", "ServerSettings"]

MAX_BODY_BYTES = 1024 * 1024
"""Bodies larger than this (1 MiB) are refused with 413."""


@dataclass(frozen=True)
class ServerSettings:
    """What the server accepts and which faults it injects.

    token: the one accepted Bearer token (never shown by repr).
    accept_any_token: accept any non-empty Bearer token (no header or a malformed one: 401).
    max_body_bytes: the largest accepted body.
    latency: fixed seconds added before every answer on the public path.
    latency_range: (min, max) seconds of extra random latency, drawn with the seeded RNG.
    rate_limit: requests per one-second window on the public path; the rest get 429.
    fail_rate: fraction (0..1) of public requests answered 503, drawn with the seeded RNG.
    seed: seed of the RNG of latency_range and fail_rate (None: unseeded).
    allow_prefer: honour `Prefer: code=NNN` / `example=NAME` from authenticated requests.
    """

    token: str = field(repr=False)
    accept_any_token: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    latency: float = 0.0
    latency_range: tuple[float, float] | None = None
    rate_limit: int | None = None
    fail_rate: float = 0.0
    seed: int | None = None
    allow_prefer: bool = False

    def __post_init__(self) -> None:
        """Refuse settings that cannot mean anything, so a typo fails at start-up."""
        if not self.token and not self.accept_any_token:
            raise ValueError("the token is empty: a token is required (or accept_any_token)")
        if self.token and (reason := unusable_token_reason(self.token)) is not None:
            raise ValueError(f"{reason}: no request could ever authenticate")
        if self.max_body_bytes < 0:
            raise ValueError("max_body_bytes must be >= 0")
        if not (math.isfinite(self.latency) and self.latency >= 0):
            raise ValueError("latency must be a finite number of seconds >= 0")
        if self.latency_range is not None:
            low, high = self.latency_range
            if not (math.isfinite(low) and math.isfinite(high) and 0 <= low <= high):
                raise ValueError("latency_range must be (min, max) with 0 <= min <= max")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError("rate_limit must be >= 1 request per second")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
