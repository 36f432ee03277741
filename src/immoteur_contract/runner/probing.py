"""Sending a raw body to the target and telling a dropped connection from a network fault.

The probes below the schema (JSON grammar, check order, resource limits) send bodies as bytes.
A server that drops the connection on one of them instead of answering diverges (the contract
wants an answer), but a network that drops a connection says nothing about the server. So a
dropped connection is retried once; when it drops again while a plain request (GET on the
endpoint) still gets an answer, it is the server's doing and fails the probe as the expectation
`answered`. Anything else (a timeout, a third failure) is left to the run's own handling of
transport faults.
"""

from __future__ import annotations

import httpx

from .client import ContractClient
from .expectations import ExpectationError

__all__ = ["DROPPED", "send_raw"]

DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
"""The transport errors of a connection closed by the server before its answer."""


def send_raw(
    client: ContractClient, content: bytes, *, authorization: str | bool | None = True
) -> httpx.Response:
    """POST `content` as is (Content-Type application/json); a connection the server drops on
    this body (twice, while it answers a plain request) raises ExpectationError `answered`."""
    for attempt in (1, 2):
        try:
            return client.send("POST", content=content, authorization=authorization)
        except DROPPED as error:
            if attempt == 2:
                dropped = type(error).__name__
    client.send("GET")  # raises in turn when the target itself is gone
    message = f"the connection was dropped twice before an answer ({dropped}, {len(content)} bytes)"
    raise ExpectationError(message, "answered")
