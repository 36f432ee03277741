"""Every faulty and correct server as a module attribute: `immoteur_contract.mutants.apps:NAME`
is its factory.

This is what the runner's `--app MODULE:ATTR` imports: `getattr(apps, NAME)` is the server's
`(token) -> ASGI app`. The attributes are made from the catalog on access (PEP 562), so
the registry stays the one list of names.
"""

from __future__ import annotations

from .catalog import CORRECT_SERVERS, FAULTY_SERVERS
from .registry import Factory

__all__ = [*FAULTY_SERVERS, *CORRECT_SERVERS]  # the names are the catalogs'


def __getattr__(name: str) -> Factory:
    """The factory of server `name` (AttributeError for an unknown name)."""
    server = FAULTY_SERVERS.get(name) or CORRECT_SERVERS.get(name)
    if server is None:
        raise AttributeError(f"module {__name__!r} has no server {name!r}")
    return server.build


def __dir__() -> list[str]:
    return sorted([*globals(), *FAULTY_SERVERS, *CORRECT_SERVERS])
