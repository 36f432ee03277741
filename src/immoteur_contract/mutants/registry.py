"""What a faulty server and a correct server are, the request that tells each from the reference
server, and the two registries the catalog modules fill.

A faulty server is the reference server with exactly one divergence from the contract; a correct
server differs from the reference only where the contract leaves room (compression, charsets,
extra fields, wording...). Each is registered under a name that is a Python identifier, unique
across both registries, so that `immoteur_contract.mutants.apps:NAME` is the factory the
runner's `--app` option takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from ..server.asgi import ASGIApp

__all__ = [
    "CORRECT_SERVERS",
    "FAULTY_SERVERS",
    "Auth",
    "CorrectServer",
    "Evidence",
    "Factory",
    "FaultyServer",
    "Witness",
    "register",
    "register_correct",
]

Factory = Callable[[str], ASGIApp]
"""Builds an ASGI app that accepts the given token: the shape `--app MODULE:ATTR` names."""

Auth = Literal["valid", "missing", "wrong"]
"""The Authorization header a witness sends: the accepted token, none, or another token."""

WRONG_TOKEN = "not-the-accepted-token"
"""A token no server under test accepts (public by design)."""


@dataclass(frozen=True)
class Witness:
    """A request that gets a different answer from the faulty server than from the contract.

    `json` is sent as a JSON body unless `raw` is given (a body sent as is). `expect` holds the
    statuses the contract allows for this request, which the reference server must give.
    """

    json: Any = None
    raw: bytes | None = None
    method: str = "POST"
    auth: Auth = "valid"
    expect: tuple[int, ...] = (201,)

    def content(self) -> bytes:
        """The body bytes to send (empty for a method without a body)."""
        if self.raw is not None:
            return self.raw
        if self.method != "POST":
            return b""
        return json.dumps(self.json, ensure_ascii=False).encode("utf-8")

    def headers(self, token: str) -> dict[str, str]:
        """The request headers, the Authorization header chosen by `auth`."""
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self.auth == "valid":
            headers["authorization"] = f"Bearer {token}"
        elif self.auth == "wrong":
            headers["authorization"] = f"Bearer {WRONG_TOKEN}"
        return headers


@dataclass(frozen=True)
class FaultyServer:
    """The reference server with one divergence, described in one line, and a witness of it.

    kind: "rule" (a rule dropped, altered or added), "http" (statuses, headers or bodies
    rewritten around the reference server) or "settings" (a server option).
    build: the factory `(token) -> ASGI app`.
    """

    name: str
    divergence: str
    kind: Literal["rule", "http", "settings"]
    build: Factory = field(repr=False, compare=False)
    witness: Witness = field(repr=False)


Evidence = Callable[[httpx.Response], bool]
"""True when an answer to the witness shows a correct server's difference (False for the
reference server's answer)."""


@dataclass(frozen=True)
class CorrectServer:
    """A server that conforms to the contract yet answers differently from the reference server,
    described in one line, with a witness request and the evidence of the difference.

    kind: "body" (statuses, headers or bodies: served in-process) or "transport" (compression,
    chunking, connections, timing: served over a loopback socket, where they exist).
    build: the factory `(token) -> ASGI app`.
    """

    name: str
    difference: str
    kind: Literal["body", "transport"]
    build: Factory = field(repr=False, compare=False)
    witness: Witness = field(repr=False)
    shows: Evidence = field(repr=False, compare=False)


FAULTY_SERVERS: dict[str, FaultyServer] = {}
"""Every registered faulty server by name, in registration order (see catalog.py)."""
CORRECT_SERVERS: dict[str, CorrectServer] = {}
"""Every registered correct server by name, in registration order (see correct_servers.py)."""


def _check_name(name: str, description: str) -> None:
    if not name.isidentifier():
        raise ValueError(f"server name {name!r} is not a Python identifier")
    if name in FAULTY_SERVERS or name in CORRECT_SERVERS:
        raise ValueError(f"server {name!r} is registered twice")
    if not description.strip() or "\n" in description:
        raise ValueError(f"server {name!r} needs a one-line description")


def register(server: FaultyServer) -> FaultyServer:
    """Add `server` to FAULTY_SERVERS; a name that is no identifier, or is taken, is an error."""
    _check_name(server.name, server.divergence)
    FAULTY_SERVERS[server.name] = server
    return server


def register_correct(server: CorrectServer) -> CorrectServer:
    """Add `server` to CORRECT_SERVERS; a name that is no identifier, or is taken, is an error."""
    _check_name(server.name, server.difference)
    CORRECT_SERVERS[server.name] = server
    return server
