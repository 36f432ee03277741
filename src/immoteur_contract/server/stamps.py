"""The two things a new report is given: a random UUID and an RFC 3339 UTC timestamp.

The timestamp keeps the formatted second and only formats the microseconds per call, because it
is on the server's hot path.
"""

from __future__ import annotations

import time
import uuid

__all__ = ["Clock", "new_report_id"]


def new_report_id() -> str:
    """A random (version 4) UUID in hyphenated form."""
    return str(uuid.uuid4())


class Clock:
    """`now()` gives the current UTC time as e.g. `2026-11-26T22:39:16.123456Z`."""

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def now(self) -> str:
        """The current time, RFC 3339, UTC (`Z`), microsecond precision."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = second
        micros = min(int((now - second) * 1_000_000), 999_999)
        return f"{self._prefix}.{micros:06d}Z"
