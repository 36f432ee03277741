"""The two things a new report is given: a time-ordered UUID and an RFC 3339 UTC timestamp.

Report ids are UUIDv7 (RFC 9562): the Unix time in milliseconds, then 74 random bits. The
contract admits any version (D7), and time order is what keeps the SQLite store fast: a random
(version 4) key lands on a random page of the id index, so each commit would rewrite about one index
page per report, where time-ordered keys all land on the last page or two. The random bits are
drawn from the operating system 64 ids at a time, since a getrandom system call per report is a
visible share of the server's time per request.

Both are on the server's hot path: the timestamp keeps the formatted second and only formats the
microseconds per call.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["Clock", "new_report_id"]


def new_report_id() -> str:
    """A UUIDv7 in hyphenated lowercase form: `tttttttt-tttt-7rrr-Vrrr-rrrrrrrrrrrr`, its first
    48 bits the current Unix time in milliseconds, V one of 8, 9, a, b (the RFC variant)."""
    pool = _POOL
    tails = pool.tails
    if not tails:
        tails.extend(_random_tails(_IDS_PER_DRAW))
    millis = time.time_ns() // 1_000_000
    if millis != pool.millis:
        digits = f"{millis:012x}"
        pool.millis, pool.prefix = millis, f"{digits[:8]}-{digits[8:]}-7"
    return pool.prefix + tails.pop()


_IDS_PER_DRAW = 64
"""Random tails drawn from the operating system at once."""


def _random_tails(count: int) -> list[str]:
    """`count` random `rrr-Vrrr-rrrrrrrrrrrr` tails: 12 + 62 random bits around the variant."""
    digits = os.urandom(10 * count).hex()
    return [
        f"{d[:3]}-{_VARIANT_DIGITS[int(d[3], 16) & 3]}{d[4:7]}-{d[7:19]}"
        for d in (digits[start : start + 20] for start in range(0, 20 * count, 20))
    ]


_VARIANT_DIGITS = "89ab"
"""The first digit of the fourth group: the two variant bits 10, then two random bits."""


class _IdPool(threading.local):
    """Per thread (servers in threads never share one): the tails drawn but not used yet, and
    the formatted time of the last id (a busy server gives several ids per millisecond)."""

    def __init__(self) -> None:
        self.tails: list[str] = []
        self.millis = -1
        self.prefix = ""


_POOL = _IdPool()
# A forked worker must not use the tails its parent drew too: it starts with none.
os.register_at_fork(after_in_child=lambda: _POOL.tails.clear())


class Clock:
    """`now()` gives the current UTC time as e.g. `2026-11-26T22:39:16.123456Z`."""

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def now(self) -> str:
        """The current time, RFC 3339, UTC (`Z`), microsecond precision."""
        second, nanos = divmod(time.time_ns(), 1_000_000_000)  # integers: no float rounding
        if second != self._second:
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = second
        return f"{self._prefix}.{nanos // 1000:06d}Z"
