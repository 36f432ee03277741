"""Regression checks end to end: baseline, comparison, observations, summary, remote safety.

Every run goes through batch.py (one warm process forking two runs at a time), in two phases:
the first writes the baseline and the reference reports the second phase reads.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from immoteur_contract.rules import CONTRACT
from immoteur_contract.runner.baseline import PLACEHOLDER_REASON
from immoteur_contract.runner.compare import compare, load_report

from .batch import run_batch
from .live import live_reference_server, own_remote_address
from .regression_apps import FIRST, OTHER_401_MESSAGE, SECOND

SEEDS = (2, 3, 4, 5, 6)
TOKEN = "tok-REGRESSION-5b7d1e9c44"
APPS = "regression_apps"
ONE = ["--app", f"{APPS}:one_divergence"]
TWO = ["--app", f"{APPS}:two_divergences"]
QUICK = ["--examples", "1", "-q"]


@dataclass(frozen=True)
class Run:
    """One finished run: exit code, combined output, and the files it was asked to write."""

    code: int
    output: str
    files: dict[str, Path]

    def report(self) -> dict[str, Any]:
        return load_report(self.files["report"])

    def lines(self, start: str) -> list[str]:
        return [line.strip() for line in self.output.splitlines() if line.strip().startswith(start)]


class Batch:
    """Runs of `immoteur-contract run`, added by name, then run together."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.jobs: dict[str, dict[str, Any]] = {}

    def add(self, name: str, argv: list[str], *outputs: str, token: str | None = None) -> None:
        files = {kind: self.work / f"{name}.{kind}" for kind in outputs}
        extra = [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
        self.jobs[name] = {
            "argv": [*argv, *QUICK, *extra],
            "env": {"IMMOTEUR_TOKEN": token},
            "out": str(self.work / f"{name}.out"),
            "files": {k: str(v) for k, v in files.items()},
        }

    def run(self) -> dict[str, Run]:
        codes = run_batch(
            list(self.jobs.values()), self.work / f"jobs-{len(list(self.work.glob('jobs-*')))}.json"
        )
        runs = {
            name: Run(
                code,
                Path(job["out"]).read_text(encoding="utf-8"),
                {k: Path(v) for k, v in job["files"].items()},
            )
            for (name, job), code in zip(self.jobs.items(), codes, strict=True)
        }
        self.jobs = {}
        return runs


def _rewrite(source: Path, target: Path, **changes: Any) -> None:
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    for entry in document["entries"]:
        entry.update(changes)
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("regression")
    baseline = work / "baseline.yml"
    batch = Batch(work)
    update = [*ONE, "--seed", "1", "--baseline", str(baseline), "--baseline-update"]
    batch.add("update", update, "report")
    batch.add(
        "other-401", ["--app", f"{APPS}:other_unauthenticated_message", "--seed", "3"], "report"
    )
    found: dict[str, Any] = batch.run()
    found["baseline-after-update"] = baseline.read_text(encoding="utf-8")

    expired, reasoned = work / "expired.yml", work / "reasoned.yml"
    _rewrite(baseline, expired, expires=datetime.date(2000, 1, 1))
    _rewrite(baseline, reasoned, reason="accepted: the facets are filled in later by support")
    on = ["--baseline", str(baseline)]
    for seed in SEEDS:
        batch.add(f"seed-{seed}", [*ONE, "--seed", str(seed), *on], "report")
    batch.add("two", [*TWO, "--seed", "2", *on], "report", "junit", "summary")
    batch.add("fixed", ["--seed", "3", "--baseline", str(reasoned)], "report")
    batch.add("expired", [*ONE, "--seed", "2", "--baseline", str(expired)])
    address = own_remote_address()
    if address is None:
        found.update(batch.run())
        return found
    remote_baseline = work / "remote.yml"
    with live_reference_server(TOKEN, address, f"{APPS}:echoing_token_in_messages") as url:
        previous = str(found["update"].files["report"])
        argv = ["--base-url", url, "--rate", "1000", "--max-requests", "5000", "--seed", "1"]
        argv += ["--baseline", str(remote_baseline), "--baseline-update", "--compare-to", previous]
        batch.add("remote", argv, "report", "record", "summary", "junit", token=TOKEN)
        found.update(batch.run())
        root = url.removesuffix(CONTRACT.base_path)  # the inspection API sits outside the API
        found["remote-stored"] = httpx.get(root + "/_mock/", timeout=10).json()["count"]
    found["remote-baseline"] = remote_baseline
    return found


def _entries(text: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(text)["entries"]
    return entries


def test_baseline_update_writes_every_failure_with_a_reason_to_fill_in(
    runs: dict[str, Any],
) -> None:
    assert runs["update"].code == 0, runs["update"].output
    entries = _entries(runs["baseline-after-update"])
    assert entries
    assert {entry["rule"] for entry in entries} == {FIRST}
    assert {entry["reason"] for entry in entries} == {PLACEHOLDER_REASON}
    assert all(entry["first_seen"] == datetime.date.today() for entry in entries)


@pytest.mark.parametrize("seed", SEEDS)
def test_baseline_known_divergence_exits_0_under_each_seed(runs: dict[str, Any], seed: int) -> None:
    run = runs[f"seed-{seed}"]
    assert run.code == 0, run.output
    assert run.report()["conforms"] is False
    assert not run.lines("NEW")
    assert run.lines("known")
    assert "verdict: no new divergence" in run.output


def test_baseline_second_divergence_exits_1_naming_only_it(runs: dict[str, Any]) -> None:
    run = runs["two"]
    assert run.code == 1, run.output
    new = run.lines("NEW")
    assert new
    assert all(line.split()[1].startswith(SECOND + "#") for line in new), new
    assert run.lines("known")
    first_failure = next(line for line in run.output.splitlines() if line.startswith("FAILED"))
    assert f"[{SECOND}#" in first_failure  # new failures are listed first


def test_baseline_fixed_divergence_exits_0_and_asks_for_removal(runs: dict[str, Any]) -> None:
    run = runs["fixed"]
    assert run.code == 0, run.output
    fixed = run.lines("fixed ")
    assert fixed
    assert all("please remove" in line for line in fixed)
    assert run.lines("unseen")  # the generated entry: not proof of a fix


def test_baseline_expired_entry_counts_as_new(runs: dict[str, Any]) -> None:
    run = runs["expired"]
    assert run.code == 1, run.output
    assert run.lines("NEW")
    assert all("expired" in line for line in run.lines("NEW"))


def test_compare_two_seeds_of_one_server_is_unchanged(runs: dict[str, Any]) -> None:
    pairs = [("seed-2", "seed-3"), ("seed-4", "seed-6"), ("seed-5", "seed-2")]
    for old, new in pairs:
        comparison = compare(runs[old].report(), runs[new].report())
        assert comparison.unchanged, (old, new, comparison)
        assert comparison.exit_status() == 0


def test_compare_reports_a_changed_401_message(runs: dict[str, Any]) -> None:
    comparison = compare(runs["fixed"].report(), runs["other-401"].report())
    assert [change.name for change in comparison.changed] == ["401.message"]
    assert comparison.changed[0].new == OTHER_401_MESSAGE
    assert not comparison.new
    assert comparison.exit_status() == 0


def test_compare_reports_a_new_failure(runs: dict[str, Any]) -> None:
    comparison = compare(runs["fixed"].report(), runs["seed-2"].report())
    assert comparison.new
    assert {failure["rule"] for failure in comparison.new} == {FIRST}
    assert comparison.exit_status() == 1


def test_failure_ids_are_in_table_report_and_junit(runs: dict[str, Any]) -> None:
    run = runs["two"]
    ids = {failure["id"] for failure in run.report()["failures"]}
    shown = {line.rsplit("[", 1)[1].rstrip("]") for line in run.lines("FAILED")}
    assert shown
    assert shown <= ids
    junit = run.files["junit"].read_text(encoding="utf-8")
    assert all(f'name="failure_id" value="{i}"' in junit for i in ids)


def test_summary_has_verdict_new_known_and_rule_table(runs: dict[str, Any]) -> None:
    summary = runs["two"].files["summary"].read_text(encoding="utf-8")
    assert summary.startswith("## Immoteur contract: ")
    for heading in ("### New failures", "### Known failures", "### Fixed", "### Per rule"):
        assert heading in summary
    assert f"| {FIRST} |" in summary


def _remote(runs: dict[str, Any]) -> Run:
    if "remote" not in runs:
        pytest.skip("this machine has no non-loopback IPv4 address to serve on")
    remote: Run = runs["remote"]
    assert remote.code == 0, remote.output
    return remote


def test_remote_run_without_writes_sends_nothing_the_contract_accepts(
    runs: dict[str, Any],
) -> None:
    run = _remote(runs)
    record = [json.loads(line) for line in run.files["record"].read_text().splitlines()]
    assert len(record) == run.report()["requests"]
    assert not [line for line in record if line["status"] == 201]
    assert runs["remote-stored"] == 0
    seen = run.report()["observations"]
    assert {"body.largest-read-bytes", "text-plain.invalid-report.status", "401.message"} <= set(
        seen
    )
    assert not {"duplicates.status", "201.report-ids-distinct"} & set(seen)
    assert any(line["layer"] == "observations" for line in record)


def test_remote_run_never_writes_the_token(runs: dict[str, Any]) -> None:
    run = _remote(runs)
    assert TOKEN not in run.output
    written = [*run.files.values(), runs["remote-baseline"]]
    for path in written:
        assert TOKEN not in path.read_text(encoding="utf-8"), path.name
    # the server quoted the token in its 422 messages: the scrubbed form reached the outputs
    assert "request by Bearer $IMMOTEUR_TOKEN" in run.files["report"].read_text(encoding="utf-8")
    assert "request by Bearer $IMMOTEUR_TOKEN" in run.files["summary"].read_text(encoding="utf-8")
    assert "changed observations" in run.output
