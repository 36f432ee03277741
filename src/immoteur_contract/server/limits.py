"""How much a connection may cost the reference server: its timeouts and its size limits.

One frozen dataclass, read by the connection guard (`protocol.py`) and set by `immoteur-contract
mock` from its options. Every limit is checked as the bytes arrive, before they are parsed or
kept, so that nothing a client sends can cost more than the limit (a 160 MB header is refused
after its first 16 KiB, not parsed first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ConnectionLimits"]


@dataclass(frozen=True)
class ConnectionLimits:
    """Timeouts (seconds) and sizes (bytes) of one HTTP/1.1 connection.

    idle_timeout: a connection with no request in progress (just opened, or between two
        keep-alive requests) is closed after this long without a byte.
    header_timeout: a request's line and headers must arrive within this long of its first byte
        (slowloris); otherwise 408 and the connection is closed.
    body_timeout: a request's body must arrive within this long after its headers (a
        Content-Length that promises more than is sent); otherwise 408 and close.
    max_header_bytes: the request line and headers together; more is answered 431 and closed.
    max_url_bytes: the request target (path and query); longer is answered 414 and closed.
    max_headers: the number of header fields; more is answered 431 and closed.
    """

    idle_timeout: float = 5.0
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 16 * 1024
    max_url_bytes: int = 8 * 1024
    max_headers: int = 100

    def __post_init__(self) -> None:
        """Refuse limits that cannot mean anything, so a typo fails at start-up."""
        for name in ("idle_timeout", "header_timeout", "body_timeout"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number of seconds > 0")
        for name in ("max_header_bytes", "max_url_bytes", "max_headers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if self.max_url_bytes > self.max_header_bytes:
            raise ValueError("max_url_bytes cannot exceed max_header_bytes (the URL is a header)")
