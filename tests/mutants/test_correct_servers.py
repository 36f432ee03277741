"""The correct-server catalog is honest: each entry really differs from the reference server, in
a way the contract allows.

The witness test sends every correct server's witness request to it and to the reference server
(over a loopback socket for "transport" servers, whose difference exists only on the wire) and
requires the evidence of the difference in the correct server's answer and not in the
reference's, both answers having a status the contract allows. That the suite passes each of them
under five seeds is tests/mutants/test_kill.py.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Iterator

import httpx
import pytest

from immoteur_contract.mutants import (
    CORRECT_SERVERS,
    FAULTY_SERVERS,
    REFERENCE_APP,
    CorrectServer,
    app_spec,
    correct_names,
)
from immoteur_contract.mutants.correct_servers import CREATED_AT_FORMS
from immoteur_contract.mutants.served import served
from immoteur_contract.rules import CONTRACT
from immoteur_contract.runner.expectations import expect_created
from immoteur_contract.server import reference_app

TOKEN = "correct-catalog-token"
REFERENCE_ATTEMPTS = 10
"""Answers asked of the reference server; one without the evidence is enough (timing varies)."""


@contextlib.contextmanager
def _client(app_spec_: str, kind: str) -> Iterator[httpx.Client]:
    """A client of the server `app_spec_`: over a loopback socket for "transport" servers."""
    if kind == "transport":
        with served(app_spec_, TOKEN) as base_url, httpx.Client(base_url=base_url) as client:
            yield client
        return
    module_name, attribute = app_spec_.split(":")
    app = getattr(importlib.import_module(module_name), attribute)(TOKEN)
    with _asgi_client(app) as client:
        yield client


@contextlib.contextmanager
def _asgi_client(app: object) -> Iterator[httpx.Client]:
    from immoteur_contract.runner.asgi import AsgiTransport

    transport = AsgiTransport(app)
    try:
        with httpx.Client(transport=transport, base_url="http://127.0.0.1/public/v1") as client:
            yield client
    finally:
        transport.close()


def _send(client: httpx.Client, server: CorrectServer) -> httpx.Response:
    witness = server.witness
    return client.request(
        witness.method,
        CONTRACT.issues_path.lstrip("/"),
        content=witness.content(),
        headers=witness.headers(TOKEN),
    )


def test_correct_catalog_has_at_least_12_servers_of_both_kinds() -> None:
    assert len(CORRECT_SERVERS) >= 12
    assert {server.kind for server in CORRECT_SERVERS.values()} == {"body", "transport"}


def test_correct_catalog_names_are_identifiers_apart_from_the_faulty_ones() -> None:
    listed = correct_names()
    assert all(name.isidentifier() and name == name.lower() for name in listed)
    assert not set(listed) & set(FAULTY_SERVERS)


def test_correct_catalog_differences_are_distinct_single_lines() -> None:
    differences = [server.difference for server in CORRECT_SERVERS.values()]
    assert all(text.strip() and "\n" not in text for text in differences)
    assert len(set(differences)) == len(differences)


@pytest.mark.parametrize("name", correct_names())
def test_apps_attribute_of_correct_server_is_its_factory(name: str) -> None:
    module_name, attribute = app_spec(name).split(":")
    assert getattr(importlib.import_module(module_name), attribute) is CORRECT_SERVERS[name].build


@pytest.mark.parametrize("name", correct_names())
def test_witness_shows_correct_server_differs_from_reference(name: str) -> None:
    server = CORRECT_SERVERS[name]
    with _client(REFERENCE_APP, server.kind) as client:
        reference = [_send(client, server) for _ in range(REFERENCE_ATTEMPTS)]
    with _client(app_spec(name), server.kind) as client:
        answer = _send(client, server)
    assert reference[0].status_code in server.witness.expect
    assert answer.status_code in server.witness.expect, answer.text
    assert server.shows(answer), f"{name}: {server.difference}"
    assert not all(server.shows(r) for r in reference), f"the reference shows {name}'s evidence"


def test_compressed_responses_use_every_coding_in_turn() -> None:
    server = CORRECT_SERVERS["compressed_responses"]
    with _client(app_spec(server.name), server.kind) as client:
        answers = [_send(client, server) for _ in range(4)]
    assert {answer.headers["content-encoding"] for answer in answers} == {
        "gzip",
        "deflate",
        "br",
        "zstd",
    }
    assert all(answer.json()["errors"] for answer in answers)


def test_compressed_responses_only_use_codings_the_request_accepts() -> None:
    server = CORRECT_SERVERS["compressed_responses"]
    with _client(app_spec(server.name), server.kind) as client:
        headers = {**server.witness.headers(TOKEN), "accept-encoding": "identity"}
        answer = client.post("issues", content=server.witness.content(), headers=headers)
    assert "content-encoding" not in answer.headers


def test_created_at_in_other_forms_gives_each_form_in_turn_and_each_is_created() -> None:
    server = CORRECT_SERVERS["created_at_in_other_forms"]
    with _client(app_spec(server.name), server.kind) as client:
        answers = [_send(client, server) for _ in CREATED_AT_FORMS]
    stamps = [answer.json()["createdAt"] for answer in answers]
    assert re.fullmatch(r".{19}\+02:00", stamps[0])
    assert re.fullmatch(r".{19}\.\d{9}-05:00", stamps[1])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dt.{8}\.\d{3}z", stamps[2])
    for answer in answers:
        expect_created(answer)


def test_reference_app_is_the_reference_factory() -> None:
    module_name, attribute = REFERENCE_APP.split(":")
    assert getattr(importlib.import_module(module_name), attribute) is reference_app
