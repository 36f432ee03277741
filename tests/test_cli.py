"""A user's mistake, in any command of the kit, is one line on stderr and exit 2, before anything
is sent: never a traceback, never a request.

`run` is pointed at a loopback listener that counts connections; it must see none. `report`
too. `mutants` sends nothing over a network, so for it "before anything" means before any run;
for `mock`, before it serves.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from immoteur_contract import cli
from immoteur_contract.mutants import command as mutants_command

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


class Listener:
    """A loopback socket that accepts and counts connections (and answers nothing)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self._sock.accept()
                self.connections += 1
                conn.close()

    def close(self) -> None:
        self._sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    return tmp_path


# (argv after the command, words the one line must hold); {url} is the listener, {dir} a
# temporary folder holding `a-file`.
RUN_MISTAKES = [
    pytest.param(["--max-requests", "0"], "--max-requests: must be >= 1, got 0", id="budget-0"),
    pytest.param(["--max-requests", "ten"], "--max-requests: must be an integer", id="budget-word"),
    pytest.param(["--rate", "-1"], "--rate: must be a finite number > 0", id="rate-negative"),
    pytest.param(["--rate", "0"], "--rate: must be a finite number > 0", id="rate-0"),
    pytest.param(["--rate", "nan"], "--rate: must be a finite number > 0", id="rate-nan"),
    pytest.param(["--rate", "inf"], "--rate: must be a finite number > 0", id="rate-inf"),
    pytest.param(["--examples", "0"], "--examples: must be >= 1, got 0", id="examples-0"),
    pytest.param(["--seed", "-1"], "--seed: must be >= 0, got -1", id="seed-negative"),
    pytest.param(["--report", "{dir}"], "--report: ", id="report-is-a-directory"),
    pytest.param(["--record", "{dir}"], "--record: ", id="record-is-a-directory"),
    pytest.param(["--junit", "{dir}"], "--junit: ", id="junit-is-a-directory"),
    pytest.param(["--summary", "{dir}"], "--summary: ", id="summary-is-a-directory"),
    pytest.param(["--report", ""], "--report: needs a file path", id="report-empty"),
    pytest.param(
        ["--report", "{dir}/a-file/report.json"], "--report {dir}/a-file", id="report-under-a-file"
    ),
    pytest.param(["--app", "no_such_module:app"], "--app no_such_module:app", id="app-missing"),
    pytest.param(["--app", "immoteur_contract.server"], "--app must be MODULE:ATTR", id="app-form"),
    pytest.param(
        ["--app", "immoteur_contract:nope"], "--app immoteur_contract:nope", id="app-attr"
    ),
    pytest.param(["--app", "immoteur_contract:__all__"], "is not callable", id="app-not-callable"),
    pytest.param(["--frobnicate"], "unrecognized option --frobnicate", id="unknown-flag"),
]


def _expand(argv: list[str], url: str, folder: Path) -> list[str]:
    return [arg.format(url=url, dir=folder) for arg in argv]


def _one_error_line(
    capfd: pytest.CaptureFixture[str], argv: list[str], prefix: str
) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse
        code = int(stop.code or 0)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix), lines[0]
    return code, lines[0]


