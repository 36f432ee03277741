"""The system under test: an in-process ASGI app or a server at a base URL.

`open_target` builds the shared httpx client whose transport (GuardedTransport) every layer
uses; for a base URL it sends through network.py's socket transport (deadline per request, CA
bundle, proxy). The token comes from the environment (IMMOTEUR_TOKEN) for a base URL, never from
the command line, and must be one a header can carry; an in-process app gets a fresh random
token.
"""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..arguments import header_token
from ..deadline import DeadlineBackend
from ..rules import CONTRACT
from ..urls import api_base_url
from .asgi import AsgiTransport
from .ledger import Ledger
from .network import DEFAULT_MAX_BODY, DEFAULT_REQUEST_TIMEOUT, network_transport
from .safety import Policy
from .transport import GuardedTransport

__all__ = [
    "DEFAULT_APP",
    "IN_PROCESS_BASE_URL",
    "TOKEN_ENV",
    "Target",
    "UsageError",
    "environment_token",
    "load_factory",
    "open_target",
    "target_base_url",
]

DEFAULT_APP = "immoteur_contract.server:reference_app"
TOKEN_ENV = "IMMOTEUR_TOKEN"
IN_PROCESS_BASE_URL = "http://127.0.0.1:8080" + CONTRACT.base_path
"""The base URL of an in-process target, shown in curl lines: where `immoteur-contract mock`
serves the API, so that a line replays against `make mock`."""


class UsageError(Exception):
    """A bad option or environment: the run cannot start (exit 2)."""


def target_base_url(url: str) -> str:
    """The API base for `--base-url`: the URL as given (urls.api_base_url, the rule every command
    follows); UsageError naming the flag when it is not an http(s) URL."""
    try:
        return api_base_url(url)
    except ValueError as error:
        raise UsageError(f"--base-url: {error}") from None


def load_factory(spec: str) -> Callable[[str], Any]:
    """The app factory named by `MODULE:ATTR`, a callable `(token) -> ASGI app`."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"--app must be MODULE:ATTR, got {spec!r}")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as error:
        raise UsageError(f"--app {spec}: {error}") from None
    if not callable(factory):
        raise UsageError(f"--app {spec} is not callable")
    return factory  # type: ignore[no-any-return]


@dataclass
class Target:
    """An opened target: where requests go, the token, and the client all layers share."""

    display: str
    base_url: str
    token: str = field(repr=False)
    in_process: bool
    client: httpx.Client = field(repr=False)
    guard: GuardedTransport = field(repr=False)

    @property
    def endpoint(self) -> str:
        return self.base_url + CONTRACT.issues_path

    def close(self) -> None:
        self.client.close()


def environment_token() -> str:
    """The token for a base URL, from IMMOTEUR_TOKEN; UsageError when unset or unsendable."""
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise UsageError(f"{TOKEN_ENV} is not set: the token for --base-url comes from it")
    try:
        return header_token(token, TOKEN_ENV)
    except ValueError as error:
        raise UsageError(str(error)) from None


def open_target(
    *,
    base_url: str | None,
    app: str | None,
    policy: Policy,
    ledger: Ledger,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    max_body: int = DEFAULT_MAX_BODY,
    run_deadline: float | None = None,
    cacert: Path | None = None,
) -> Target:
    """Open the target: `base_url` (token from IMMOTEUR_TOKEN) or the in-process `app`. Each
    request ends within `request_timeout` seconds (and by `run_deadline`, a time.monotonic()
    value), each answer is read up to `max_body` bytes."""
    backend: DeadlineBackend | None = None
    if base_url is not None:
        if app is not None:
            raise UsageError("--base-url and --app are exclusive: pick one target")
        token = environment_token()
        base = target_base_url(base_url)
        try:
            network, backend = network_transport(base, cacert=cacert)
        except OSError as error:  # an unreadable or invalid --cacert
            raise UsageError(f"--cacert {cacert}: {error.strerror or error}") from None
        inner: httpx.BaseTransport = network
        display = base
    else:
        token = "contract-" + secrets.token_urlsafe(24)
        factory = load_factory(app or DEFAULT_APP)
        inner = AsgiTransport(factory(token))
        base = IN_PROCESS_BASE_URL
        display = f"in-process {app or DEFAULT_APP}"
    guard = GuardedTransport(
        inner,
        policy=policy,
        token=token,
        ledger=ledger,
        backend=backend,
        max_body=max_body,
        request_timeout=request_timeout,
        run_deadline=run_deadline,
    )
    client = httpx.Client(transport=guard, timeout=request_timeout, follow_redirects=False)
    return Target(
        display=display,
        base_url=base,
        token=token,
        in_process=base_url is None,
        client=client,
        guard=guard,
    )
