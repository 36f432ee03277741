"""`immoteur-contract proxy` as a process: its report goes through --baseline, --summary and
`compare`; kill -9 of the upstream under load, then SIGTERM of the proxy, loses no exchange."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from immoteur_contract.cli import main
from immoteur_contract.server import free_port
from immoteur_contract.verdicts import agreeing_verdicts

from ..runner.live import live_reference_server

TOKEN = "proxy-command-token-0123456789"
_FAULTY = "immoteur_contract.mutants.apps:data_without_facets_accepted"
_NO_FACETS = next(r for r in agreeing_verdicts() if r.rules == ("data-requires-issue-facets",))
_VALID = next(r for r in agreeing_verdicts() if r.valid)
_AUTH = {"authorization": f"Bearer {TOKEN}"}


class Proxy:
    """A proxy process and the base URL it serves."""

    def __init__(self, upstream: str, *options: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/public/v1"
        command = [sys.executable, "-m", "immoteur_contract.cli", "proxy", "--upstream", upstream]
        self.process = subprocess.Popen(
            [*command, "--listen", f"127.0.0.1:{port}", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("the proxy did not start") from None
                time.sleep(0.1)

    def finish(self, timeout: float = 30) -> tuple[int, str, str]:
        stdout, stderr = self.process.communicate(timeout=timeout)
        return self.process.returncode, stdout, stderr


@pytest.fixture(scope="module")
def faulty_upstream() -> Iterator[str]:
    with live_reference_server(TOKEN, app=_FAULTY) as url:
        yield url


def _send_no_facets(url: str) -> None:
    response = httpx.post(url + "/issues", json=_NO_FACETS.body, headers=_AUTH, timeout=10)
    assert response.status_code == 201  # the faulty server accepts it: a server violation


def test_command_report_goes_through_baseline_summary_and_compare(
    faulty_upstream: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    baseline, summary = tmp_path / "baseline.yml", tmp_path / "summary.md"
    # the root probe of Proxy() counts as one exchange: 1 probe + 1 report
    proxy = Proxy(faulty_upstream, "--max-exchanges", "2", "--report", str(first))
    _send_no_facets(proxy.url)
    status, stdout, _ = proxy.finish()
    assert status == 1
    assert "server violation [data-requires-issue-facets]" in stdout
    assert "caller violation [data-requires-issue-facets]" in stdout
    assert TOKEN not in stdout
    report = json.loads(first.read_text())
    assert report["verdict"] == "fails"
    assert {f["layer"] for f in report["failures"]} == {"caller", "server"}
    assert all(f["id"].startswith("data-requires-issue-facets#") for f in report["failures"])
    assert TOKEN not in first.read_text()

    update = Proxy(
        faulty_upstream, "--max-exchanges", "2", "--baseline", str(baseline), "--baseline-update"
    )
    _send_no_facets(update.url)
    assert update.finish()[0] == 0
    ids = {f["id"] for f in report["failures"]}
    assert all(i in baseline.read_text() for i in ids)

    known = Proxy(
        faulty_upstream,
        "--max-exchanges",
        "2",
        "--baseline",
        str(baseline),
        "--report",
        str(second),
        "--summary",
        str(summary),
    )
    _send_no_facets(known.url)
    status, stdout, _ = known.finish()
    assert status == 0, stdout
    assert "2 known" in stdout
    assert "2 known, accepted in the baseline" in summary.read_text()
    assert main(["compare", str(first), str(second)]) == 0


def _mock(port: int) -> subprocess.Popen[str]:
    """`immoteur-contract mock` on `port`, its token from the environment."""
    command = [sys.executable, "-m", "immoteur_contract.cli", "mock", "--port", str(port)]
    environment = {**os.environ, "IMMOTEUR_MOCK_TOKEN": TOKEN}
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the mock did not start") from None
            time.sleep(0.1)


def test_command_kill_of_upstream_then_sigterm_keeps_every_exchange(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    port = free_port()
    upstream = _mock(port)
    try:
        proxy = Proxy(f"http://127.0.0.1:{port}/public/v1", "--report", str(path))
        with httpx.Client(timeout=10) as client:
            sent = [
                client.post(proxy.url + "/issues", json=_VALID.body, headers=_AUTH)
                for _ in range(20)
            ]
            sent.append(client.post(proxy.url + "/issues", json=_NO_FACETS.body, headers=_AUTH))
            upstream.send_signal(signal.SIGKILL)
            upstream.wait(10)
            sent += [
                client.post(proxy.url + "/issues", json=_VALID.body, headers=_AUTH)
                for _ in range(3)
            ]
        assert [r.status_code for r in sent] == [201] * 20 + [422] + [502] * 3
        proxy.process.send_signal(signal.SIGTERM)
        status, stdout, stderr = proxy.finish()
    finally:
        upstream.kill()
        upstream.wait(10)
    assert status == 1, stderr  # the caller's report without facets
    report = json.loads(path.read_text())
    assert report["requests"] == 24
    assert report["proxy"]["upstream_errors"] == 3
    assert [(f["layer"], f["rule"]) for f in report["failures"]] == [
        ("caller", "data-requires-issue-facets")
    ], stdout


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--upstream", "ftp://example"], "must be an http:// or https:// URL"),
        (["--upstream", "http://user:secret@127.0.0.1:1"], "must not hold credentials"),
        (["--upstream", "http://127.0.0.1:1", "--listen", "nowhere"], "--listen must be HOST:PORT"),
        (["--upstream", "http://127.0.0.1:1", "--cacert", "/nonexistent.pem"], "--cacert"),
        (["--upstream", "http://127.0.0.1:1", "--baseline", "/nonexistent.yml"], "--baseline"),
    ],
)
def test_command_usage_error_is_one_line_and_exit_2(
    options: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["proxy", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("immoteur-contract proxy: error: ")
    assert said in err
    assert len(err.strip().splitlines()) == 1
    assert "secret" not in err


def test_command_port_taken_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(
            ["proxy", "--upstream", "http://127.0.0.1:1", "--listen", f"127.0.0.1:{port}"]
        )
    assert status == 2
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for task in tasks.iterdir() for c in (task / "children").read_text().split()]


def test_command_judge_gone_is_could_not_verify_not_a_divergence(
    faulty_upstream: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.json"
    proxy = Proxy(faulty_upstream, "--report", str(path))
    (judge,) = _children(proxy.process.pid)
    os.kill(judge, signal.SIGKILL)
    _send_no_facets(proxy.url)  # forwarded all the same: judging is not on the way
    proxy.process.send_signal(signal.SIGTERM)
    status, _, stderr = proxy.finish()
    assert status == 3
    assert "judging process" in stderr
    assert json.loads(path.read_text())["failures"] == []
