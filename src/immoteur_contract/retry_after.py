"""Retry-After: how long a 429 or 503 asks the caller to wait, read once for every layer.

The runner (which waits before sending a test request again) and the client facade (which waits
before filing a report again) read the header the same way: delay-seconds or an HTTP-date
(RFC 9110, section 10.2.3); a value that is neither, negative or not finite is unusable, and the
caller falls back to its own backoff.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_retry_after"]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date, a past date waits
    0); None when absent or unusable. `now` fixes the clock a date is measured from."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
