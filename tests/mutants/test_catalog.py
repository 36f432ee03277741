"""The catalog is honest: enough entries, each described, each really different from the contract.

The witness test sends every faulty server's witness request to it and to the reference server,
in process, and requires a different answer class (status, media type, Allow, whether the body
matches the contract's schema for that status, the error keys), with the reference answer being
the contract's. A faulty server identical to the reference cannot pass it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from immoteur_contract.mutants import (
    FAULTY_SERVERS,
    REFERENCE_APP,
    FaultyServer,
    app_spec,
    apps,
    names,
)
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import reference_app
from immoteur_contract.server.asgi import ASGIApp

TOKEN = "catalog-test-token"
_SCHEMA_OF_STATUS = {201: "IssueReportCreated", 401: "Message", 422: "ValidationError"}


@dataclass(frozen=True)
class AnswerClass:
    """What the contract distinguishes about an answer."""

    status: int
    media_type: str
    allow: str | None
    body_conforms: bool
    error_keys: tuple[str, ...]


def _classify(response: httpx.Response) -> AnswerClass:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    schema = _SCHEMA_OF_STATUS.get(response.status_code)
    conforms = True
    if schema is not None:
        conforms = body is not None and CONTRACT.validator(schema).is_valid(body)
    errors = body.get("errors") if isinstance(body, dict) else None
    keys = tuple(sorted(errors)) if isinstance(errors, dict) else ()
    return AnswerClass(
        response.status_code, media_type, response.headers.get("allow"), conforms, keys
    )


async def _answer(app: ASGIApp, server: FaultyServer) -> AnswerClass:
    witness = server.witness
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.request(
            witness.method,
            CONTRACT.endpoint_path,
            content=witness.content(),
            headers=witness.headers(TOKEN),
        )
    return _classify(response)


def test_catalog_has_at_least_25_faulty_servers() -> None:
    assert len(FAULTY_SERVERS) >= 25


def test_catalog_names_are_unique_identifiers() -> None:
    listed = names()
    assert len(set(listed)) == len(listed)
    assert all(name.isidentifier() and name == name.lower() for name in listed)
    assert all(FAULTY_SERVERS[name].name == name for name in listed)


def test_catalog_divergences_are_one_non_empty_line() -> None:
    for server in FAULTY_SERVERS.values():
        assert server.divergence.strip(), server.name
        assert "\n" not in server.divergence, server.name


def test_catalog_covers_rule_http_and_settings_faults() -> None:
    assert {server.kind for server in FAULTY_SERVERS.values()} == {"rule", "http", "settings"}


def test_catalog_divergences_are_distinct() -> None:
    divergences = [server.divergence for server in FAULTY_SERVERS.values()]
    assert len(set(divergences)) == len(divergences)


@pytest.mark.parametrize("name", names())
def test_apps_attribute_is_the_factory_the_runner_imports(name: str) -> None:
    module_name, attribute = app_spec(name).split(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    assert factory is FAULTY_SERVERS[name].build
    assert callable(factory(TOKEN))


def test_apps_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_server"):
        _ = apps.no_such_server


def test_reference_app_spec_names_the_reference_factory() -> None:
    module_name, attribute = REFERENCE_APP.split(":")
    assert getattr(importlib.import_module(module_name), attribute) is reference_app


@pytest.mark.anyio
@pytest.mark.parametrize("name", names())
async def test_witness_tells_faulty_server_from_reference(name: str) -> None:
    server = FAULTY_SERVERS[name]
    reference = await _answer(reference_app(TOKEN), server)
    faulty = await _answer(server.build(TOKEN), server)
    # the reference gives the contract's answer to the witness ...
    assert reference.status in server.witness.expect
    assert reference.body_conforms
    if reference.status == 405:
        assert reference.allow == "POST"
    if reference.status in _SCHEMA_OF_STATUS:
        assert reference.media_type == "application/json"
    # ... and the faulty server another one
    assert faulty != reference, f"{name}: {server.divergence}"
