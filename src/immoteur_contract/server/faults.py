"""Fault injection for testing client resilience: plain ASGI middleware, each off unless added.

Each middleware only touches HTTP requests whose path starts with `prefix` (the public API's
`/public/v1`), so the inspection API stays reliable while the public endpoint misbehaves. The
random ones take a `random.Random`, which the server seeds from `ServerSettings.seed` so that a
test sees the same faults on every run.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable

from .asgi import ASGIApp, Receive, Scope, Send
from .errors import SERVICE_UNAVAILABLE, too_many_requests

__all__ = ["FailRateMiddleware", "LatencyMiddleware", "RateLimitMiddleware"]

Sleep = Callable[[float], Awaitable[None]]


def _applies(scope: Scope, prefix: str) -> bool:
    return scope["type"] == "http" and str(scope["path"]).startswith(prefix)


class LatencyMiddleware:
    """Waits `seconds`, plus a uniform draw from `jitter` = (min, max) when given, before
    passing the request on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        seconds: float = 0.0,
        jitter: tuple[float, float] | None = None,
        rng: random.Random | None = None,
        prefix: str = "/",
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.jitter = jitter
        self.rng = rng if rng is not None else random.Random()
        self.prefix = prefix
        self.sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Delay, then pass on."""
        if _applies(scope, self.prefix):
            delay = self.seconds
            if self.jitter is not None:
                delay += self.rng.uniform(*self.jitter)
            if delay > 0:
                await self.sleep(delay)
        await self.app(scope, receive, send)


class RateLimitMiddleware:
    """Lets `per_second` requests through per one-second window; answers the rest 429 with
    Retry-After (whole seconds until the window ends, at least 1)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        per_second: int,
        prefix: str = "/",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be >= 1")
        self.app = app
        self.per_second = per_second
        self.prefix = prefix
        self.clock = clock
        self._window_start = -math.inf
        self._count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request in its window; pass it on or refuse it."""
        if _applies(scope, self.prefix):
            now = self.clock()
            if now - self._window_start >= 1.0:
                self._window_start = now
                self._count = 0
            self._count += 1
            if self._count > self.per_second:
                retry_after = max(1, math.ceil(self._window_start + 1.0 - now))
                await too_many_requests(retry_after).send(send)
                return
        await self.app(scope, receive, send)


class FailRateMiddleware:
    """Answers a `fraction` of requests 503 (drawn with `rng`), passes the others on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        fraction: float,
        rng: random.Random | None = None,
        prefix: str = "/",
    ) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        self.app = app
        self.fraction = fraction
        self.rng = rng if rng is not None else random.Random()
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Fail or pass on."""
        if _applies(scope, self.prefix) and self.rng.random() < self.fraction:
            await SERVICE_UNAVAILABLE.send(send)
            return
        await self.app(scope, receive, send)
