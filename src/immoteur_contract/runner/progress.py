"""The progress of a run, for someone waiting on a rate-limited remote run.

On a terminal: one live line (rich), redrawn four times a second and cleared at the end:
requests sent out of the planned number (or the budget), the current layer, failures so far,
and the time left at the current rate. Elsewhere (CI logs): the same line every 10 seconds, and
a line when the layer changes. The display only reads a `Status` snapshot; it sends nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.text import Text

__all__ = ["CI_INTERVAL", "Progress", "Status", "status_line"]

CI_INTERVAL = 10.0
"""Seconds between two progress lines when the output is not a terminal."""
_RATE_WINDOW = 10.0
"""The current rate is measured over the last this many seconds."""


@dataclass(frozen=True)
class Status:
    """What the progress line shows."""

    sent: int
    total: int
    layer: str
    failures: int


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def status_line(status: Status, rate: float | None) -> str:
    """`57/200 requests | rules (generated) | 0 failures | 1m12s left at 2.0/s`."""
    failures = f"{status.failures} failure" + ("" if status.failures == 1 else "s")
    parts = [f"{status.sent}/{status.total} requests", status.layer, failures]
    if rate:
        left = max(status.total - status.sent, 0) / rate
        parts.append(f"{_duration(left)} left at {rate:.1f}/s")
    return " | ".join(parts)


class Progress:
    """Shows `snapshot()` on `stream` until `stop()`: live on a terminal, else every
    `interval` seconds. `clock` is injectable for tests."""

    def __init__(
        self,
        snapshot: Callable[[], Status],
        *,
        stream: TextIO,
        live: bool | None = None,
        interval: float = CI_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._snapshot = snapshot
        self._stream = stream
        self._console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=live)
        self.live = self._console.is_terminal if live is None else live
        self._interval = interval
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()
        self._stopped = threading.Event()
        self._display: Live | None = None
        self._thread: threading.Thread | None = None
        self._layer: str | None = None

    def rate(self) -> float | None:
        """Requests per second over the last few seconds (None until there are two samples)."""
        now = self._clock()
        self._samples.append((now, self._snapshot().sent))
        while len(self._samples) > 2 and now - self._samples[1][0] > _RATE_WINDOW:
            self._samples.popleft()
        (t0, n0), (t1, n1) = self._samples[0], self._samples[-1]
        if t1 <= t0 or n1 <= n0:
            return None
        return (n1 - n0) / (t1 - t0)

    def line(self) -> str:
        return status_line(self._snapshot(), self.rate())

    def start(self) -> None:
        if self.live:
            self._display = Live(
                get_renderable=lambda: Text(self.line(), no_wrap=True, overflow="ellipsis"),
                console=self._console,
                refresh_per_second=4,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._display.start()
        else:
            self.rate()  # the first sample
            self._thread = threading.Thread(target=self._every_interval, daemon=True)
            self._thread.start()

    def layer(self, label: str) -> None:
        """The run moved to another layer: said in a line when the output is not live."""
        if label != self._layer and not self.live:
            self.say(f"[{self._snapshot().sent:>5} requests] {label}")
        self._layer = label

    def say(self, line: str) -> None:
        """A line above the live one (or just a line)."""
        if self._display is not None:
            self._display.console.print(line, markup=False)
        else:
            print(line, file=self._stream, flush=True)

    def stop(self) -> None:
        self._stopped.set()
        if self._display is not None:
            self._display.stop()
            self._display = None
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None

    def _every_interval(self) -> None:
        while not self._stopped.wait(self._interval):
            self.say(self.line())
