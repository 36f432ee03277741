"""What the suite may send to a target: the policy for real endpoints, decided before sending.

A valid report sent to a real endpoint files a real report. So against a host that is not
loopback the suite, by default, only sends requests the contract says must be rejected, keeps to
a request budget and a rate; `--allow-writes` lifts the write restriction. Loopback hosts and
the in-process server are not limited.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..server.serving import is_loopback_host

__all__ = [
    "LOCAL_MAX_REQUESTS",
    "REMOTE_MAX_REQUESTS",
    "REMOTE_RATE",
    "Policy",
    "is_loopback",
    "policy_for",
]

REMOTE_MAX_REQUESTS = 200
"""Default request budget against a non-loopback target."""
REMOTE_RATE = 2.0
"""Default requests per second against a non-loopback target."""
LOCAL_MAX_REQUESTS = 20_000
"""Default request budget against loopback and in-process targets (a guard against runaways)."""


@dataclass(frozen=True)
class Policy:
    """How the suite treats a target: whether requests that would be accepted may be sent,
    how many requests in all, and how many per second (None: unlimited)."""

    allow_writes: bool
    max_requests: int
    rate: float | None
    remote: bool


def is_loopback(url: str | None) -> bool:
    """True for the in-process target (None) and URLs whose host is loopback: 127.0.0.0/8,
    ::1 or `localhost`. Anything else, names included, counts as remote."""
    return url is None or is_loopback_host(urlsplit(url).hostname or "")


def policy_for(
    url: str | None,
    *,
    allow_writes: bool = False,
    max_requests: int | None = None,
    rate: float | None = None,
) -> Policy:
    """The policy for the target at `url` (None: in-process), with the user's overrides.

    Remote: writes only with `allow_writes`, budget `REMOTE_MAX_REQUESTS`, `REMOTE_RATE` per
    second. Local: writes, budget `LOCAL_MAX_REQUESTS`, no rate limit. Sends nothing.
    """
    if max_requests is not None and max_requests < 1:
        raise ValueError(f"max_requests must be >= 1, got max_requests={max_requests}")
    if rate is not None and rate <= 0:
        raise ValueError(f"rate must be > 0 requests per second, got rate={rate}")
    remote = not is_loopback(url)
    if remote:
        return Policy(
            allow_writes=allow_writes,
            max_requests=max_requests or REMOTE_MAX_REQUESTS,
            rate=rate or REMOTE_RATE,
            remote=True,
        )
    return Policy(
        allow_writes=True,
        max_requests=max_requests or LOCAL_MAX_REQUESTS,
        rate=rate,
        remote=False,
    )
