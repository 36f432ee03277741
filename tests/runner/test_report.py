"""The end-of-run table and JSON: whole curl lines or none, short bodies, no crash; a verdict
that says "conforms" only for a complete run, and a partial run that says what it left out."""

from __future__ import annotations

from typing import Any

import pytest

from immoteur_contract.rules import RULES
from immoteur_contract.runner.budget import REASON_BUDGET, REASON_WRITES
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.report import LAYERS, Failure, Outcome, RunReport
from immoteur_contract.runner.table import render_table
from immoteur_contract.runner.verdict import VERDICTS


def _report(*failures: Failure, token: str = "tok-DISTINCTIVE-9") -> RunReport:
    return RunReport(
        target="in-process",
        seed=1,
        seconds=0.5,
        ledger=Ledger(),
        outcomes=[Outcome(f.test, f.rule, "failed") for f in failures],
        failures=list(failures),
        token=token,
    )


def _failure(body: Any, curl: str = "curl -X POST http://127.0.0.1:8080/x") -> Failure:
    return Failure(test="t", rule="comment-max-length", body=body, curl=curl, message="m")


def test_render_table_prints_a_short_curl_line_whole() -> None:
    table = render_table(_report(_failure({"comment": "x"})))
    assert "reproduce: curl -X POST http://127.0.0.1:8080/x" in table
    assert "DOES NOT CONFORM" in table


def test_render_table_never_cuts_a_curl_line_and_says_where_it_is() -> None:
    long_curl = "curl --data-binary '" + "x" * 5000 + "'"
    table = render_table(_report(_failure({"comment": "x" * 5000}, long_curl)), "out.json")
    assert long_curl[:2100] not in table
    assert "5,021-character curl line" in table
    assert "in out.json" in table
    assert "5,015 characters in all" in table


def test_render_table_shows_lone_surrogates_escaped() -> None:
    table = render_table(_report(_failure({"comment": "\ud800"})))
    table.encode("utf-8")  # printable on a UTF-8 terminal
    assert "\\ud800" in table


def test_render_table_lists_ten_failures_then_counts_the_rest() -> None:
    table = render_table(_report(*[_failure({"n": n}) for n in range(13)]))
    assert table.count("FAILED t") == 10
    assert "and 3 more failures" in table


def test_render_table_never_shows_the_token() -> None:
    curl = "curl -H 'authorization: Bearer tok-DISTINCTIVE-9'"
    table = render_table(_report(_failure({"comment": "tok-DISTINCTIVE-9"}, curl)))
    assert "tok-DISTINCTIVE-9" not in table


def _run(*outcomes: Outcome, failures: tuple[Failure, ...] = ()) -> RunReport:
    return RunReport(
        target="http://192.0.2.2:8080/public/v1",
        seed=1,
        seconds=1.0,
        ledger=Ledger(),
        outcomes=list(outcomes),
        failures=list(failures),
        max_requests=200,
        planned=200,
        wanted=414,
    )


RULE = "comment-max-length"
PASSED = Outcome("t1", RULE, "passed", "rules (deterministic)")
CUT = Outcome("t2", "schema", "partial", "schema (schemathesis)", REASON_BUDGET)
NOT_RUN = Outcome("t3", RULE, "not run", "rules (deterministic)", REASON_BUDGET)
NO_WRITES = Outcome("t4", "acceptance", "not run", "acceptance (generated)", REASON_WRITES)
FAILED = Outcome("t", RULE, "failed", "rules (deterministic)")


@pytest.mark.parametrize(
    ("outcomes", "failures", "verdict", "conforms", "complete"),
    [
        pytest.param([PASSED], (), "conforms", True, True, id="complete-pass"),
        pytest.param([PASSED, CUT], (), "partial", False, False, id="budget-cut"),
        pytest.param([PASSED, NO_WRITES], (), "partial", False, False, id="no-writes"),
        pytest.param([FAILED, NOT_RUN], (_failure({}),), "fails", False, False, id="fail-fast"),
        pytest.param([], (), "partial", False, False, id="nothing-ran"),
    ],
)
def test_report_verdict_is_conforms_only_for_a_complete_run_without_failure(
    outcomes: list[Outcome],
    failures: tuple[Failure, ...],
    verdict: str,
    conforms: bool,
    complete: bool,
) -> None:
    report = _run(*outcomes, failures=failures)
    data = report.as_json()
    assert (data["verdict"], data["conforms"], data["complete"]) == (verdict, conforms, complete)
    total = next(line for line in render_table(report).splitlines() if line.startswith("total"))
    assert VERDICTS[verdict] in total


def test_report_partial_run_lists_what_got_nothing_and_what_got_part() -> None:
    report = _run(PASSED, NOT_RUN, CUT, NO_WRITES)
    coverage = report.as_json()["coverage"]
    assert {k: coverage[k] for k in ("max_requests", "planned", "wanted", "sent")} == {
        "max_requests": 200,
        "planned": 200,
        "wanted": 414,
        "sent": 0,
    }
    assert {"key": "acceptance", "reason": REASON_WRITES} in coverage["not_covered"]
    assert {"key": RULE, "reason": REASON_BUDGET} in coverage["partial"]
    assert {"key": "schema", "reason": REASON_BUDGET} in coverage["partial"]
    not_covered_rules = {gap["key"] for gap in coverage["not_covered"]} - {"acceptance"}
    # no test at all in this report: every other rule and every layer but schema
    assert not_covered_rules == set(RULES.ids) - {RULE} | set(LAYERS) - {"schema", "acceptance"}
    parts = {part["part"]: part for part in coverage["parts"]}
    assert parts["acceptance (generated)"]["status"] == "not covered"
    assert parts["rules (deterministic)"]["status"] == "partial"
    rows = {row["rule"]: row["verdict"] for row in report.rules()}
    assert (rows[RULE], rows["schema"], rows["acceptance"]) == ("partial", "partial", "not covered")


def test_render_table_of_a_partial_run_says_it_and_what_was_not_covered() -> None:
    table = render_table(_run(PASSED, NOT_RUN, CUT, NO_WRITES))
    assert "no divergence found in a partial run" in table
    assert "conforms" not in table
    assert "partial run: 0 requests sent of a 200-request budget" in table
    assert f"not covered ({REASON_WRITES}): acceptance" in table
    assert f"partly covered ({REASON_BUDGET}): {RULE}, schema" in table
