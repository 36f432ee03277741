"""`run --base-url` end to end: a root-mounted server works with its root URL, and a URL with no
endpoint behind it stops after the preflight (at most 5 requests) with exit 2 and one line that
names the URL tried.

The servers without an endpoint run in threads of this process (server.serving), counting the
requests that reach them; the root-mounted reference runs in a process of its own
(mutants.served), and its run's --record file shows where the requests went. The runs go in one
batch (batch.py: a warm process forking them).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from immoteur_contract.client import DataReport, IssueReports
from immoteur_contract.mutants.bodies import example
from immoteur_contract.mutants.served import served
from immoteur_contract.rules import CONTRACT
from immoteur_contract.runner.preflight import PREFLIGHT_REQUESTS
from immoteur_contract.server import reference_app
from immoteur_contract.server.serving import serving

from .batch import run_batch
from .mounts import Counting, LoginRedirect, mounted_at_root

TOKEN = "tok-base-url-3b9e"
ROOT_MOUNTED = "tests.runner.mounts:root_mounted_reference"
MOST_REQUESTS = 5


@dataclass(frozen=True)
class Run:
    """A finished run: exit code, output, the URL it was given, the requests that arrived (at a
    counting server) and the URLs the run recorded."""

    code: int
    output: str
    base_url: str
    arrived: list[str]
    recorded: list[str]


def _root(url: str) -> str:
    return url.removesuffix(CONTRACT.base_path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    work = tmp_path_factory.mktemp("base-url")
    wrong_path = Counting(mounted_at_root(reference_app(TOKEN)))
    doubled = Counting(reference_app(TOKEN))
    login = Counting(LoginRedirect)
    with contextlib.ExitStack() as stack:
        servers: dict[str, tuple[Counting | None, str]] = {
            "root-mounted": (None, _root(stack.enter_context(served(ROOT_MOUNTED, TOKEN)))),
            "wrong-path": (wrong_path, stack.enter_context(serving(wrong_path))),
            "doubled-issues": (
                doubled,
                stack.enter_context(serving(doubled)) + CONTRACT.issues_path + "/",
            ),
            "login-redirect": (login, stack.enter_context(serving(login))),
        }
        jobs: list[dict[str, Any]] = [
            {
                "argv": [
                    *("--base-url", url, "--seed", "1", "--examples", "1", "-q"),
                    *("--record", str(work / f"{name}.jsonl")),
                ],
                "env": {"IMMOTEUR_TOKEN": TOKEN},
                "out": str(work / f"{name}.out"),
            }
            for name, (_, url) in servers.items()
        ]
        codes = run_batch(jobs, work / "jobs.json")
    return {
        name: Run(
            code,
            Path(job["out"]).read_text(encoding="utf-8"),
            url,
            list(app.requests) if app is not None else [],
            _recorded(work / f"{name}.jsonl"),
        )
        for (name, (app, url)), job, code in zip(servers.items(), jobs, codes, strict=True)
    }


def _recorded(path: Path) -> list[str]:
    """The URLs of the requests a run recorded (--record), in order."""
    if not path.exists():
        return []
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_root_mounted_server_with_its_root_url_conforms(runs: dict[str, Run]) -> None:
    run = runs["root-mounted"]
    assert run.code == 0, run.output
    assert "conforms" in run.output
    assert len(run.recorded) > 100
    assert set(run.recorded) == {run.base_url + CONTRACT.issues_path}


@pytest.mark.parametrize("name", ["wrong-path", "doubled-issues", "login-redirect"])
def test_run_without_endpoint_stops_after_preflight_with_one_line(
    runs: dict[str, Run], name: str
) -> None:
    run = runs[name]
    tried = run.base_url.rstrip("/") + CONTRACT.issues_path
    assert run.code == 2, run.output
    assert 1 <= len(run.arrived) <= min(MOST_REQUESTS, PREFLIGHT_REQUESTS), run.arrived
    assert len(run.recorded) == len(run.arrived)
    lines = run.output.strip().splitlines()
    assert len(lines) == 1, run.output
    assert lines[0].startswith("immoteur-contract run: error: no endpoint at POST " + tried)
    assert "used as given" in lines[0]
    assert TOKEN not in run.output


def test_run_base_url_ending_in_issues_is_told_to_drop_it(runs: dict[str, Run]) -> None:
    assert "drop the trailing /issues" in runs["doubled-issues"].output


def test_run_login_redirect_names_where_it_was_sent(runs: dict[str, Run]) -> None:
    assert "302 (to /login)" in runs["login-redirect"].output


def test_facade_files_to_root_mounted_server_with_its_root_url() -> None:
    app = Counting(mounted_at_root(reference_app(TOKEN)))
    with serving(app) as url, IssueReports(token=TOKEN, base_url=_root(url)) as reports:
        body: dict[str, Any] = example("data")
        created = reports.create(
            DataReport(property_ids=body["propertyIds"], facets=body["issueFacets"])
        )
    assert created.report_id
    assert app.requests == ["POST " + CONTRACT.issues_path]
