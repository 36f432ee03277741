"""End to end: a server whose one mistake breaks many rules gets the one-cause headline in the
terminal table, the Markdown summary and the JSON report, every failure still listed after it;
unrelated divergences get none.

`conditional_errors_at_root` keys the 422 errors of the conditional rules at the body's root
(""), as Ajv reports an if/then; `three_rules_unenforced` accepts what three unrelated rules
refuse (three divergences of their own).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .batch import run_batch

ROOT = "immoteur_contract.mutants.apps:conditional_errors_at_root"
UNRELATED = "cause_apps:three_rules_unenforced"
HEADLINE = "failures share one cause: the error key '' names no field of the request"
CONDITIONAL = {
    "data-requires-issue-facets",
    "data-forbids-clustering-action",
    "clustering-requires-clustering-action",
    "clustering-requires-two-targets",
    "other-requires-comment",
    "other-forbids-issue-facets",
    "other-forbids-clustering-action",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    work = tmp_path_factory.mktemp("causes")
    jobs: list[dict[str, Any]] = []
    found: dict[str, dict[str, Any]] = {}
    for name, app in (("root", ROOT), ("unrelated", UNRELATED)):
        files = {kind: work / f"{name}.{kind}" for kind in ("report", "summary")}
        argv = ["--app", app, "--seed", "1", "--examples", "1", "-q"]
        argv += [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
        jobs.append({"argv": argv, "env": {}, "out": str(work / f"{name}.out")})
        found[name] = {"files": {**files, "out": work / f"{name}.out"}}
    codes = run_batch(jobs, work / "jobs.json")
    for run, code in zip(found.values(), codes, strict=True):
        run["code"] = code
        run["texts"] = {
            kind: Path(p).read_text(encoding="utf-8") for kind, p in run["files"].items()
        }
        run["report"] = json.loads(run["texts"]["report"])
    return found


def test_causes_outputs_lead_with_the_headline(runs: dict[str, dict[str, Any]]) -> None:
    run = runs["root"]
    assert run["code"] == 1, run["texts"]["out"]
    (cause,) = run["report"]["causes"]
    assert HEADLINE in cause["summary"]
    assert cause["count"] == len(run["report"]["failures"])  # this server has no other fault
    assert set(cause["rules"]) >= CONDITIONAL
    assert cause["example"]["id"] in {f["id"] for f in run["report"]["failures"]}
    assert cause["example"]["curl"].startswith("curl ")
    out, summary = run["texts"]["out"], run["texts"]["summary"]
    # the headline comes before the first failure, in the table and in the summary
    assert HEADLINE in out
    assert out.index(HEADLINE) < out.index("FAILED ")
    assert "  rules: " in out
    assert "  example: " in out
    assert HEADLINE in summary
    assert summary.index(HEADLINE) < summary.index("### Failures")
    # every failure stays listed after it
    assert summary.count("| `") >= len(run["report"]["failures"])


def test_causes_outputs_unrelated_failures_get_no_headline(
    runs: dict[str, dict[str, Any]],
) -> None:
    run = runs["unrelated"]
    assert run["code"] == 1, run["texts"]["out"]
    assert run["report"]["failures"]
    assert run["report"]["causes"] == []
    for text in run["texts"].values():
        assert "share one cause" not in text
