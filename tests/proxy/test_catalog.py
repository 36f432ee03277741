"""The server catalogs behind the proxy: the scripted client's traffic (support.py) shows every
faulty server as at least one server violation, and no correct server as any."""

from __future__ import annotations

import pytest

from immoteur_contract.mutants.catalog import CORRECT_SERVERS, FAULTY_SERVERS

from .support import TOKEN, drive

UNSEEN_BY_A_PROXY = {
    "any_token_accepted": "a wrong token answered 201 looks like a right one: the proxy does"
    " not know which tokens the upstream issued",
    "wrong_token_answered_403": "403 is documented for a valid token without the permission;"
    " the proxy cannot tell a wrong token from an unpermitted one",
}
"""Faulty servers whose divergence traffic cannot show: only a client that holds both a right
and a wrong token can (the suite's auth-protocol tests do)."""

_SEEN = [name for name in FAULTY_SERVERS if name not in UNSEEN_BY_A_PROXY]


def test_catalog_unseen_faulty_servers_are_in_the_catalog() -> None:
    assert set(UNSEEN_BY_A_PROXY) <= set(FAULTY_SERVERS)


@pytest.mark.parametrize("name", _SEEN)
def test_catalog_faulty_server_shows_a_server_violation(name: str) -> None:
    violations, _ = drive(FAULTY_SERVERS[name].build(TOKEN))
    server = [v for v in violations if v.violation.side == "server"]
    assert server, f"{name} ({FAULTY_SERVERS[name].divergence}) went unseen"


@pytest.mark.parametrize("name", list(CORRECT_SERVERS))
def test_catalog_correct_server_shows_no_server_violation(name: str) -> None:
    violations, recorder = drive(CORRECT_SERVERS[name].build(TOKEN))
    server = [v.line() for v in violations if v.violation.side == "server"]
    assert server == []
    assert recorder.endpoint > 90  # the script went through and was judged


@pytest.mark.parametrize("name", list(UNSEEN_BY_A_PROXY))
def test_catalog_unseen_faulty_server_shows_no_false_reason(name: str) -> None:
    violations, _ = drive(FAULTY_SERVERS[name].build(TOKEN))
    assert [v.line() for v in violations if v.violation.side == "server"] == []
