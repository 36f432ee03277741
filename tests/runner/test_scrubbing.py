"""Scrubbing replaces the token where it stands and never inside the run's identifiers."""

from __future__ import annotations

import json
from pathlib import Path

from immoteur_contract.runner.ledger import Context, Ledger
from immoteur_contract.runner.report import Failure, Outcome, RunReport, render_table
from immoteur_contract.runner.scrubbing import (
    PLACEHOLDER,
    Scrubber,
    identifiers_of_test,
    scrub_junit,
    short_token_warning,
)

TOKEN = "en-valid"  # 8 characters, inside the case id below
TEST = "contract_tests/test_auth.py::test_bad_authorization_is_unauthenticated[no-token-valid-body]"


def test_scrubbing_keeps_an_identifier_that_contains_the_token() -> None:
    scrubber = Scrubber(TOKEN, frozenset(identifiers_of_test(TEST)))
    text = f"{TEST}: sent Bearer {TOKEN}, the case no-token-valid-body got 201 ({TOKEN})"
    assert scrubber.text(text) == (
        f"{TEST}: sent Bearer {PLACEHOLDER}, the case no-token-valid-body got 201 ({PLACEHOLDER})"
    )


def test_scrubbing_keeps_rule_ids_always() -> None:
    assert Scrubber("requires").text("data-requires-issue-facets: requires x") == (
        f"data-requires-issue-facets: {PLACEHOLDER} x"
    )


def test_scrubbing_test_identifiers_hold_the_case_parts() -> None:
    names = identifiers_of_test("a/b.py::test_x[data-rule:data-case]")
    assert {"test_x[data-rule:data-case]", "test_x", "data-rule:data-case", "data-case"} <= names


def test_scrubbing_foreign_values_at_any_length_keys_included() -> None:
    scrubber = Scrubber("abc")
    body = {"abc": ["xabcx", 1, None], "k": {"n": "abc"}}
    assert scrubber.foreign(body) == {
        PLACEHOLDER: [f"x{PLACEHOLDER}x", 1, None],
        "k": {"n": PLACEHOLDER},
    }


def test_scrubbing_own_outputs_only_for_a_distinct_token() -> None:
    short, long = Scrubber("pass"), Scrubber("pass-word-1")
    assert short.own_text("verdict pass") == "verdict pass"
    assert short.own({"verdict": "pass"}) == {"verdict": "pass"}
    assert long.own({"pass-word-1": "pass-word-1"}) == {"pass-word-1": PLACEHOLDER}
    assert long.own_text("x pass-word-1") == f"x {PLACEHOLDER}"


def test_scrubbing_short_token_warning() -> None:
    warning = short_token_warning("abc1234")
    assert warning is not None
    assert "7 characters" in warning
    assert "abc1234" not in warning
    assert short_token_warning("abcd1234") is None
    assert short_token_warning("") is None


def test_scrubbing_junit_keeps_tags_and_names(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="test">'
        f'<testcase classname="test" name="{TEST}"><failure message="got {TOKEN}">'
        f"body quoted Bearer test {TOKEN}</failure></testcase></testsuite></testsuites>",
        encoding="utf-8",
    )
    scrub_junit(path, Scrubber("test", frozenset(identifiers_of_test(TEST))))
    text = path.read_text(encoding="utf-8")
    assert "<testcase" in text
    assert 'classname="test"' in text
    assert f'name="{TEST}"' in text
    assert f"body quoted Bearer {PLACEHOLDER} {TOKEN}" in text


def _report(token: str) -> RunReport:
    ledger = Ledger()
    ledger.context = Context(TEST, "auth-protocol", "auth-protocol")
    exchange = ledger.add(
        "POST", "http://h/issues", {"authorization": f"Bearer {token}"}, b'{"a": 1}', 201
    )
    exchange.failed = True
    failure = Failure(
        test=TEST,
        rule="auth-protocol",
        body={"comment": token},
        curl="",
        message=f"expected 401, got 201: quoted {token}",
        id="auth-protocol#0123abcd",
        layer="auth-protocol",
        case=TEST.split("::")[-1],
        expectation="status-401",
        status=201,
    )
    outcome = Outcome(TEST, "auth-protocol", "failed", "auth")
    return RunReport("t", 1, 1.0, ledger, [outcome], [failure], token=token)


def test_scrubbing_report_keeps_case_ids_and_hides_the_token() -> None:
    report = _report(TOKEN)
    for text in (report.dumps(), render_table(report)):
        assert TEST in text
        assert TOKEN not in text.replace("no-token-valid-body", "")
    cases = json.loads(report.dumps())["cases"]
    assert "test_bad_authorization_is_unauthenticated[no-token-valid-body]" in cases
