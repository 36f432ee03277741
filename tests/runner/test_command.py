"""`immoteur-contract run` end to end: exit codes, table, curl lines, report keys, secrecy.

Every run of the suite goes in one batch (batch.py: one warm process forking two runs at a
time), made once for the module; the tests read its outputs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.rules import RULES
from immoteur_contract.runner import command
from immoteur_contract.runner.budget import REASON_WRITES
from immoteur_contract.runner.report import LAYERS
from immoteur_contract.runner.safety import REMOTE_MAX_REQUESTS
from immoteur_contract.server import ReferenceServer, reference_app
from immoteur_contract.server.serving import serving

from .batch import run_batch
from .faulty_apps import DROPPED_RULES
from .live import closed_port, live_reference_server, own_remote_address

SEEDS = (1, 2, 3, 4, 5)
TOKEN = "tok-DISTINCTIVE-7f3e9a2c51"
REMOTE_ADDRESS = own_remote_address()
REPORT_KEYS = {
    "conforms",
    "complete",
    "verdict",
    "coverage",
    "target",
    "seed",
    "requests",
    "seconds",
    "first_failure_request",
    "rules",
    "failures",
}


@dataclass(frozen=True)
class Run:
    """One finished run: exit code, combined output, and the files it was asked to write."""

    code: int
    output: str
    files: dict[str, Path]

    def records(self) -> list[dict[str, Any]]:
        lines = self.files["record"].read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.files["report"].read_text(encoding="utf-8"))
        return loaded


REMOTE_APPS: list[ReferenceServer] = []
"""The reference server the "remote" run was sent to (what it stored is checked)."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    work = tmp_path_factory.mktemp("runs")
    jobs: dict[str, dict[str, Any]] = {}

    def add(name: str, argv: list[str], env: dict[str, str | None], *outputs: str) -> None:
        files = {kind: work / f"{name}.{kind}" for kind in outputs}
        extra = [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
        jobs[name] = {
            "argv": argv + extra,
            "env": env,
            "out": str(work / f"{name}.out"),
            "files": {k: str(v) for k, v in files.items()},
        }

    no_token: dict[str, str | None] = {"IMMOTEUR_TOKEN": None}
    for seed in SEEDS:
        add(f"seed-{seed}", ["--seed", str(seed), "--examples", "1"], no_token, "report")
    for name in DROPPED_RULES:
        argv = ["--app", f"faulty_apps:{name}", "--seed", "7", "--fail-fast", "-q"]
        add(name, argv, no_token, "report")
    nested = work / "missing" / "folders" / "report.json"
    jobs["nested-output"] = {
        "argv": ["--max-requests", "3", "--seed", "1", "--report", str(nested)],
        "env": no_token,
        "out": str(work / "nested-output.out"),
        "files": {"report": str(nested)},
    }
    remote_app = reference_app(TOKEN)
    REMOTE_APPS[:] = [remote_app]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(live_reference_server(TOKEN))
        if REMOTE_ADDRESS is not None:  # this machine's own address: the rules for remote hosts
            remote = stack.enter_context(serving(remote_app, host=REMOTE_ADDRESS))
            add(
                "remote",
                ["--base-url", remote, "--rate", "1000", "--seed", "1"],
                {"IMMOTEUR_TOKEN": TOKEN},
                "report",
                "record",
            )
        add(
            "unreachable",
            ["--base-url", f"http://127.0.0.1:{closed_port()}"],
            {"IMMOTEUR_TOKEN": TOKEN},
        )
        add("rejected", ["--base-url", url, "--seed", "1"], {"IMMOTEUR_TOKEN": "not-the-token"})
        add(
            "live",
            ["--base-url", url, "--seed", "1", "--examples", "1"],
            {"IMMOTEUR_TOKEN": TOKEN},
            "report",
            "record",
            "junit",
        )
        add(
            "live-faulty-rate",
            ["--base-url", url, "--max-requests", "5", "--seed", "1"],
            {"IMMOTEUR_TOKEN": TOKEN},
            "report",
        )
        codes = run_batch(list(jobs.values()), work / "jobs.json")
    return {
        name: Run(
            code,
            Path(job["out"]).read_text(encoding="utf-8"),
            {k: Path(v) for k, v in job["files"].items()},
        )
        for (name, job), code in zip(jobs.items(), codes, strict=True)
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_run_reference_conforms_under_each_seed(runs: dict[str, Run], seed: int) -> None:
    run = runs[f"seed-{seed}"]
    assert run.code == 0, run.output
    report = run.report()
    assert report["conforms"] is True
    assert report["seed"] == seed
    assert report["first_failure_request"] is None


@pytest.mark.parametrize("name", list(DROPPED_RULES))
def test_run_catches_the_faulty_server(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.code == 1, run.output
    report = run.report()
    assert report["conforms"] is False
    assert report["failures"][0]["rule"] == DROPPED_RULES[name]
    assert report["first_failure_request"] is not None
    # the leading phase (auth, acceptance, then one probe of every rule) comes first
    assert report["first_failure_request"] <= 50


def test_run_report_has_the_documented_keys(runs: dict[str, Run]) -> None:
    report = runs["seed-1"].report()
    assert set(report) >= REPORT_KEYS
    assert [row["rule"] for row in report["rules"]] == [*RULES.ids, *LAYERS]
    assert all(set(row) == {"rule", "requests", "verdict"} for row in report["rules"])
    assert report["requests"] == sum(row["requests"] for row in report["rules"]) + 1  # preflight
    failure = runs["accepts_data_with_merge"].report()["failures"][0]
    identity = {"id", "layer", "case", "expectation", "status", "generated"}
    assert set(failure) == {"test", "rule", "body", "curl", "message", *identity}


def test_run_prints_a_table_with_every_rule_and_the_total(runs: dict[str, Run]) -> None:
    output = runs["seed-1"].output
    for key in (*RULES.ids, *LAYERS):
        assert any(
            line.startswith(key + " ") and line.endswith("pass") for line in output.splitlines()
        )
    assert "conforms" in output.splitlines()[-1]


def test_run_failure_shows_body_and_curl_line(runs: dict[str, Run]) -> None:
    output = runs["accepts_data_without_facets"].output
    assert "FAILED" in output
    assert "body: {" in output
    curl = next(line for line in output.splitlines() if "reproduce: curl" in line)
    assert '"authorization: Bearer $IMMOTEUR_TOKEN"' in curl
    assert "--data-binary" in curl


@pytest.mark.parametrize(
    ("name", "words"),
    [
        pytest.param("unreachable", "cannot reach", id="closed-port"),
        pytest.param("rejected", "rejected the token", id="wrong-token"),
    ],
)
def test_run_connection_errors_exit_2_in_one_line(
    runs: dict[str, Run], name: str, words: str
) -> None:
    run = runs[name]
    assert run.code == 2
    lines = [line for line in run.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("immoteur-contract run: error:")]
    assert len(errors) == 1, run.output
    assert words in errors[0]
    assert "Traceback" not in run.output


def test_run_over_loopback_http_conforms(runs: dict[str, Run]) -> None:
    run = runs["live"]
    assert run.code == 0, run.output
    assert run.report()["target"].startswith("http://127.0.0.1:")


def test_run_stops_at_the_request_budget(runs: dict[str, Run]) -> None:
    run = runs["live-faulty-rate"]
    assert run.code == 0, run.output
    report = run.report()
    assert report["requests"] == 5
    assert report["complete"] is False
    assert report["conforms"] is False
    assert report["verdict"] == "partial"
    assert "not covered" in {row["verdict"] for row in report["rules"]}
    assert "no divergence found in a partial run" in run.output
    assert " conforms " not in run.output


def test_run_never_writes_the_token(runs: dict[str, Run]) -> None:
    for name in ("live", "live-faulty-rate", "unreachable"):
        run = runs[name]
        assert TOKEN not in run.output
        for path in run.files.values():
            assert path.exists()
            assert TOKEN not in path.read_text(encoding="utf-8"), path.name


def test_run_record_has_one_line_per_request(runs: dict[str, Run]) -> None:
    run = runs["live"]
    lines = run.files["record"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == run.report()["requests"]
    first = json.loads(lines[1])
    assert {"layer", "rule", "method", "url", "status", "body", "verdict"} <= set(first)


def test_run_progress_off_a_terminal_says_each_layer_and_quiet_silences_it(
    runs: dict[str, Run],
) -> None:
    output = runs["seed-1"].output
    for layer in ("leading probes", "rules (generated)", "schema (schemathesis)"):
        assert f"requests] {layer}" in output
    quiet = runs[next(iter(DROPPED_RULES))].output
    assert "requests]" not in quiet
    assert not any(line.startswith("target ") for line in quiet.splitlines())


def test_run_creates_the_report_folders_it_needs(runs: dict[str, Run]) -> None:
    run = runs["nested-output"]
    assert run.code == 0, run.output
    assert run.report()["requests"] == 3


needs_remote_address = pytest.mark.skipif(
    REMOTE_ADDRESS is None, reason="this machine has no non-loopback IPv4 address"
)


@needs_remote_address
def test_run_remote_with_the_default_budget_says_partial_and_what_it_left_out(
    runs: dict[str, Run],
) -> None:
    run = runs["remote"]
    assert run.code == 0, run.output
    report = run.report()
    assert (report["verdict"], report["complete"], report["conforms"]) == ("partial", False, False)
    assert report["requests"] == REMOTE_MAX_REQUESTS
    assert report["coverage"]["max_requests"] == REMOTE_MAX_REQUESTS
    assert report["coverage"]["wanted"] > REMOTE_MAX_REQUESTS
    assert {"key": "acceptance", "reason": REASON_WRITES} in report["coverage"]["not_covered"]
    total = next(line for line in run.output.splitlines() if line.startswith("total"))
    assert "no divergence found in a partial run" in total
    assert "conforms" not in run.output
    assert f"not covered ({REASON_WRITES}): acceptance" in run.output


@needs_remote_address
def test_run_remote_budget_reaches_every_rule_and_every_part_it_may_send(
    runs: dict[str, Run],
) -> None:
    report = runs["remote"].report()
    rows = {row["rule"]: row for row in report["rules"]}
    assert all(rows[rule_id]["requests"] >= 1 for rule_id in RULES.ids)
    parts = {part["part"]: part for part in report["coverage"]["parts"]}
    for part in ("rules (deterministic)", "rules (generated)", "schema (schemathesis)"):
        assert parts[part]["requests"] >= 20, parts[part]
    assert parts["auth-protocol (deterministic)"]["status"] == "complete"
    assert parts["acceptance (generated)"]["requests"] == 0


@needs_remote_address
def test_run_remote_without_writes_sends_nothing_the_target_accepts(
    runs: dict[str, Run],
) -> None:
    records = runs["remote"].records()
    assert len(records) == REMOTE_MAX_REQUESTS
    assert all(record["status"] != 201 for record in records)
    assert REMOTE_APPS[0].store.list() == []


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


def test_run_without_token_for_base_url_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("IMMOTEUR_TOKEN", raising=False)
    assert command.run(_parse(["--base-url", "http://127.0.0.1:9"])) == 2
    assert "IMMOTEUR_TOKEN is not set" in capsys.readouterr().err


def test_run_pytest_args_never_hold_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMOTEUR_TOKEN", TOKEN)
    argv = command.pytest_args(_parse(["--base-url", "http://127.0.0.1:9", "--junit", "j.xml"]))
    assert TOKEN not in " ".join(argv)
    assert "--junitxml=j.xml" in argv
