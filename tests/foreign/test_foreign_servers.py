"""The suite against servers built on real frameworks (foreign_servers/): every corrected version
conforms, every first version fails and names the divergences recorded for it.

One `tools/foreign_servers.py --install --seeds 1` process installs each stack from its lock file
(`npm ci`, `uv sync --frozen` into the stack's own .venv), serves every version on loopback and
runs the whole suite against each (`make mutants` runs the same under 5 seeds). A stack whose
toolchain is missing is skipped with the reason. The cost is recorded as the
`foreign_wall_seconds` property (shown in junit XML), never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "foreign_servers.py"
STACKS = ("express_ajv", "fastapi_pydantic", "openapi_core_starlette")


@pytest.fixture(scope="module")
def foreign_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = tmp_path_factory.mktemp("foreign") / "foreign.json"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--install", "--seeds", "1", "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert report.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    loaded["output"] = completed.stdout[-4000:]
    return loaded


def _runs(report: dict[str, Any], stack: str, variant: str) -> list[dict[str, Any]]:
    if stack in report["skipped"]:
        pytest.skip(report["skipped"][stack])
    runs = [r for r in report["runs"] if r["stack"] == stack and r["variant"] == variant]
    assert runs, f"no run of {stack} {variant}:\n{report['output']}"
    return runs


def test_foreign_catalog_has_three_stacks_in_two_languages(
    foreign_report: dict[str, Any], record_property: Callable[[str, object], None]
) -> None:
    record_property("foreign_wall_seconds", foreign_report["seconds"])
    seen = {r["stack"] for r in foreign_report["runs"]} | set(foreign_report["skipped"])
    assert seen == set(foreign_report["stacks"]) == set(STACKS)
    assert set(foreign_report["stacks"].values()) == {"npm", "uv"}  # Node and Python


@pytest.mark.parametrize("stack", STACKS)
def test_foreign_correct_version_conforms(foreign_report: dict[str, Any], stack: str) -> None:
    for run in _runs(foreign_report, stack, "correct"):
        assert run["exit_code"] == 0, (
            f"{run['name']} seed {run['seed']} (a false positive of the suite, or a fix lost): "
            f"failed {run['failed_rules']}\n{run['error'] or ''}"
        )
        assert run["ok"]


@pytest.mark.parametrize("stack", STACKS)
def test_foreign_naive_version_fails_naming_its_recorded_divergences(
    foreign_report: dict[str, Any], stack: str
) -> None:
    for run in _runs(foreign_report, stack, "naive"):
        assert run["exit_code"] == 1, f"{run['name']} seed {run['seed']}: {run['error']}"
        recorded = set(run["recorded"]) - set(run["not_probed"])
        assert recorded, f"{run['name']}: no recorded divergence the suite probes"
        missed = recorded - set(run["failed_rules"])
        assert not missed, (
            f"{run['name']} seed {run['seed']}: recorded but not reported: {sorted(missed)}; "
            f"reported: {run['failed_rules']}"
        )
        assert run["ok"]


def test_foreign_stack_without_its_toolchain_is_skipped_with_the_reason(tmp_path: Path) -> None:
    report = tmp_path / "foreign.json"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "express_ajv", "--report", str(report)],
        env={**os.environ, "PATH": str(tmp_path)},  # no node, no npm
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1  # nothing could run
    assert "skipped express_ajv: npm is not installed" in completed.stderr
    loaded = json.loads(report.read_text(encoding="utf-8"))
    assert loaded["runs"] == []
    assert "Node.js" in loaded["skipped"]["express_ajv"]
