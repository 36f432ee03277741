"""Credentials in a base URL and tokens no header can carry: refused in one line (exit 2) before
anything is sent, by every command, and never echoed (plain or base64)."""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys

import pytest

from immoteur_contract import exits
from immoteur_contract.arguments import base_url, header_token
from immoteur_contract.urls import CREDENTIALS_REFUSED, api_base_url

from .live import closed_port

PASSWORD = "s3cr3t-PASS-91c2"
CREDENTIALS_URL = f"http://alice:{PASSWORD}@127.0.0.1:{closed_port()}/public/v1"
SECRETS = (PASSWORD, base64.b64encode(f"alice:{PASSWORD}".encode()).decode())


def _cli(*argv: str, token: str = "tok-cli-credentials") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, IMMOTEUR_TOKEN=token)
    return subprocess.run(
        [sys.executable, "-m", "immoteur_contract.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "url",
    [CREDENTIALS_URL, CREDENTIALS_URL + "?x=1", f"https://{PASSWORD}@api.example.test"],
    ids=["user-password", "with-query", "token-as-user"],
)
def test_credentials_url_is_refused_without_echo(url: str) -> None:
    with pytest.raises(ValueError, match="must not hold credentials") as raised:
        api_base_url(url)
    with pytest.raises(argparse.ArgumentTypeError) as typed:
        base_url(url)
    for message in (str(raised.value), str(typed.value)):
        assert PASSWORD not in message
    assert str(raised.value) == CREDENTIALS_REFUSED


@pytest.mark.parametrize(
    "argv",
    [
        ("run", "--base-url", CREDENTIALS_URL),
        ("report", "other", "--comment", "x", "--base-url", CREDENTIALS_URL),
    ],
    ids=["run", "report"],
)
def test_credentials_url_gives_one_line_exit_2_in_every_command(argv: tuple[str, ...]) -> None:
    done = _cli(*argv)
    assert done.returncode == exits.USAGE
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "must not hold credentials" in done.stderr
    for secret in SECRETS:
        assert secret not in done.stderr


@pytest.mark.parametrize(
    ("token", "said"),
    [("tøken-ünicode", "non-ASCII"), ("tok\r\nX-Injected: 1", "control"), ("tok en", "space")],
)
def test_token_no_header_can_carry_is_refused_without_echo(token: str, said: str) -> None:
    with pytest.raises(ValueError, match=said) as raised:
        header_token(token, "IMMOTEUR_TOKEN")
    assert token not in str(raised.value)
    assert "IMMOTEUR_TOKEN" in str(raised.value)


def test_token_non_ascii_stops_run_in_one_line_before_sending() -> None:
    done = _cli("run", "--base-url", f"http://127.0.0.1:{closed_port()}", token="tøken-9")
    assert done.returncode == exits.USAGE
    assert done.stderr.strip().splitlines() == [
        "immoteur-contract run: error: IMMOTEUR_TOKEN holds a non-ASCII character: a token must"
        " be printable ASCII to travel in the Authorization header"
    ]
