"""Who may use the inspection API under `/_mock/` of a listening server.

The inspection API can wipe the stored reports and script faults, so a server on a socket keeps
web pages in the user's browser out of it. A page can reach a loopback server directly (a
cross-site "simple" request: a form or a `text/plain` fetch needs no CORS preflight) or through
DNS rebinding (a name of the attacker's that now resolves to 127.0.0.1, so the request carries
that name as its Host). `MockGuard` refuses, for paths under `/_mock/` only:

- a Host header that is not one of the names the server answers to (403): loopback names by
  default (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`), plus those `mock --public` adds;
- a POST or DELETE whose Content-Type is not `application/json` (415): a browser cannot send
  that cross-site without a CORS preflight, which this server never grants;
- a request whose Origin names another site than the Host (403);
- with an admin token, a request without `Authorization: Bearer <admin token>` (401).

The public API's path is not touched: it has its own token, and the contract says how it answers.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from .asgi import ASGIApp, Receive, Scope, Send
from .errors import json_answer
from .inspection import INSPECTION_PREFIX
from .serving import is_loopback_host

__all__ = ["MockGuard", "host_name"]

_JSON_TYPE = b"application/json"


def host_name(host_header: str) -> str:
    """The name of a Host header value, lowercase, without port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() else host


def _is_local_name(name: str) -> bool:
    return is_loopback_host(name) or name.endswith(".localhost")


class MockGuard:
    """ASGI middleware guarding INSPECTION_PREFIX (see the module docstring).

    `hosts` are the names accepted besides loopback ones (compared without port, lowercase);
    `admin_token`, when given, is required as a Bearer token on every inspection request.
    """

    def __init__(
        self, app: ASGIApp, *, hosts: Iterable[str] = (), admin_token: str | None = None
    ) -> None:
        self.app = app
        self.hosts = frozenset(host_name(host) for host in hosts)
        self._admin = None if admin_token is None else b"Bearer " + admin_token.encode()

    def __repr__(self) -> str:
        guarded = "with" if self._admin else "without"
        return f"MockGuard(hosts={sorted(self.hosts)!r}, {guarded} admin token)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse an inspection request that fails a check; pass everything else on."""
        if scope["type"] == "http" and str(scope["path"]).startswith(INSPECTION_PREFIX):
            refusal = self._refusal(scope)
            if refusal is not None:
                status, message = refusal
                await json_answer(status, {"message": message}).send(send)
                return
        await self.app(scope, receive, send)

    def _allowed(self, name: str) -> bool:
        return _is_local_name(name) or name in self.hosts

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            headers.setdefault(key, value)
        host = headers.get(b"host", b"").decode("latin-1")
        if not self._allowed(host_name(host)):
            return 403, "The inspection API answers only the names the server was started for."
        origin = headers.get(b"origin")
        if origin is not None and not self._same_site(origin.decode("latin-1"), host):
            return 403, "The inspection API refuses requests from another site."
        if self._admin is not None:
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, self._admin):
                return 401, "The inspection API needs the admin token (Bearer)."
        if scope["method"] in ("POST", "DELETE"):
            media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if media_type != _JSON_TYPE:
                return (
                    415,
                    "The inspection API's POST and DELETE need Content-Type: application/json.",
                )
        return None

    def _same_site(self, origin: str, host: str) -> bool:
        """An Origin is acceptable when it names the Host the request was sent to, or another
        accepted name; `null` (a sandboxed page, a file) never is."""
        try:
            parts = urlsplit(origin.strip())
            name = (parts.hostname or "").lower()
        except ValueError:
            return False
        return bool(name) and (name == host_name(host) or self._allowed(name))