@pytest.mark.parametrize(("mistake", "words"), RUN_MISTAKES)
def test_run_mistake_is_one_line_exit_2_before_any_request(
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    listener: Listener,
    folder: Path,
    mistake: list[str],
    words: str,
) -> None:
    monkeypatch.setenv("IMMOTEUR_TOKEN", "tok-cli-test")
    url = f"http://127.0.0.1:{listener.port}"
    argv = ["run", *_expand(mistake, url, folder)]
    if not any(arg.startswith("--app") for arg in argv):
        argv += ["--base-url", url]
    code, line = _one_error_line(capfd, argv, "immoteur-contract")
    assert code == 2
    assert words.format(dir=folder) in line
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        pytest.param("no-token", "IMMOTEUR_TOKEN is not set", id="no-token"),
        pytest.param("app-and-url", "--base-url and --app are exclusive", id="two-targets"),
        pytest.param("bad-url", "--base-url: must be an http(s) URL", id="url-scheme"),
        pytest.param("bad-port", "--base-url: must be an http(s) URL", id="url-port"),
    ],
)
def test_run_target_mistake_is_one_line_exit_2_before_any_request(
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    listener: Listener,
    setup: str,
    words: str,
) -> None:
    url = f"http://127.0.0.1:{listener.port}"
    monkeypatch.setenv("IMMOTEUR_TOKEN", "tok-cli-test")
    argv = ["run", "--base-url", url]
    if setup == "no-token":
        monkeypatch.delenv("IMMOTEUR_TOKEN")
    elif setup == "app-and-url":
        argv += ["--app", "immoteur_contract.server:reference_app"]
    elif setup == "bad-url":
        argv = ["run", "--base-url", f"ftp://127.0.0.1:{listener.port}"]
    else:
        argv = ["run", "--base-url", "http://127.0.0.1:99999"]
    code, line = _one_error_line(capfd, argv, "immoteur-contract")
    assert code == 2
    assert words in line
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        pytest.param(["--timeout", "-1"], "--timeout: must be a finite number > 0", id="timeout"),
        pytest.param(["--timeout", "nan"], "--timeout: must be a finite number > 0", id="nan"),
        pytest.param(["--max-retries", "-1"], "--max-retries: must be >= 0", id="retries"),
        pytest.param(["--facet", "colour"], "--facet: invalid choice (choose from", id="facet"),
        pytest.param(["--base-url", "foo"], "--base-url: must be an http(s) URL", id="url"),
    ],
)
def test_report_mistake_is_one_line_exit_2_before_any_request(
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    listener: Listener,
    mistake: list[str],
    words: str,
) -> None:
    monkeypatch.setenv("IMMOTEUR_TOKEN", "tok-cli-test")
    base = f"http://127.0.0.1:{listener.port}/public/v1"
    argv = ["report", "data", "--property", UUID, "--facet", "price", "--base-url", base]
    code, line = _one_error_line(capfd, argv + mistake, "immoteur-contract report")
    assert code == 2
    assert words in line
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        pytest.param(["--jobs", "0"], "--jobs: must be >= 1, got 0", id="jobs"),
        pytest.param(["--timeout", "0"], "--timeout: must be a finite number > 0", id="timeout"),
        pytest.param(["--reference-seeds", "-1"], "--reference-seeds: must be >= 0", id="seeds"),
        pytest.param(["--seed", "-1"], "--seed: must be >= 0, got -1", id="seed"),
        pytest.param(["--report", "{dir}"], "--report: ", id="report-is-a-directory"),
        pytest.param(["--only", "no_such_server"], "--only: unknown faulty", id="unknown-name"),
    ],
)
def test_mutants_mistake_is_one_line_exit_2_before_any_run(
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    mistake: list[str],
    words: str,
) -> None:
    def no_run(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("a run started")

    monkeypatch.setattr(mutants_command, "run_targets", no_run)
    argv = ["mutants", *_expand(mistake, "", folder)]
    code, line = _one_error_line(capfd, argv, "immoteur-contract mutants")
    assert code == 2
    assert words.format(dir=folder) in line


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        pytest.param(["--port", "99999"], "--port: must be a port in 0-65535", id="port"),
        pytest.param(["--store", "{dir}"], "--store: ", id="store-is-a-directory"),
        pytest.param(["--store", "{dir}/a-file/s.db"], "a-file is a file", id="store-under-file"),
        pytest.param(["--fail-rate", "2"], "--fail-rate: must be between 0 and 1", id="fail-rate"),
        pytest.param(["--host", "0.0.0.0"], "refusing to bind --host 0.0.0.0", id="public-host"),
    ],
)
def test_mock_mistake_is_one_line_exit_2_before_serving(
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    mistake: list[str],
    words: str,
) -> None:
    import uvicorn

    def no_serving(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr(uvicorn.Server, "run", no_serving)
    argv = ["mock", "--token", "tok-cli-test", *_expand(mistake, "", folder)]
    code, line = _one_error_line(capfd, argv, "immoteur-contract mock")
    assert code == 2
    assert words in line


def test_run_creates_missing_output_folders_before_sending(tmp_path: Path) -> None:
    from immoteur_contract.arguments import prepare_outputs

    report = tmp_path / "a" / "b" / "report.json"
    prepare_outputs([("--report", report), ("--record", None)])
    assert report.parent.is_dir()
    assert not report.exists()  # checked and ready, not written


def test_cli_reader_closing_the_pipe_ends_quietly() -> None:
    """`immoteur-contract mutants --list | head -1`: the reader is gone (here before the first
    line, so that the outcome does not depend on timing); no traceback, exit 141."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "immoteur_contract.cli", "mutants", "--list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == cli.BROKEN_PIPE_STATUS
    assert done.stderr == ""
