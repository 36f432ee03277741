"""Servers mounted elsewhere than the production path, for the base-URL tests: the reference
server at the root (as Prism and most test containers serve an API), a login redirect, and a
request counter around any of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app
from immoteur_contract.server.asgi import ASGIApp, Receive, Scope, Send

__all__ = ["Counting", "LoginRedirect", "mounted_at_root", "root_mounted_reference"]


def mounted_at_root(app: ASGIApp) -> ASGIApp:
    """`app` (which serves the API under the spec's base path) serving it at `/` instead."""

    async def at_root(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = CONTRACT.base_path + scope["path"]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await app(scope, receive, send)

    return at_root


def root_mounted_reference(token: str) -> ASGIApp:
    """The reference server accepting `token`, serving the API at `/` (an `--app` factory)."""
    return mounted_at_root(reference_app(token))


async def _redirect(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"location", b"/login"), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


LoginRedirect: ASGIApp = _redirect
"""Answers every request with a redirect to /login, as a gateway in front of an SSO does."""


@dataclass
class Counting:
    """Counts the HTTP requests that reach `app`."""

    app: ASGIApp
    requests: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)
