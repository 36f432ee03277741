"""The end-of-run table stays readable: whole curl lines or none, short bodies, no crash."""

from __future__ import annotations

from typing import Any

from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.report import Failure, Outcome, RunReport, render_table


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
