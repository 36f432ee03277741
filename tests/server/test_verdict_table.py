"""The verdict table (data/verdicts.yaml) through the server: 201 for valid rows, 422 otherwise,
with each broken rule named in the answer."""

from __future__ import annotations

import json

import pytest

from immoteur_contract.server import reference_app
from immoteur_contract.verdicts import Verdict, agreeing_verdicts

from .asgi_driver import ENDPOINT, call_now
from .conftest import AUTH, TOKEN

VERDICTS = agreeing_verdicts()
APP = reference_app(TOKEN)


def test_verdict_table_has_both_verdicts() -> None:
    assert {verdict.valid for verdict in VERDICTS} == {True, False}


@pytest.mark.parametrize("verdict", VERDICTS, ids=[verdict.id for verdict in VERDICTS])
def test_server_answers_each_verdict_row(verdict: Verdict) -> None:
    raw = json.dumps(verdict.body, ensure_ascii=True).encode()
    reply = call_now(APP, "POST", ENDPOINT, [raw], list(AUTH.items()))
    if verdict.valid:
        assert reply.status == 201
        return
    assert reply.status == 422
    messages = " ".join(m for found in reply.json()["errors"].values() for m in found)
    for rule in verdict.rules:
        assert f"[{rule}]" in messages
