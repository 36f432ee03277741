"""Tests of what `immoteur-contract report` prints and returns when it cannot file: one line on
stderr with the command's prefix, the exit code of `exits.EXIT_CODES["report"]`, the URL tried
and a hint where one helps, and never the token. Targets are real loopback sockets."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from immoteur_contract.cli import main
from immoteur_contract.client import TOKEN_ENV_VAR, IssueReports
from immoteur_contract.exits import FAILED, INTERRUPTED, OK, USAGE
from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import ReferenceServer, ServerSettings, create_app
from immoteur_contract.urls import api_base_url

from .hostile import HostileTarget, answer, drip, endless_body, hostile
from .support import PROPERTY, REPORT_ID, TOKEN, serving

PREFIX = "immoteur-contract report: error: "
_BODY = json.dumps({"reportId": REPORT_ID, "createdAt": "2025-01-02T03:04:05Z"}).encode()
CREATED = (
    b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n"
    + f"Content-Length: {len(_BODY)}\r\n\r\n".encode()
    + _BODY
)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, ReferenceServer]]:
    app = create_app(ServerSettings(token=TOKEN))
    with serving(app) as base_url:
        yield base_url, app


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV_VAR, TOKEN)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return TOKEN


def _report(capsys: pytest.CaptureFixture[str], base_url: str, *options: str) -> tuple[int, str]:
    """Run `report data` against `base_url`; return the status and the one stderr line."""
    argv = ["report", "data", "--property", PROPERTY, "--facet", "price", "--base-url", base_url]
    status = main([*argv, *options])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    if status == OK:
        return status, out.strip()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX)
    return status, lines[0].removeprefix(PREFIX)


def test_base_url_ending_in_issues_names_the_url_and_says_to_drop_it(
    capsys: pytest.CaptureFixture[str], server: tuple[str, ReferenceServer]
) -> None:
    base_url = f"{server[0]}{CONTRACT.issues_path}"
    status, line = _report(capsys, base_url)
    assert status == USAGE
    assert f"no endpoint at POST {base_url}{CONTRACT.issues_path}" in line
    assert f"the base URL ends in {CONTRACT.issues_path}: drop it" in line


def test_wrong_path_names_the_url_and_the_expected_shape(
    capsys: pytest.CaptureFixture[str], server: tuple[str, ReferenceServer]
) -> None:
    root = server[0].removesuffix(CONTRACT.base_path)
    status, line = _report(capsys, f"{root}/api")
    assert status == USAGE
    assert line.startswith(f"404 Not Found: no endpoint at POST {root}/api{CONTRACT.issues_path}")
    assert f"is {root}/api the API base URL?" in line


def test_wrong_token_names_where_it_came_from(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: tuple[str, ReferenceServer],
) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, "tok-WRONG-456")
    status, line = _report(capsys, server[0])
    assert status == FAILED
    assert line.startswith("401 Unauthenticated")
    assert f"check {TOKEN_ENV_VAR}" in line
    assert "tok-WRONG-456" not in line


def test_unreachable_server_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with hostile(answer(b"")) as target:
        base_url = target.base_url
    status, line = _report(capsys, base_url, "--max-retries", "0")  # nothing listens any more
    assert status == USAGE
    assert f"POST {base_url}{CONTRACT.issues_path}: connection failed" in line


def test_drip_target_ends_at_timeout_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with hostile(drip(0.2)) as target:
        status, line = _report(capsys, target.base_url, "--timeout", "1")
    assert status == USAGE
    assert "no complete answer within the total deadline of 1 s" in line


def test_endless_body_ends_at_the_size_limit_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile(endless_body()) as target:
        status, line = _report(capsys, target.base_url, "--max-response-bytes", "1000")
    assert status == USAGE
    assert "the 201 answer is larger than 1000 bytes, the limit" in line


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", USAGE, id="500"),
        pytest.param(
            b"HTTP/1.1 429 Slow\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n",
            FAILED,
            id="429-hour",
        ),
    ],
)
def test_server_failures_and_refusals_have_their_exit_codes(
    capsys: pytest.CaptureFixture[str], raw: bytes, status: int
) -> None:
    with hostile(answer(raw)) as target:
        got, line = _report(capsys, target.base_url, "--max-retries", "0")
    assert got == status
    if b"3600" in raw:
        assert "more than the 60 s this client waits: not retried" in line


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("tok-ünicode", "non-ASCII", id="non-ascii"),
        pytest.param("tok\x07bell", "control characters", id="control"),
        pytest.param("tok\u200bzero-width", "non-ASCII", id="zero-width"),
    ],
)
def test_token_that_cannot_go_in_a_header_is_refused_before_any_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, value)
    with hostile(answer(CREATED)) as target:
        status, line = _report(capsys, target.base_url)
    assert status == USAGE
    assert target.requests == 0
    assert line.startswith(f"{TOKEN_ENV_VAR}: the token cannot be sent in an HTTP header")
    assert problem in line
    assert value not in line


def test_missing_cacert_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, line = _report(capsys, "https://127.0.0.1:9", "--cacert", str(tmp_path / "nope.pem"))
    assert status == USAGE
    assert line.startswith(f"--cacert: cannot load {tmp_path / 'nope.pem'}")


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_target(authority: trustme.CA) -> Iterator[HostileTarget]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with hostile(answer(CREATED), tls=context) as target:
        yield target


def test_internal_ca_is_refused_without_cacert_with_a_hint(
    capsys: pytest.CaptureFixture[str], tls_target: HostileTarget
) -> None:
    status, line = _report(capsys, tls_target.base_url, "--max-retries", "0")
    assert status == USAGE
    assert "CERTIFICATE_VERIFY_FAILED" in line
    assert "--cacert PATH" in line


def test_cacert_trusts_an_internal_ca(
    capsys: pytest.CaptureFixture[str],
    tls_target: HostileTarget,
    authority: trustme.CA,
    tmp_path: Path,
) -> None:
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    status, out = _report(capsys, tls_target.base_url, "--cacert", str(ca_file))
    assert (status, out) == (OK, REPORT_ID)


def test_ssl_cert_file_trusts_an_internal_ca(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tls_target: HostileTarget,
    authority: trustme.CA,
    tmp_path: Path,
) -> None:
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    status, out = _report(capsys, tls_target.base_url)
    assert (status, out) == (OK, REPORT_ID)


def test_base_url_with_credentials_is_one_line_that_never_shows_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "http://alice:pa55word@127.0.0.1:9/public/v1"
    try:
        api_base_url(url)
    except ValueError:
        pass
    else:
        pytest.skip("urls.api_base_url accepts credentials (its refusal is another change)")
    status = main(["report", "data", "--property", PROPERTY, "--facet", "price", "--base-url", url])
    out, err = capsys.readouterr()
    assert status == USAGE
    assert len(err.splitlines()) == 1
    assert "pa55word" not in out + err
    assert "YWxpY2U6cGE1NXdvcmQ" not in out + err  # base64 of alice:pa55word


def test_ctrl_c_while_filing_is_one_line_and_exit_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: IssueReports, report: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(IssueReports, "create", interrupted)
    status, line = _report(capsys, "http://127.0.0.1:9")
    assert status == INTERRUPTED
    assert line.startswith("interrupted")
