"""Faulty servers: the reference server with exactly one divergence each, and the command that
proves the contract suite kills every one of them (`immoteur-contract mutants`).

`FAULTY_SERVERS` maps a name to a `FaultyServer` (its one-line divergence, a factory and a
witness request), `CORRECT_SERVERS` to a `CorrectServer` (a difference the contract allows,
which the suite must pass); `immoteur_contract.mutants.apps:NAME` is the factory the runner's
`--app` takes.
"""

from __future__ import annotations

from .catalog import (
    APPS_MODULE,
    CORRECT_SERVERS,
    FAULTY_SERVERS,
    REFERENCE_APP,
    app_spec,
    correct_names,
    correct_server,
    faulty_server,
    names,
)
from .registry import CorrectServer, Evidence, Factory, FaultyServer, Witness

__all__ = [
    "APPS_MODULE",
    "CORRECT_SERVERS",
    "FAULTY_SERVERS",
    "REFERENCE_APP",
    "CorrectServer",
    "Evidence",
    "Factory",
    "FaultyServer",
    "Witness",
    "app_spec",
    "correct_names",
    "correct_server",
    "faulty_server",
    "names",
]
