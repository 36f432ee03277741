"""A synchronous httpx transport over an ASGI app, in-process and without a socket.

httpx's ASGITransport is async only; the suite (and schemathesis) send synchronously, so this
runs it on an event loop in a blocking portal thread. Exceptions inside the app come back as
500 responses, as a real server would answer, so a crashing faulty server fails the suite
instead of crashing it.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

__all__ = ["AsgiTransport"]


class AsgiTransport(httpx.BaseTransport):
    """Sends each request to `app` on a private event loop; `close()` stops the loop."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._stack = contextlib.ExitStack()
        self._portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        return self._portal.call(
            self._send, request.method, str(request.url), request.headers, content
        )

    async def _send(
        self, method: str, url: str, headers: httpx.Headers, content: bytes
    ) -> httpx.Response:
        request = httpx.Request(method, url, headers=headers, content=content)
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    def close(self) -> None:
        self._stack.close()
