"""`run`'s regression options: every mistake is one line and exit 2 before pytest starts (so
before any request); after the run, the baseline is rewritten and the summary written without
the token."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from immoteur_contract.runner import command, regression
from immoteur_contract.runner.baseline import PLACEHOLDER_REASON, Baseline
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.report import Failure, Outcome, RunReport


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(
            ["--baseline-update"], "--baseline-update needs --baseline", id="update-alone"
        ),
        pytest.param(["--baseline-prune"], "--baseline-prune needs --baseline", id="prune-alone"),
        pytest.param(["--strict-baseline"], "--strict-baseline needs", id="strict-alone"),
        pytest.param(["--baseline", "{missing}"], "does not exist", id="baseline-missing"),
        pytest.param(["--baseline", "{dir}"], "cannot be read", id="baseline-directory"),
        pytest.param(["--baseline", "{unknown}"], "unknown keys owner", id="baseline-unknown-key"),
        pytest.param(
            ["--baseline", "{bad_date}"], "expires must be a date", id="baseline-bad-date"
        ),
        pytest.param(["--compare-to", "{missing}"], "--compare-to", id="compare-to-missing"),
        pytest.param(["--compare-to", "{unknown}"], "is not JSON", id="compare-to-not-json"),
    ],
)
def test_run_regression_mistake_exits_2_in_one_line_before_pytest(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    words: str,
) -> None:
    entry = "  - {id: r#1, rule: r, summary: s, reason: x, first_seen: 2026-01-01"
    files = {
        "missing": tmp_path / "missing.yml",
        "dir": tmp_path,
        "unknown": tmp_path / "unknown.yml",
        "bad_date": tmp_path / "bad-date.yml",
    }
    files["unknown"].write_text(f"version: 1\nentries:\n{entry}, owner: me}}\n", encoding="utf-8")
    files["bad_date"].write_text(f"version: 1\nentries:\n{entry}, expires: 31/12}}\n", "utf-8")

    def no_pytest(args: list[str]) -> int:
        raise AssertionError("pytest started")

    monkeypatch.setattr(pytest, "main", no_pytest)
    args = _parse([arg.format(**files) for arg in argv])
    assert command.run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("immoteur-contract run: error: ")
    assert err.count("\n") == 1
    assert words in err


TOKEN = "tok-FINISH-1c2d3e"


def _failure(failure_id: str, case: str) -> Failure:
    return Failure(
        test=f"contract_tests/t.py::{case}",
        rule="r",
        body={"t": TOKEN},
        curl=f"curl -H 'authorization: Bearer {TOKEN}'",
        message=f"expected 422 ({TOKEN})",
        id=failure_id,
        layer="rules",
        case=case,
        expectation="status-422",
        status=201,
    )


def _report(failures: list[Failure], passed: list[str]) -> RunReport:
    outcomes = [Outcome(f.test, "r", "failed") for f in failures]
    outcomes += [Outcome(f"contract_tests/t.py::{case}", "r", "passed") for case in passed]
    return RunReport("t", 1, 0.1, Ledger(), outcomes, failures, token=TOKEN)


def test_finish_update_and_prune_rewrite_the_baseline_keeping_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "baseline.yml"
    entry = (
        "{{id: 'r#{0}', rule: r, summary: s, reason: kept, first_seen: 2026-01-01, case: 'c[{0}]'}}"
    )
    path.write_text(f"version: 1\nentries: [{entry.format(1)}, {entry.format(2)}]\n", "utf-8")
    args = _parse(["--baseline", str(path), "--baseline-update", "--baseline-prune"])
    checks = regression.prepare(args)
    report = _report([_failure("r#1", "c[1]"), _failure("r#3", "c[3]")], passed=["c[2]"])
    judgement, lines = regression.judge_run(args, checks, report)
    assert regression.finish(args, checks, report, judgement, lines) == 0
    entries = {e.id: e for e in Baseline.load(path).entries}
    assert set(entries) == {"r#1", "r#3"}
    assert entries["r#1"].reason == "kept"
    assert entries["r#3"].reason == PLACEHOLDER_REASON
    out = capsys.readouterr().out
    assert "fixed  r#2  not reproduced: removed" in out
    assert "1 added, 1 removed" in out
    assert TOKEN not in path.read_text(encoding="utf-8") + out


def test_summary_of_a_stopped_run_says_why_without_the_token(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    args = _parse(["--summary", str(summary)])
    report = _report([], [])
    report.error = f"the target rejected the token {TOKEN}"
    regression.summarise_error(args, report)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Immoteur contract: error\n")
    assert "the target rejected the token $IMMOTEUR_TOKEN" in text


def test_finish_summary_is_markdown_without_the_token(tmp_path: Path) -> None:
    summary = tmp_path / "out" / "summary.md"
    args = _parse(["--summary", str(summary)])
    assert command.usage_problem(args) is None
    assert summary.parent.is_dir()  # created before the run, with the other outputs
    checks = regression.prepare(args)
    report = _report([_failure("r#1", "c[1]")], [])
    assert regression.finish(args, checks, report, *regression.judge_run(args, checks, report)) == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Immoteur contract: DOES NOT CONFORM (1 failures)")
    assert "| `r#1` | r | c[1] | broke status-422, 201 |" in text
    assert TOKEN not in text
