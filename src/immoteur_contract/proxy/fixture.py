"""The pytest plugin of the kit: the `immoteur_contract_proxy` fixture, for the test suites of
applications that call the API.

The fixture starts the validating proxy in this process, in front of an upstream (default: the
embedded reference server, accepting the `immoteur_contract_token` fixture's token), and yields
the API base URL through it (`http://127.0.0.1:PORT/public/v1`). Point the application under
test at that URL. When the test is over, every caller violation (the application sent a report
the contract forbids) and every server violation (the upstream answered off-contract) fails the
test, each named with its rule id and a curl line.

Registered through the `pytest11` entry point, so installing the package is enough. To aim at
another upstream, override the `immoteur_contract_upstream` fixture or pass
`--immoteur-upstream URL`. This module imports the proxy only when the fixture is used.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .session import ProxySession

__all__ = [
    "immoteur_contract_proxy",
    "immoteur_contract_token",
    "immoteur_contract_upstream",
    "pytest_addoption",
    "pytest_runtest_call",
]

_SESSION = pytest.StashKey["ProxySession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("immoteur-contract")
    group.addoption(
        "--immoteur-upstream",
        default=None,
        metavar="URL",
        help="upstream of the immoteur_contract_proxy fixture (default: the embedded"
        " reference server)",
    )


@pytest.fixture
def immoteur_contract_token() -> str:
    """The token the embedded reference server accepts (a fresh random one per test)."""
    return "test-" + secrets.token_urlsafe(24)


@pytest.fixture
def immoteur_contract_upstream(request: pytest.FixtureRequest) -> str | None:
    """The upstream API base URL, or None for the embedded reference server. Override this
    fixture to put the proxy in front of your own server."""
    upstream: str | None = request.config.getoption("immoteur_upstream")
    return upstream


@pytest.fixture
def immoteur_contract_proxy(
    request: pytest.FixtureRequest,
    immoteur_contract_upstream: str | None,
    immoteur_contract_token: str,
) -> Iterator[str]:
    """The API base URL through the validating proxy; the test fails on any violation."""
    import contextlib

    from ..server import reference_app, serving
    from .session import running_proxy

    with contextlib.ExitStack() as stack:
        upstream = immoteur_contract_upstream or stack.enter_context(
            serving(reference_app(immoteur_contract_token))
        )
        session = stack.enter_context(running_proxy(upstream))
        request.node.stash[_SESSION] = session
        yield session.base_url


def _failure_message(session: ProxySession) -> str | None:
    violations = session.violations()
    if not violations:
        return None
    lines = [f"immoteur_contract_proxy: {len(violations)} contract violation(s) during this test:"]
    lines += [f"  {item.line()}" for item in violations]
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test (its call phase, not its teardown) on the proxy's violations."""
    result = yield
    session = item.stash.get(_SESSION, None)
    if session is not None:
        message = _failure_message(session)
        if message is not None:
            pytest.fail(message, pytrace=False)
    return result
