"""Every faulty server as a module attribute: `immoteur_contract.mutants.apps:NAME` is its factory.

This is what the runner's `--app MODULE:ATTR` imports: `getattr(apps, NAME)` is the faulty
server's `(token) -> ASGI app`. The attributes are made from the catalog on access (PEP 562), so
the registry stays the one list of names.
"""

from __future__ import annotations

from .catalog import FAULTY_SERVERS
from .registry import Factory

__all__ = list(FAULTY_SERVERS)  # the names are the catalog's


def __getattr__(name: str) -> Factory:
    """The factory of faulty server `name` (AttributeError for an unknown name)."""
    try:
        return FAULTY_SERVERS[name].build
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no faulty server {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *FAULTY_SERVERS])
