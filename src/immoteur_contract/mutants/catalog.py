"""The catalogs of faulty and correct servers, and how the runner reaches each.

Importing this module registers every faulty server (rule_faults/, http_faults.py,
body_faults.py) and every correct server (correct_servers.py, correct_wire.py,
correct_bodies.py). A server NAME of either catalog is served to the runner as
`immoteur_contract.mutants.apps:NAME` (see apps.py), a factory `(token) -> ASGI app`; the
reference server is `REFERENCE_APP`.
"""

from __future__ import annotations

from . import body_faults, correct_bodies, correct_servers, correct_wire, http_faults, rule_faults
from .registry import CORRECT_SERVERS, FAULTY_SERVERS, CorrectServer, FaultyServer

__all__ = [
    "APPS_MODULE",
    "CORRECT_SERVERS",
    "FAULTY_SERVERS",
    "REFERENCE_APP",
    "app_spec",
    "correct_names",
    "correct_server",
    "faulty_server",
    "names",
]

APPS_MODULE = "immoteur_contract.mutants.apps"
"""The module whose attribute NAME is the factory of faulty server NAME."""
REFERENCE_APP = "immoteur_contract.server:reference_app"
"""The `--app` spec of the reference server."""

_LOADED = (
    rule_faults,
    http_faults,
    body_faults,
    correct_wire,
    correct_servers,
    correct_bodies,
)  # imported for their registrations


def names() -> list[str]:
    """Every faulty server's name, in catalog order."""
    return list(FAULTY_SERVERS)


def faulty_server(name: str) -> FaultyServer:
    """The faulty server `name`; KeyError lists the known names."""
    try:
        return FAULTY_SERVERS[name]
    except KeyError:
        raise KeyError(f"no faulty server {name!r}; known: {', '.join(FAULTY_SERVERS)}") from None


def correct_names() -> list[str]:
    """Every correct server's name, in catalog order."""
    return list(CORRECT_SERVERS)


def correct_server(name: str) -> CorrectServer:
    """The correct server `name`; KeyError lists the known names."""
    try:
        return CORRECT_SERVERS[name]
    except KeyError:
        raise KeyError(f"no correct server {name!r}; known: {', '.join(CORRECT_SERVERS)}") from None


def app_spec(name: str) -> str:
    """The runner's `--app MODULE:ATTR` for the faulty or correct server `name`."""
    if name not in CORRECT_SERVERS:
        faulty_server(name)
    return f"{APPS_MODULE}:{name}"
