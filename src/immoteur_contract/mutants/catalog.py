"""The catalog of faulty servers: every registered divergence, and how the runner reaches each.

Importing this module registers every faulty server (rule_faults.py, http_faults.py). A faulty
server NAME is served to the runner as `immoteur_contract.mutants.apps:NAME` (see apps.py), a
factory `(token) -> ASGI app`; the reference server is `REFERENCE_APP`.
"""

from __future__ import annotations

from . import http_faults, rule_faults
from .registry import FAULTY_SERVERS, FaultyServer

__all__ = ["APPS_MODULE", "FAULTY_SERVERS", "REFERENCE_APP", "app_spec", "faulty_server", "names"]

APPS_MODULE = "immoteur_contract.mutants.apps"
"""The module whose attribute NAME is the factory of faulty server NAME."""
REFERENCE_APP = "immoteur_contract.server:reference_app"
"""The `--app` spec of the reference server."""

_LOADED = (rule_faults, http_faults)  # imported for their registrations


def names() -> list[str]:
    """Every faulty server's name, in catalog order."""
    return list(FAULTY_SERVERS)


def faulty_server(name: str) -> FaultyServer:
    """The faulty server `name`; KeyError lists the known names."""
    try:
        return FAULTY_SERVERS[name]
    except KeyError:
        raise KeyError(f"no faulty server {name!r}; known: {', '.join(FAULTY_SERVERS)}") from None


def app_spec(name: str) -> str:
    """The runner's `--app MODULE:ATTR` for faulty server `name`."""
    faulty_server(name)
    return f"{APPS_MODULE}:{name}"
