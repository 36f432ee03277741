"""`immoteur-contract run` against the hostile targets (mutants/hostile.py), over real sockets.

Each run has small limits (a 1 s request deadline, a few requests) so that it ends quickly; the
tests check how it ended (the message, the exit code, the verdict in every output), never how
long it took. One batch (batch.py) runs them all while the targets are served.
"""

from __future__ import annotations

import base64
import contextlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from immoteur_contract import exits
from immoteur_contract.mutants.hostile import hostile_server

from .batch import run_batch

TOKEN = "tok-HOSTILE-5d1c0e7a"
FAST = ["--request-timeout", "1", "--seed", "1", "-q"]
OUTPUTS = ("report", "record", "summary", "junit")


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    files: dict[str, Path]

    def report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.files["report"].read_text(encoding="utf-8"))
        return loaded

    def written(self) -> str:
        """Everything the run printed and wrote."""
        texts = [self.output]
        texts += [p.read_text(encoding="utf-8") for p in self.files.values() if p.exists()]
        return "\n".join(texts)


JOBS: dict[str, tuple[str, list[str]]] = {
    "endless-body": ("endless-body", []),
    "huge-headers": ("huge-headers", []),
    "drip": ("drip", []),
    "stall": ("stall", ["--max-time", "60", "--request-timeout", "0.5"]),
    "only-429": ("only-429", ["--max-requests", "6"]),
    "flaky": ("flaky", ["--max-requests", "120", "--baseline-update"]),
    "large": ("large", ["--max-requests", "40", "--max-body", "2000000"]),
    "large-over-limit": ("large", ["--max-requests", "40", "--max-body", "100000"]),
}
"""Run name -> (hostile target, extra options)."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    work = tmp_path_factory.mktemp("hostile")
    jobs: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        targets = {
            name: stack.enter_context(hostile_server(name, TOKEN))
            for name in {target for target, _ in JOBS.values()}
        }
        for run, (target, extra) in JOBS.items():
            files = {kind: work / f"{run}.{kind}" for kind in OUTPUTS}
            argv = ["--base-url", targets[target].url, *FAST, *extra]
            argv += [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
            if "--baseline-update" in extra:
                files["baseline"] = work / f"{run}.baseline.yml"
                argv += ["--baseline", str(files["baseline"])]
            jobs[run] = {
                "argv": argv,
                "env": {"IMMOTEUR_TOKEN": TOKEN},
                "out": str(work / f"{run}.out"),
                "files": {k: str(v) for k, v in files.items()},
            }
        codes = run_batch(list(jobs.values()), work / "jobs.json")
    return {
        name: Run(
            code,
            Path(job["out"]).read_text(encoding="utf-8"),
            {k: Path(v) for k, v in job["files"].items()},
        )
        for (name, job), code in zip(jobs.items(), codes, strict=True)
    }


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("endless-body", "too large, not judged (an answer body over 1,048,576 bytes)"),
        ("huge-headers", "headers too large, not judged"),
        ("drip", "timeout"),
    ],
)
def test_hostile_preflight_target_ends_the_run_in_one_line_exit_2(
    runs: dict[str, Run], name: str, said: str
) -> None:
    run = runs[name]
    assert run.code == exits.USAGE
    lines = run.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("immoteur-contract run: error: ")
    assert "did not answer the preflight's request" in lines[0]
    assert said in lines[0]


def test_hostile_stalled_target_stops_the_run_unverified(runs: dict[str, Run]) -> None:
    run = runs["stall"]
    assert run.code == exits.UNVERIFIED
    report = run.report()
    assert report["verdict"] == "unverified"
    assert report["failures"] == []
    assert "the target stopped answering" in report["transport_faults"]["halted"]
    assert "could not verify" in run.output


def test_hostile_only_429_is_rate_limited_never_partial_or_conforming(runs: dict[str, Run]) -> None:
    run = runs["only-429"]
    assert run.code == exits.UNVERIFIED
    report = run.report()
    assert report["verdict"] == "unverified"
    assert "rate limited" in report["transport_faults"]["halted"]
    assert "Retry-After" in run.output
    assert "no divergence found" not in run.output


def test_hostile_flaky_target_never_fails_and_lists_its_faults(runs: dict[str, Run]) -> None:
    run = runs["flaky"]
    assert run.code == exits.UNVERIFIED
    report = run.report()
    assert report["failures"] == []
    faults = report["transport_faults"]
    assert faults["requests"] > 0
    assert set(faults["kinds"]) <= {"reset", "cut answer"}
    assert faults["unjudged"]
    assert all(fault["curl"].startswith("curl ") for fault in faults["persistent"])
    records = [json.loads(line) for line in run.files["record"].read_text().splitlines()]
    assert len(records) == report["requests"]
    assert sum(1 for r in records if r["fault"]) == faults["requests"]
    assert "transport faults:" in run.output


def test_hostile_faults_never_enter_the_baseline(runs: dict[str, Run]) -> None:
    baseline = yaml.safe_load(runs["flaky"].files["baseline"].read_text(encoding="utf-8"))
    assert baseline["entries"] == []


def test_hostile_large_answers_within_the_limit_are_judged(runs: dict[str, Run]) -> None:
    run = runs["large"]
    assert run.code == exits.OK
    assert run.report()["transport_faults"]["requests"] == 0


def test_hostile_large_answers_over_the_limit_are_faults_not_divergences(
    runs: dict[str, Run],
) -> None:
    run = runs["large-over-limit"]  # the preflight's answer is already over the limit
    assert run.report()["failures"] == []
    assert run.code == exits.USAGE
    assert "too large, not judged (an answer body over 100,000 bytes)" in run.output


@pytest.mark.parametrize("name", sorted(JOBS))
def test_hostile_outputs_agree_on_the_verdict(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    if not run.files["report"].exists():
        assert run.code == exits.USAGE  # stopped before the suite: one line, nothing written
        return
    key = run.report()["verdict"]
    text = run.report()["verdict_text"]
    suite = ET.parse(run.files["junit"]).getroot().find("testsuite")
    assert suite is not None
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["verdict"] == key
    summary = run.files["summary"].read_text(encoding="utf-8")
    assert summary.startswith(f"## Immoteur contract: {text}")


@pytest.mark.parametrize("name", sorted(JOBS))
def test_hostile_outputs_never_hold_the_token(runs: dict[str, Run], name: str) -> None:
    written = runs[name].written()
    assert TOKEN not in written
    assert base64.b64encode(TOKEN.encode()).decode() not in written
