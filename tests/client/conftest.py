"""Fixtures of the client tests: a Filer per facade flavour, an anyio portal."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import anyio.from_thread
import pytest

from immoteur_contract.spec import SpecMismatchError

# The facade imports the generated client's operation by name: when openapi.yaml renamed it, stop
# with that one line (what to change) rather than one traceback per test module.
try:
    importlib.import_module("immoteur_contract.client")
except SpecMismatchError as error:
    raise SystemExit(f"immoteur-contract: {error}") from None

from .support import Filer


@pytest.fixture(scope="session")
def portal() -> Iterator[anyio.from_thread.BlockingPortal]:
    """An event loop in a thread, for serving sync clients from ASGI apps in-process."""
    with anyio.from_thread.start_blocking_portal() as portal:
        yield portal


@pytest.fixture(params=["sync", "async"])
def filer(request: pytest.FixtureRequest, portal: anyio.from_thread.BlockingPortal) -> Filer:
    """Files reports through IssueReports or AsyncIssueReports (each test runs with both)."""
    return Filer(request.param, portal)
