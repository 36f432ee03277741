"""A fake clock for the guarded transport's tests: `sleep` only moves `now` on, and is recorded."""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """Time that passes only when slept: `time()` is `now`, `sleep(s)` adds `s` and records it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
