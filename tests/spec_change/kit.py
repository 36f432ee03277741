"""Runs the kit on an edited copy of openapi.yaml, part by part, each in a subprocess.

For one scenario (scenarios.py): write the edited copy into a folder, regenerate the client into
it with the project's generator config (tools/check_client.py's `generate`, what `make client`
runs) and check that it holds every property, enum value and the operation of the copy
(client_facts.py), then run three processes with `IMMOTEUR_SPEC` pointing at the copy and the
new client first on PYTHONPATH:

1. pytest on the verdict table, the rules, the strategies, the server's table test and its
   probes (probes.py);
2. pytest on the facade's tests and its probes (apart, so that a facade that cannot import does
   not hide how the other parts did);
3. `immoteur-contract run --examples 1` against the reference server in-process.

The outcome of each part of `scenarios.PARTS` is a `PartOutcome`: whether it passed, the output
to show, and the failed tests with their messages (from a JUnit XML file).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .scenarios import Scenario, edited

__all__ = ["PartOutcome", "run_kit"]

ROOT = Path(__file__).resolve().parents[2]
PACKAGED_SPEC = ROOT / "openapi.yaml"
PROBES = "tests/spec_change/probes.py"

# pytest process -> {part: test files (or probe tests) whose outcome is the part's}
_PYTEST_RUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "core": {
        "verdicts": ("tests/test_verdicts.py",),
        "strategies": ("tests/test_rules.py", "tests/test_strategies.py"),
        "server": (
            "tests/server/test_verdict_table.py",
            f"{PROBES}::test_server_gives_the_copy_verdict",
        ),
    },
    "facade": {
        "facade": (
            "tests/client/test_facade.py",
            "tests/client/test_reports.py",
            f"{PROBES}::test_facade_gives_the_copy_verdict",
        ),
    },
}
# The long hypothesis runs (hundreds of examples each) are left to the project's own test run: on
# a copy, the per-rule strategy tests and the boundary cases show that strategies and rules follow.
_LONG_TESTS = (
    "not test_rules_give_the_spec_schema_verdict_on_generated_bodies"
    " and not test_report_like_bodies_reach_the_edge_values"
    " and not test_report_like_bodies_agree_with_the_schema_and_mix_verdicts"
)
_PROBE_TESTS = ("test_server_gives_the_copy_verdict", "test_facade_gives_the_copy_verdict")


@dataclass
class PartOutcome:
    """How one part of the kit did on a copy."""

    passed: bool
    output: str
    failures: dict[str, str] = field(default_factory=dict)
    """Failed test name (`test_x[param]`) -> its failure message, for the pytest parts."""


def _generate(spec: Path, output: Path) -> None:
    path = ROOT / "tools" / "check_client.py"
    module_spec = importlib.util.spec_from_file_location("check_client", path)
    assert module_spec is not None
    assert module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    module.generate(spec, output)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _client_follows(document: dict[str, Any], env: dict[str, str]) -> PartOutcome:
    """Whether the generated client has every property, enum value and the operation of the
    copy; the output lists what it lacks."""
    done = _run([sys.executable, "-m", "tests.spec_change.client_facts"], env)
    if done.returncode != 0:
        return PartOutcome(False, done.stdout + done.stderr)
    facts = json.loads(done.stdout)
    config = yaml.safe_load((ROOT / "openapi-python-client.yaml").read_text(encoding="utf-8"))
    renamed = {k: v["class_name"] for k, v in config.get("class_overrides", {}).items()}
    lacks = []
    for name, schema in document["components"]["schemas"].items():
        cls = renamed.get(name, name)
        if "properties" in schema:
            wanted = {_snake(p) for p in schema["properties"]}
            lacks += [f"{cls}.{f}" for f in sorted(wanted - set(facts["models"].get(cls, [])))]
        if "enum" in schema and set(schema["enum"]) != set(facts["enums"].get(cls, [])):
            lacks.append(f"{cls} values {schema['enum']}")
    operation = document["paths"]["/issues"]["post"]
    wanted_operation = f"{operation['tags'][0].lower()}.{_snake(operation['operationId'])}"
    if wanted_operation not in facts["operations"]:
        lacks.append(f"operation module {wanted_operation}")
    return PartOutcome(
        not lacks, "the generated client lacks: " + ", ".join(lacks) if lacks else ""
    )


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _junit_cases(path: Path) -> list[tuple[str, str, str | None]]:
    """(file, test name, failure message or None) for each test case of a JUnit XML report."""
    cases = []
    for case in ET.parse(path).iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            continue
        module = case.get("classname", "").replace(".", "/") + ".py"
        message = None if problem is None else problem.get("message", "") or (problem.text or "")
        cases.append((module, case.get("name", ""), message))
    return cases


def _pytest_parts(
    scenario: Scenario, parts: dict[str, tuple[str, ...]], env: dict[str, str], junit: Path
) -> dict[str, PartOutcome]:
    targets = [
        target
        for files in parts.values()
        for target in files
        if scenario.probes or not target.endswith(_PROBE_TESTS)
    ]
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "anyio.pytest_plugin",
        "-p",
        "pytest_timeout",
        f"--junitxml={junit}",
    ]
    # No plugin autoload: the kit's own tests need only anyio's and pytest-timeout's (its
    # `timeout` setting is in pyproject.toml), and loading schemathesis' and hypothesis' plugins
    # would double each process' start-up time.
    env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = _run([*command, "--continue-on-collection-errors", "-k", _LONG_TESTS, *targets], env)
    output = done.stdout + done.stderr
    if not junit.exists():  # the process stopped before collecting (a SpecMismatchError line)
        return {part: PartOutcome(False, output) for part in parts}
    cases = _junit_cases(junit)
    outcomes = {}
    for part, files in parts.items():
        mine = [
            (name, message)
            for module, name, message in cases
            if any(
                target.split("::")[0] == module
                and ("::" not in target or name.split("[")[0] == target.split("::")[1])
                for target in files
            )
        ]
        failures = {name: message for name, message in mine if message is not None}
        passed = bool(mine) and not failures
        outcomes[part] = PartOutcome(passed, output, failures)
    return outcomes


def run_kit(scenario: Scenario, folder: Path) -> dict[str, PartOutcome]:
    """Every part of the kit on the scenario's copy, written in `folder` as openapi.yaml."""
    spec = folder / "openapi.yaml"
    document = yaml.safe_load(PACKAGED_SPEC.read_text(encoding="utf-8"))
    spec.write_text(yaml.safe_dump(edited(scenario, document), sort_keys=False), encoding="utf-8")
    client = folder / "client"
    try:
        _generate(spec, client)
    except RuntimeError as error:
        return {"client": PartOutcome(False, str(error))}
    env = {
        **os.environ,
        "IMMOTEUR_SPEC": str(spec),
        "IMMOTEUR_SCENARIO": scenario.name,
        "PYTHONPATH": os.pathsep.join([str(client), str(ROOT)]),
    }
    outcomes = {"client": _client_follows(yaml.safe_load(spec.read_text(encoding="utf-8")), env)}
    for name, parts in _PYTEST_RUNS.items():
        outcomes.update(_pytest_parts(scenario, parts, env, folder / f"{name}.xml"))
    suite = [sys.executable, "-m", "immoteur_contract.cli", "run", "--examples", "1", "--seed", "0"]
    done = _run([*suite, "-q"], env)
    outcomes["suite"] = PartOutcome(done.returncode == 0, done.stdout + done.stderr)
    return outcomes
