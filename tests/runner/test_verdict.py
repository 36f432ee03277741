"""One verdict: the terminal table, the JSON report, the JUnit file and the Markdown summary say
the same verdict, and the exit status is its own, for each verdict with and without a baseline;
Ctrl-C ends a run as `interrupted` (130) with its files whole."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract import exits
from immoteur_contract.mutants.hostile import hostile_server
from immoteur_contract.runner.baseline import Baseline
from immoteur_contract.runner.verdict import EXIT_STATUS, VERDICTS, decide

from .batch import run_batch

TOKEN = "tok-VERDICT-2b7e11"
CASES: dict[str, tuple[str, list[str]]] = {
    "conforms": ("conforms", ["--examples", "1", "--seed", "1"]),
    "fails": (
        "fails",
        ["--app", "faulty_apps:accepts_data_with_merge", "--seed", "7", "--fail-fast"],
    ),
    "partial-budget": ("partial", ["--max-requests", "20", "--seed", "1"]),
    "partial-max-time": ("partial", ["--max-time", "0.3", "--rate", "40", "--seed", "1"]),
    "unverified": ("unverified", ["--max-requests", "6", "--seed", "1"]),
}
"""Case -> (expected verdict key, options); `unverified` runs against the only-429 target."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, Path]]:
    work = tmp_path_factory.mktemp("verdict")
    empty = work / "empty-baseline.yml"
    empty.write_text(Baseline().dumps(), encoding="utf-8")
    jobs: dict[str, dict[str, Any]] = {}
    with hostile_server("only-429", TOKEN) as limited:
        for case, (_, options) in CASES.items():
            for with_baseline in (False, True):
                name = f"{case}{'-baseline' if with_baseline else ''}"
                argv = list(options)
                env: dict[str, str | None] = {"IMMOTEUR_TOKEN": None}
                if case == "unverified":
                    argv += ["--base-url", limited.url]
                    env = {"IMMOTEUR_TOKEN": TOKEN}
                if with_baseline:
                    argv += ["--baseline", str(empty)]
                for kind in ("report", "junit", "summary"):
                    argv += [f"--{kind}", str(work / f"{name}.{kind}")]
                jobs[name] = {"argv": argv, "env": env, "out": str(work / f"{name}.out")}
        codes = run_batch(list(jobs.values()), work / "jobs.json")
    return {
        name: (code, Path(job["out"]).read_text(encoding="utf-8"), work / name)
        for (name, job), code in zip(jobs.items(), codes, strict=True)
    }


def _verdicts(output: str, stem: Path) -> dict[str, str]:
    """The verdict each output states."""
    total = next(line for line in output.splitlines() if line.startswith("total "))
    report = json.loads(stem.with_suffix(".report").read_text(encoding="utf-8"))
    suite = ET.parse(stem.with_suffix(".junit")).getroot().find("testsuite")
    assert suite is not None
    junit = {p.get("name"): p.get("value") for p in suite.iter("property")}
    summary = stem.with_suffix(".summary").read_text(encoding="utf-8").splitlines()[0]
    text = report["verdict_text"]
    assert text in total, total
    assert summary.startswith(f"## Immoteur contract: {text}"), summary
    assert junit["verdict_text"] == text
    return {"json": report["verdict"], "junit": str(junit["verdict"])}


@pytest.mark.parametrize("with_baseline", [False, True], ids=["plain", "baseline"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_verdict_is_the_same_in_all_four_outputs_and_the_exit_status(
    runs: dict[str, tuple[int, str, Path]], case: str, with_baseline: bool
) -> None:
    code, output, stem = runs[f"{case}{'-baseline' if with_baseline else ''}"]
    expected = CASES[case][0]
    assert _verdicts(output, stem) == {"json": expected, "junit": expected}
    assert code == EXIT_STATUS[expected], output
    if expected != "fails":
        assert "does not conform" not in output.lower()


def test_verdict_decide_orders_error_interrupt_divergence_faults_coverage() -> None:
    base = {"error": False, "interrupted": False, "diverged": False, "unjudged": False}
    assert decide(**base, complete=True).key == "conforms"
    assert decide(**base, complete=False).key == "partial"
    assert decide(**{**base, "unjudged": True}, complete=True).key == "unverified"
    assert decide(**{**base, "unjudged": True, "diverged": True}, complete=True).key == "fails"
    assert decide(**{**base, "diverged": True, "interrupted": True}, complete=True).key == (
        "interrupted"
    )
    assert decide(**{**base, "error": True, "interrupted": True}, complete=True).key == "error"
    assert set(VERDICTS) == set(EXIT_STATUS)
    assert EXIT_STATUS["unverified"] == exits.UNVERIFIED


def test_verdict_ctrl_c_is_interrupted_130_with_whole_files(tmp_path: Path) -> None:
    files = {kind: tmp_path / f"run.{kind}" for kind in ("report", "junit", "summary", "record")}
    argv = [sys.executable, "-m", "immoteur_contract.cli", "run", "--seed", "1"]
    argv += [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
    with hostile_server("stall", TOKEN) as stalled:  # three answers, then silence
        process = subprocess.Popen(
            [*argv, "--base-url", stalled.url],
            env=dict(os.environ, IMMOTEUR_TOKEN=TOKEN),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            waited = time.monotonic() + 60
            while stalled.requests < 4 and time.monotonic() < waited:  # the fourth hangs
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    assert process.returncode == exits.INTERRUPTED
    assert err.strip().splitlines()[-1].startswith("immoteur-contract run: interrupted after 3 ")
    assert "Traceback" not in err
    assert "total " not in out  # no table
    assert json.loads(files["report"].read_text(encoding="utf-8"))["verdict"] == "interrupted"
    ET.parse(files["junit"])
    assert (
        files["summary"].read_text(encoding="utf-8").startswith("## Immoteur contract: interrupted")
    )
    for line in files["record"].read_text(encoding="utf-8").splitlines():
        json.loads(line)
