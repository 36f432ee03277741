"""The built wheels on every supported CPython the machine carries (pyenv's, else
`python3.X` on PATH): into a fresh venv, the package alone (the client) files a report through
the facade against the reference server, then the `[suite]` extra runs the contract suite
in-process. A missing interpreter is a skip that names what was searched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immoteur_contract.server import reference_app, serving

from .support import PROPERTY, SUPPORTED, TOKEN, clean_env, interpreter, new_venv, run, uv

# builds venvs and runs the suite: longer than pytest-timeout's default on a loaded machine
pytestmark = pytest.mark.timeout(1200)

_FACADE = f"""
from immoteur_contract import DataReport, IssueReports
import sys
with IssueReports(base_url=sys.argv[1]) as reports:
    created = reports.create(DataReport(["{PROPERTY}"], ["price"]))
print(created.report_id)
"""


def files_a_report_through_the_facade(python: Path) -> None:
    """`python` (a venv's) files one report through the facade; the server stored it."""
    app = reference_app(TOKEN)
    with serving(app) as base_url:
        done = run(python, "-c", _FACADE, base_url, env=clean_env(IMMOTEUR_TOKEN=TOKEN))
    assert done.returncode == 0, done.stderr
    (stored,) = app.store.list()
    assert done.stdout.strip() == str(stored.report_id)


def runs_the_contract_suite(bin_dir: Path, scratch: Path) -> None:
    """`immoteur-contract run` from `bin_dir` against the in-process reference server conforms
    (one example per rule and kind: this proves the install, the suite's depth is tested
    elsewhere)."""
    report = scratch / "report.json"
    done = run(bin_dir / "immoteur-contract", "run", "--examples", "1", "-q",
               "--report", report, cwd=scratch)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "conforms"


@pytest.mark.parametrize("minor", SUPPORTED)
def test_wheels_install_and_work_on_cpython(
    minor: str, wheels: Path, pins: Path, tmp_path: Path
) -> None:
    python = new_venv(interpreter(minor), tmp_path / "venv")
    client = run(uv(), "pip", "install", "--python", python, "--find-links", wheels,
                 "--constraint", pins, "immoteur-contract")  # fmt: skip
    assert client.returncode == 0, client.stderr
    assert run(python, "-c", "import uvicorn").returncode == 1  # the client alone
    files_a_report_through_the_facade(python)
    suite = run(uv(), "pip", "install", "--python", python, "--find-links", wheels,
                "--constraint", pins, "immoteur-contract[suite]")  # fmt: skip
    assert suite.returncode == 0, suite.stderr
    runs_the_contract_suite(python.parent, tmp_path)
