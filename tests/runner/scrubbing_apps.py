"""Servers for the scrubbing tests, each a factory `(token) -> ASGI app`.

- `open_door_echoing`: accepts a request without an Authorization header as if it carried the
  token (so the no-token cases fail, under case ids that may contain a short token), and quotes
  the caller's Authorization header in each 422 message (so the token reaches the failures).
"""

from __future__ import annotations

from immoteur_contract.server.asgi import ASGIApp, Receive, Scope, Send

try:
    from .regression_apps import echoing_token_in_messages
except ImportError:  # imported as a top-level module by live.py's server process
    from regression_apps import echoing_token_in_messages  # type: ignore[import-not-found,no-redef]

__all__ = ["open_door_echoing"]


def open_door_echoing(token: str) -> ASGIApp:
    """Requests without Authorization are served as if they carried `Bearer <token>`."""
    app = echoing_token_in_messages(token)

    async def open_door(scope: Scope, receive: Receive, send: Send) -> None:
        headers = list(scope.get("headers") or [])
        if scope["type"] == "http" and not any(k.lower() == b"authorization" for k, _ in headers):
            headers.append((b"authorization", f"Bearer {token}".encode()))
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return open_door
