"""`immoteur-contract mutants` without running the suite: plan, verdicts, report reading, table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from immoteur_contract.mutants import (
    CORRECT_SERVERS,
    FAULTY_SERVERS,
    REFERENCE_APP,
    app_spec,
    correct_names,
    names,
)
from immoteur_contract.mutants.command import add_arguments, run, targets
from immoteur_contract.mutants.kill import Outcome, Target, read_outcome, runner_argv
from immoteur_contract.mutants.table import progress_line, render_table, summary, to_json
from immoteur_contract.mutants.warm import import_quietly

FAULTY = Target("created_as_200", app_spec("created_as_200"), 7, should_conform=False)
REFERENCE = Target("reference", REFERENCE_APP, 7, should_conform=True)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_targets_puts_reference_seeds_first_then_every_faulty_server() -> None:
    plan = targets(names(), seed=3, reference_seeds=2)
    assert [(t.app, t.seed) for t in plan[:2]] == [(REFERENCE_APP, 3), (REFERENCE_APP, 4)]
    assert [t.name for t in plan[2:]] == names()
    assert all(t.should_conform for t in plan[:2])
    assert not any(t.should_conform for t in plan[2:])


def test_runner_argv_is_fail_fast_quiet_with_seed_and_report(tmp_path: Path) -> None:
    argv = runner_argv(FAULTY, tmp_path / "r.json")
    assert argv[:3] == ["run", "--app", "immoteur_contract.mutants.apps:created_as_200"]
    assert {"--fail-fast", "-q"} <= set(argv)
    assert argv[argv.index("--seed") + 1] == "7"
    assert argv[argv.index("--report") + 1] == str(tmp_path / "r.json")


@pytest.mark.parametrize(
    ("target", "code", "conforms", "verdict"),
    [
        pytest.param(FAULTY, 1, False, "killed", id="faulty-killed"),
        pytest.param(FAULTY, 0, True, "survived", id="faulty-survived"),
        pytest.param(FAULTY, 0, False, "survived", id="faulty-partial-run-found-nothing"),
        pytest.param(FAULTY, 2, None, "error", id="faulty-connection-error"),
        pytest.param(REFERENCE, 0, True, "passed", id="reference-passed"),
        pytest.param(REFERENCE, 1, False, "failed", id="reference-failed"),
        pytest.param(REFERENCE, 0, False, "failed", id="reference-partial-run-proves-nothing"),
        pytest.param(REFERENCE, -9, None, "error", id="reference-killed-by-timeout"),
    ],
)
def test_outcome_verdict(target: Target, code: int, conforms: bool | None, verdict: str) -> None:
    outcome = Outcome(target, code, 1.0, conforms=conforms)
    assert outcome.verdict == verdict
    assert outcome.ok == (verdict in ("killed", "passed"))


def test_read_outcome_takes_counts_and_first_failure_from_the_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            {
                "conforms": False,
                "target": "x",
                "seed": 7,
                "requests": 40,
                "seconds": 0.5,
                "first_failure_request": 12,
                "rules": [],
                "failures": [
                    {"test": "t1", "rule": "r1", "body": {}, "curl": "", "message": "m"},
                    {"test": "t2", "rule": "r2", "body": {}, "curl": "", "message": "m"},
                ],
            }
        )
    )
    outcome = read_outcome(FAULTY, 1, 0.7, report, tmp_path / "log")
    assert (outcome.verdict, outcome.requests, outcome.first_failure_request) == ("killed", 40, 12)
    assert (outcome.first_failure_rule, outcome.first_failure_test) == ("r1", "t1")
    assert outcome.failed_rules == ("r1", "r2")
    assert outcome.error is None


def test_read_outcome_lists_the_rules_that_got_requests(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    rows = [
        {"rule": "schema", "requests": 3, "verdict": "pass"},
        {"rule": "check-order", "requests": 0, "verdict": "skip"},
    ]
    report.write_text(json.dumps({"conforms": True, "rules": rows, "failures": []}))
    outcome = read_outcome(REFERENCE, 0, 0.1, report, tmp_path / "log")
    assert (outcome.probed_rules, outcome.failed_rules) == (("schema",), ())


def test_read_outcome_without_report_is_an_error_quoting_the_log(tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.write_text("Traceback: the runner broke\n")
    outcome = read_outcome(FAULTY, 3, 0.1, tmp_path / "missing.json", log)
    assert outcome.verdict == "error"
    assert outcome.error is not None
    assert "the runner broke" in outcome.error


def test_table_lists_reference_first_and_every_run() -> None:
    outcomes = [
        Outcome(FAULTY, 1, 0.5, conforms=False, requests=3, first_failure_request=3),
        Outcome(REFERENCE, 0, 2.0, conforms=True, requests=300),
    ]
    lines = render_table(outcomes, names()).splitlines()
    assert lines[2].startswith("(reference server)")
    assert "passed" in lines[2]
    assert lines[3].startswith("created_as_200")
    assert "killed" in lines[3]
    assert summary(outcomes, 2.5, 2).startswith("1/1 faulty servers killed")
    assert progress_line(outcomes[0], 1, 2).startswith("[1/2] killed")


def test_json_table_is_ok_only_when_all_killed_and_reference_passed() -> None:
    killed = Outcome(FAULTY, 1, 0.5, conforms=False, requests=3, first_failure_request=3)
    survived = Outcome(FAULTY, 0, 0.5, conforms=True, requests=300)
    passed = Outcome(REFERENCE, 0, 2.0, conforms=True, requests=300)
    good = to_json([killed, passed], FAULTY_SERVERS, seconds=2.5, jobs=2)
    assert good["ok"] is True
    assert good["faulty_servers"][0]["divergence"] == FAULTY_SERVERS["created_as_200"].divergence
    assert good["reference"][0]["verdict"] == "passed"
    assert to_json([survived, passed], FAULTY_SERVERS, seconds=2.5, jobs=2)["ok"] is False


def test_command_list_prints_every_faulty_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_args("--list")) == 0
    out = capsys.readouterr().out
    for server in FAULTY_SERVERS.values():
        assert f"{server.name} " in out
        assert server.divergence in out


def test_command_unknown_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_args("--only", "no_such_server")) == 2
    assert "no_such_server" in capsys.readouterr().err


def test_import_quietly_counts_new_modules_and_skips_failures() -> None:
    fresh = "tabnanny" not in sys.modules
    assert import_quietly(["json", "tabnanny", "this_module_does_not_exist"]) == int(fresh)
    assert "tabnanny" in sys.modules
    assert "this_module_does_not_exist" not in sys.modules


def test_targets_runs_each_correct_server_under_every_reference_seed() -> None:
    plan = targets(correct_names(), seed=3, reference_seeds=2)
    correct = [t for t in plan if t.name != "reference"]
    assert [(t.name, t.seed) for t in correct] == [
        (name, seed) for name in correct_names() for seed in (3, 4)
    ]
    assert all(t.should_conform for t in correct)
    assert {t.name for t in correct if t.over_http} == {
        name for name, server in CORRECT_SERVERS.items() if server.kind == "transport"
    }


def test_runner_argv_of_a_served_target_has_no_app(tmp_path: Path) -> None:
    served = Target("chunked_responses", app_spec("chunked_responses"), 1, True, over_http=True)
    argv = runner_argv(served, tmp_path / "r.json")
    assert "--app" not in argv
    assert argv[argv.index("--seed") + 1] == "1"


def test_runner_argv_of_a_listening_server_has_its_url_and_no_token(tmp_path: Path) -> None:
    listening = Target(
        "foreign",
        "foreign:x",
        2,
        True,
        base_url="http://127.0.0.1:9/public/v1",
        token="secret-token-value",
        fail_fast=False,
    )
    argv = runner_argv(listening, tmp_path / "r.json")
    assert argv[argv.index("--base-url") + 1] == "http://127.0.0.1:9/public/v1"
    assert "--app" not in argv
    assert "--fail-fast" not in argv
    assert not any("secret-token-value" in arg for arg in argv)
    assert "secret-token-value" not in repr(listening)


def test_command_list_prints_every_correct_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_args("--list")) == 0
    out = capsys.readouterr().out
    for server in CORRECT_SERVERS.values():
        assert f"{server.name} " in out
        assert server.difference in out


def test_table_and_json_show_correct_server_runs() -> None:
    correct = Target("charset_parameter", app_spec("charset_parameter"), 2, should_conform=True)
    outcomes = [Outcome(REFERENCE, 0, 1.0, conforms=True), Outcome(correct, 1, 1.0, False)]
    assert "charset_parameter" in render_table(outcomes, correct_names())
    assert "correct servers passed 0/1 runs" in summary(outcomes, 2.0, 2)
    table = to_json(outcomes, FAULTY_SERVERS, CORRECT_SERVERS, seconds=2.0, jobs=2)
    assert table["ok"] is False
    assert [run["name"] for run in table["correct_servers"]] == ["charset_parameter"]
    assert table["correct_servers"][0]["verdict"] == "failed"
