"""Drive the proxy over loopback sockets: the upstream (an ASGI app) is served by uvicorn in a
thread, the proxy in another, and the scripted client sends its requests through it on one
keep-alive connection, as an application would."""

from __future__ import annotations

import io
import json
import socket
from dataclasses import dataclass
from typing import Any

import httpx

from immoteur_contract.mutants.catalog import CORRECT_SERVERS, FAULTY_SERVERS
from immoteur_contract.proxy import Recorder
from immoteur_contract.proxy.recorder import Recorded
from immoteur_contract.proxy.session import running_proxy
from immoteur_contract.server import serving
from immoteur_contract.server.asgi import ASGIApp
from immoteur_contract.verdicts import agreeing_verdicts

__all__ = ["TOKEN", "Step", "drive", "no_delay", "scripted_steps"]

TOKEN = "proxy-test-token-0123456789"
_AUTH = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}


@dataclass(frozen=True, eq=True)
class Step:
    """One request of the scripted client."""

    method: str
    content: bytes
    headers: tuple[tuple[str, str], ...]


def _json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def scripted_steps() -> list[Step]:
    """The verdict table's bodies (valid and invalid) with the token, then the protocol's own
    cases (a valid and an invalid body without a token, bodies that are not JSON, the other
    methods on the endpoint), then the witness request of every server of both catalogs
    (bodies past 20 or 255 targets, null fields of other reports, a wrong token...). The
    same script for every server: nothing is chosen for the server under test."""
    rows = agreeing_verdicts()
    auth = tuple(_AUTH.items())
    steps = [Step("POST", _json(row.body), auth) for row in rows]
    valid = next(row for row in rows if row.valid)
    invalid = next(row for row in rows if not row.valid)
    bare = (("content-type", "application/json"),)
    steps += [Step("POST", _json(valid.body), bare), Step("POST", _json(invalid.body), bare)]
    steps += [Step("POST", b"{", auth), Step("POST", b"not json", auth)]
    steps += [
        Step(method, b"", (("authorization", _AUTH["authorization"]),))
        for method in ("GET", "PUT", "PATCH", "DELETE")
    ]
    witnesses = [s.witness for s in FAULTY_SERVERS.values()]
    witnesses += [s.witness for s in CORRECT_SERVERS.values()]
    for witness in witnesses:
        headers = tuple(witness.headers(TOKEN).items())
        steps.append(Step(witness.method, witness.content(), headers))
    return list(dict.fromkeys(steps))


def no_delay() -> httpx.HTTPTransport:
    """httpx writes a request's head and body apart: without TCP_NODELAY the body waits for the
    head's delayed ACK (40 ms a request on Linux loopback)."""
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


def drive(upstream: ASGIApp, steps: list[Step] | None = None) -> tuple[list[Recorded], Recorder]:
    """Send `steps` (default: the scripted client's) through a proxy in front of `upstream`;
    return every violation recorded and the recorder."""
    with (
        serving(upstream) as upstream_url,
        running_proxy(upstream_url, live=io.StringIO()) as session,
        httpx.Client(base_url=session.base_url, timeout=30, transport=no_delay()) as client,
    ):
        for step in steps or scripted_steps():
            client.request(step.method, "/issues", content=step.content, headers=list(step.headers))
        violations = session.violations()
    return violations, session.recorder
