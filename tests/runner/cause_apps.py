"""Servers for the one-cause tests, each a factory `(token) -> ASGI app` for `--app`.

- `three_rules_unenforced`: the reference server without three unrelated conditional rules:
  three divergences of their own, which must not be told as one cause.
"""

from __future__ import annotations

from immoteur_contract.rules import RULES
from immoteur_contract.server import ServerSettings, create_app
from immoteur_contract.server.asgi import ASGIApp

__all__ = ["UNENFORCED", "three_rules_unenforced"]

UNENFORCED = (
    "data-requires-issue-facets",
    "other-requires-comment",
    "clustering-requires-two-targets",
)


def three_rules_unenforced(token: str) -> ASGIApp:
    """Accepts what three unrelated rules refuse."""
    rules = RULES
    for rule_id in UNENFORCED:
        rules = rules.without(rule_id)
    return create_app(ServerSettings(token=token), rules=rules)
