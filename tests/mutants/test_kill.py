"""The contract suite's self-test: it kills every faulty server, and passes the reference server
and every correct server (zero false positives).

One `immoteur-contract mutants` process runs the suite (fail-fast) against the whole faulty
catalog, and against the reference server and every correct server under five seeds each, as
many runs at a time as there are cores. A surviving faulty server is a rule of the contract the
suite does not check; a failing correct server is a false positive; the failure message names it
and its divergence or difference, and so does a faulty server caught only after its first
KILLED_WITHIN requests, or a median past KILLED_MEDIAN (the leading phase is there to show every
one of them early). The cost
is recorded as the `mutants_wall_seconds` property (shown in junit XML), never asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from immoteur_contract.mutants import CORRECT_SERVERS, FAULTY_SERVERS

# the whole mutants run: longer than pytest-timeout's default (pyproject.toml)
pytestmark = pytest.mark.timeout(1800)

REFERENCE_SEEDS = 5
SEED = 0
KILLED_WITHIN = 100
"""Every faulty server shows within this many requests (the leading phase's promise)."""
KILLED_MEDIAN = 15
"""Half the faulty servers show within this many requests (the leading phase's first rounds)."""


def test_mutants_suite_kills_every_faulty_server_and_passes_every_correct_one(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    report = tmp_path / "mutants.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "immoteur_contract.cli",
            "mutants",
            "--seed",
            str(SEED),
            "--reference-seeds",
            str(REFERENCE_SEEDS),
            "--jobs",
            str(os.cpu_count() or 1),
            "--report",
            str(report),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert report.exists(), completed.stderr[-4000:]
    table = json.loads(report.read_text(encoding="utf-8"))
    record_property("mutants_wall_seconds", table["seconds"])

    reference = table["reference"]
    assert [run["seed"] for run in reference] == list(range(SEED, SEED + REFERENCE_SEEDS))
    failed = [run for run in reference if run["verdict"] != "passed"]
    assert not failed, f"the reference server did not pass: {failed}\n{completed.stderr[-4000:]}"

    correct = table["correct_servers"]
    assert sorted((run["name"], run["seed"]) for run in correct) == sorted(
        (name, seed) for name in CORRECT_SERVERS for seed in range(SEED, SEED + REFERENCE_SEEDS)
    )
    false_positives = [
        f"{run['name']} seed {run['seed']} ({run['verdict']}, first rule "
        f"{run['first_failure_rule']}): {run['difference']}"
        for run in correct
        if run["verdict"] != "passed"
    ]
    assert not false_positives, "correct servers the suite fails:\n" + "\n".join(false_positives)

    faulty = table["faulty_servers"]
    assert sorted(run["name"] for run in faulty) == sorted(FAULTY_SERVERS)
    survivors = [
        f"{run['name']} ({run['verdict']}): {run['divergence']}"
        for run in faulty
        if run["verdict"] != "killed"
    ]
    assert not survivors, "not killed by the suite:\n" + "\n".join(survivors)
    assert all(run["first_failure_request"] for run in faulty)
    slow = [
        f"{run['name']}: request {run['first_failure_request']}"
        for run in faulty
        if run["first_failure_request"] > KILLED_WITHIN
    ]
    assert not slow, f"caught after the first {KILLED_WITHIN} requests:\n" + "\n".join(slow)
    median = statistics.median(run["first_failure_request"] for run in faulty)
    assert median <= KILLED_MEDIAN, f"half the faulty servers take {median} requests or more"
    assert table["ok"] is True
    assert completed.returncode == 0, completed.stdout[-4000:]
