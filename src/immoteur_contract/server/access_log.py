"""One log line per request: method, path, status and milliseconds, through Python logging.

Nothing else of the request is logged: no header (so never the Authorization header or its
token), no query string, no body.
"""

from __future__ import annotations

import logging
import time

from .asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ACCESS_LOGGER", "AccessLogMiddleware"]

ACCESS_LOGGER = logging.getLogger("immoteur_contract.server.access")


class AccessLogMiddleware:
    """Logs `METHOD path status 1.23ms` at INFO once each HTTP request is answered."""

    def __init__(self, app: ASGIApp, *, logger: logging.Logger = ACCESS_LOGGER) -> None:
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass on, remembering the status, and log when done."""
        if scope["type"] != "http" or not self.logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self.logger.info(
                "%s %s %d %.2fms",
                scope["method"],
                _printable(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )


def _printable(path: str) -> str:
    """The path with control characters escaped, so that one request stays one log line."""
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")
