"""Tests of `immoteur-contract report`: dry runs, filing on a loopback server, 422 output, a missing
token, local rule errors; and that the token never reaches stdout or stderr."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from immoteur_contract.cli import main
from immoteur_contract.client import TOKEN_ENV_VAR
from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app

from .support import CLASSIFIED, PROPERTY, TOKEN, serving


def _no_comments(body: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "comment" in body:
        yield "comment", "Comments are not accepted by this server."


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, ReferenceServer]]:
    """A loopback reference server that also refuses any comment (to provoke a 422)."""
    rules = RULES.replacing("comment-string", _no_comments)
    app = create_app(ServerSettings(token=TOKEN), rules=rules)
    with serving(app) as base_url:
        yield base_url, app


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV_VAR, TOKEN)
    return TOKEN


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["report", *argv])
    out, err = capsys.readouterr()
    assert TOKEN not in out
    assert TOKEN not in err
    return status, out, err


@pytest.mark.parametrize(
    ("argv", "body"),
    [
        pytest.param(
            ["data", "--property", PROPERTY.upper(), "--facet", "price", "--facet", "media"],
            {"propertyIds": [PROPERTY], "issueKind": "data", "issueFacets": ["price", "media"]},
            id="data",
        ),
        pytest.param(
            ["clustering", "--property", PROPERTY, "--classified", CLASSIFIED, "--action", "split"],
            {
                "propertyIds": [PROPERTY],
                "issueKind": "clustering",
                "classifiedIds": [CLASSIFIED],
                "clusteringAction": "split",
            },
            id="clustering",
        ),
        pytest.param(
            ["other", "--property", PROPERTY, "--comment", "Scam listing."],
            {"propertyIds": [PROPERTY], "issueKind": "other", "comment": "Scam listing."},
            id="other",
        ),
    ],
)
def test_report_dry_run_prints_the_body_without_token_or_request(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    body: dict[str, Any],
) -> None:
    monkeypatch.delenv(TOKEN_ENV_VAR, raising=False)
    status, out, err = _run(capsys, *argv, "--dry-run", "--base-url", "http://127.0.0.1:9/x")
    assert status == 0
    assert json.loads(out) == body
    assert err == ""


def test_report_files_and_prints_the_report_id(
    capsys: pytest.CaptureFixture[str], token: str, server: tuple[str, ReferenceServer]
) -> None:
    base_url, app = server
    status, out, err = _run(
        capsys, "data", "--property", PROPERTY, "--facet", "price", "--base-url", base_url
    )
    assert status == 0
    assert err == ""
    assert app.store.get(out.strip()) is not None


def test_report_prints_one_line_per_field_on_422(
    capsys: pytest.CaptureFixture[str], token: str, server: tuple[str, ReferenceServer]
) -> None:
    base_url, _ = server
    status, out, err = _run(
        capsys, "other", "--property", PROPERTY, "--comment", "x", "--base-url", base_url
    )
    assert status == 1
    assert out == ""
    first, *fields = err.splitlines()
    assert "422 Unprocessable" in first
    assert len(fields) == 1
    assert "comment: Comments are not accepted by this server." in fields[0]


def test_report_with_a_wrong_token_exits_1_with_the_servers_message(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: tuple[str, ReferenceServer],
) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, "tok-WRONG-456")
    status, out, err = _run(
        capsys, "other", "--property", PROPERTY, "--comment", "x", "--base-url", server[0]
    )
    assert (status, out) == (1, "")
    assert "401 Unauthenticated: Unauthenticated." in err
    assert "tok-WRONG-456" not in err


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_report_without_token_refuses_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(TOKEN_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(TOKEN_ENV_VAR, value)
    status, out, err = _run(
        capsys,
        "other",
        "--property",
        PROPERTY,
        "--comment",
        "x",
        "--base-url",
        "http://127.0.0.1:9",
    )
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert TOKEN_ENV_VAR in err


def test_report_with_a_malformed_token_refuses_without_echoing_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, f"{TOKEN}\n")
    status, out, err = _run(
        capsys,
        "other",
        "--property",
        PROPERTY,
        "--comment",
        "x",
        "--base-url",
        "http://127.0.0.1:9",
    )
    assert (status, out) == (2, "")
    assert "whitespace" in err


@pytest.mark.parametrize(
    ("argv", "rule_id"),
    [
        pytest.param(["clustering", "--property", PROPERTY, "--action", "merge"],
                     "clustering-requires-two-targets", id="one-clustering-target"),
        pytest.param(["other", "--property", PROPERTY, "--comment", " "],
                     "other-requires-comment", id="blank-comment"),
        pytest.param(["data", "--property", "nope", "--facet", "price"],
                     "property-ids-uuid", id="bad-property-id"),
    ],
)  # fmt: skip
def test_report_refuses_rule_violations_locally(
    capsys: pytest.CaptureFixture[str], token: str, argv: list[str], rule_id: str
) -> None:
    status, out, err = _run(capsys, *argv, "--base-url", "http://127.0.0.1:9")
    assert (status, out) == (2, "")
    assert rule_id in err
    assert "nothing was sent" in err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["data", "--property", PROPERTY, "--facet", "Price"], id="facet-not-a-choice"),
        pytest.param(["data", "--property", PROPERTY], id="data-without-facet"),
        pytest.param(["clustering", "--property", PROPERTY], id="clustering-without-action"),
        pytest.param(["other", "--property", PROPERTY], id="other-without-comment"),
        pytest.param(["other", "--comment", "x"], id="no-property"),
        pytest.param(
            ["other", "--property", PROPERTY, "--comment", "x", "--token", "t"], id="token"
        ),
    ],
)
def test_report_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["report", *argv])
    assert raised.value.code == 2
    capsys.readouterr()


def test_report_choices_come_from_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "data", "--help"])
    out = capsys.readouterr().out
    for facet in CONTRACT.issue_facets:
        assert facet in out
