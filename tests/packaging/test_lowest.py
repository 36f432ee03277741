"""The lowest versions pyproject.toml declares are real: uv resolves the kit's own
requirements (every extra a user may install with `[suite]`) at their lowest allowed versions
(`--resolution lowest-direct`), and with those the client's tests pass and the contract suite
runs in-process."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from .support import ROOT, new_venv, run, uv
from .test_pythons import runs_the_contract_suite

# builds a venv, runs the client tests and the suite: longer than pytest-timeout's default
pytestmark = pytest.mark.timeout(1200)

_TEST_PLUGINS = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"][
        "test"
    ]
)
"""What the kit's own tests need beside the [suite] extra: pyproject.toml's `test` group."""


def test_lowest_declared_versions_pass_the_client_tests_and_a_contract_run(
    wheels: Path, tmp_path: Path
) -> None:
    python = new_venv(sys.executable, tmp_path / "venv")
    lowest = tmp_path / "lowest.txt"
    resolved = run(uv(), "pip", "compile", "--quiet", "--no-sources", "--python", python,
                   "--resolution", "lowest-direct", "--find-links", wheels, "--extra", "suite",
                   "--output-file", lowest, ROOT / "pyproject.toml")  # fmt: skip
    assert resolved.returncode == 0, resolved.stderr
    installed = run(uv(), "pip", "install", "--python", python, "--find-links", wheels,
                    "--requirement", lowest, *_TEST_PLUGINS)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    kit = run(uv(), "pip", "install", "--python", python, "--no-deps",
              next(wheels.glob("immoteur_contract-*.whl")))  # fmt: skip
    assert kit.returncode == 0, kit.stderr
    where = run(python, "-c", "import immoteur_contract; print(immoteur_contract.__file__)")
    assert where.stdout.startswith(str(tmp_path)), where.stdout  # the wheel, not src/
    tests = run(python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                ROOT / "tests" / "client", cwd=ROOT, timeout=600)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    runs_the_contract_suite(python.parent, tmp_path)
