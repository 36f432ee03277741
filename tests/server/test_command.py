"""`immoteur-contract mock` as a user runs it: a subprocess on a free loopback port."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest

from immoteur_contract.cli import main
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server.serving import is_loopback_host

from .conftest import valid_body
from .live import free_port, mock_process

ENV_TOKEN = "env-token-that-must-not-leak-4f1e9"
LOG_LINE = re.compile(r"\b(GET|POST|DELETE|PUT) (\S+) (\d{3}) \d+\.\d\dms$", re.MULTILINE)


def test_mock_command_logs_one_line_per_request_and_never_the_token() -> None:
    with mock_process([], {"IMMOTEUR_MOCK_TOKEN": ENV_TOKEN}) as mock:
        mock.wait_ready()  # one GET /_mock/reports answered
        url = mock.base_url + CONTRACT.endpoint_path
        auth = {"Authorization": f"Bearer {ENV_TOKEN}"}
        assert httpx.post(url, json=valid_body(), headers=auth).status_code == 201
        assert httpx.post(url, json={"issueKind": "data"}, headers=auth).status_code == 422
        assert httpx.post(url, json=valid_body()).status_code == 401
        assert httpx.get(url).status_code == 405
        stdout, stderr = mock.stop()
    assert mock.process.returncode == 0
    requests = [match.group(1, 2, 3) for match in LOG_LINE.finditer(stderr)]
    assert requests == [
        ("GET", "/_mock/reports", "200"),
        ("POST", CONTRACT.endpoint_path, "201"),
        ("POST", CONTRACT.endpoint_path, "422"),
        ("POST", CONTRACT.endpoint_path, "401"),
        ("GET", CONTRACT.endpoint_path, "405"),
    ]
    output = stdout + stderr
    assert ENV_TOKEN not in output
    assert "authorization" not in output.lower()
    assert "Generated token" not in output


def test_mock_command_generates_and_prints_a_token_once() -> None:
    with mock_process([], {}) as mock:
        line = mock.readline()
        token = line.rsplit(": ", 1)[1].strip()
        assert len(token) >= 32
        mock.wait_ready()
        url = mock.base_url + CONTRACT.endpoint_path
        response = httpx.post(url, json=valid_body(), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201
        stdout, stderr = mock.stop()
    assert stdout.count(token) == 1
    assert token not in stderr


def test_mock_command_keeps_reports_in_a_sqlite_store_across_restarts(tmp_path: Path) -> None:
    store = str(tmp_path / "reports.sqlite3")
    env = {"IMMOTEUR_MOCK_TOKEN": ENV_TOKEN}
    auth = {"Authorization": f"Bearer {ENV_TOKEN}"}
    with mock_process(["--store", store], env) as mock:
        mock.wait_ready()
        created = httpx.post(
            mock.base_url + CONTRACT.endpoint_path, json=valid_body(), headers=auth
        )
        assert created.status_code == 201
        mock.stop()
    with mock_process(["--store", store, "--fail-rate", "1", "--seed", "3"], env) as mock:
        mock.wait_ready()
        listing = httpx.get(mock.base_url + "/_mock/reports").json()
        failed = httpx.post(mock.base_url + CONTRACT.endpoint_path, json=valid_body(), headers=auth)
        mock.stop()
    assert [r["reportId"] for r in listing["reports"]] == [created.json()["reportId"]]
    assert failed.status_code == 503


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_mock_command_refuses_a_public_host_without_public(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mock", "--host", host, "--port", "1"]) == 2
    assert "--public" in capsys.readouterr().err


def test_mock_command_refuses_meaningless_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:  # refused while the options are parsed
        main(["mock", "--port", "1", "--token", "x", "--fail-rate", "2"])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert "--fail-rate: must be between 0 and 1" in captured.err
    assert "fail_rate" not in captured.err
    assert "Generated token" not in captured.out
    assert main(["mock", "--port", "1", "--token", "x", "--latency-range", "2", "1"]) == 2
    captured = capsys.readouterr()
    assert "--latency-range must be (min, max)" in captured.err
    assert "Generated token" not in captured.out


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
    ],
)
def test_is_loopback_tells_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_mock_command_help_recommends_the_environment_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["mock", "--help"])
    assert "IMMOTEUR_MOCK_TOKEN" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        pytest.param("my token", "whitespace", id="inner-space"),
        pytest.param(" leading-space", "whitespace", id="leading-space"),
        pytest.param("trailing\t", "whitespace", id="trailing-tab"),
        pytest.param("no\u00a0break", "whitespace", id="no-break-space"),
        pytest.param("bell\x07", "control character", id="control-character"),
        pytest.param("", "empty", id="empty"),
    ],
)
@pytest.mark.parametrize("source", ["--token", "IMMOTEUR_MOCK_TOKEN"])
def test_mock_command_refuses_a_token_that_can_never_authenticate(
    token: str,
    reason: str,
    source: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IMMOTEUR_MOCK_TOKEN", raising=False)
    args = ["mock", "--port", str(free_port())]
    if source == "--token":
        args += ["--token", token]
    else:
        monkeypatch.setenv("IMMOTEUR_MOCK_TOKEN", token)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert reason in captured.err
    assert source in captured.err
    if token.strip():
        assert token.strip() not in captured.err


def test_mock_command_reports_a_busy_port_in_one_line_before_printing_a_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IMMOTEUR_MOCK_TOKEN", raising=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["mock", "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    prefix = "immoteur-contract mock: error:"
    assert captured.err == f"{prefix} cannot listen on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        pytest.param(["--workers", "2"], "--store", id="workers-without-store"),
        pytest.param(["--workers", "0"], "--workers", id="no-worker"),
        pytest.param(["--header-timeout", "0"], "--header-timeout: ", id="zero-timeout"),
        pytest.param(
            ["--max-url-bytes", "99999"], "--max-url-bytes cannot", id="url-above-header-limit"
        ),
        pytest.param(["--fail-rate", "2"], "--fail-rate: must be", id="bad-fault-option"),
    ],
)
def test_mock_command_refuses_meaningless_connection_options(
    options: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["mock", "--port", str(free_port()), "--token", "t", *options])
    except SystemExit as stop:  # refused while the options are parsed
        code = int(stop.code or 0)
    assert code == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err.count("\n")) == ("", 1)
    assert complaint in captured.err


def test_mock_command_caps_the_store_and_honours_prefer_when_allowed() -> None:
    auth = {"Authorization": f"Bearer {ENV_TOKEN}"}
    with mock_process(
        ["--store-cap", "2", "--allow-prefer"], {"IMMOTEUR_MOCK_TOKEN": ENV_TOKEN}
    ) as mock:
        mock.wait_ready()
        url = mock.base_url + CONTRACT.endpoint_path
        statuses = [httpx.post(url, json=valid_body(), headers=auth).status_code for _ in range(3)]
        preferred = httpx.post(url, json=valid_body(), headers=auth | {"Prefer": "code=422"})
        summary = httpx.get(mock.base_url + "/_mock/").json()
        mock.stop()
    assert statuses == [201, 201, 201]
    assert preferred.status_code == 422
    assert summary == {"store": "MemoryStore", "count": 2, "dropped": 1, "cap": 2}


def test_mock_command_refuses_a_negative_store_cap(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:  # refused while parsing, before anything else
        main(["mock", "--port", "1", "--token", "x", "--store-cap", "-1"])
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "immoteur-contract mock: error: --store-cap: must be >= 0, got -1 (see --help)"
    )
    assert "Generated token" not in captured.out
