"""One cause, one headline: failures of several rules sharing one anomaly are told as one."""

from __future__ import annotations

from immoteur_contract.runner.causes import causes_of, signature_of
from immoteur_contract.runner.report import Failure

RULE_IDS = [f"rule-{n}" for n in range(20)]


def _failure(rule: str, message: str, expectation: str, status: int | None, n: int = 0) -> Failure:
    return Failure(
        test=f"t.py::test_x[{rule}:case-{n}]",
        rule=rule,
        body=None,
        curl=f"curl {rule} {n}",
        message=message,
        id=f"{rule}#{n:08x}",
        case=f"test_x[{rule}:case-{n}]",
        expectation=expectation,
        status=status,
    )


def test_causes_signature_leaves_out_the_quoted_answer_and_digits() -> None:
    one = _failure("a", 'expected 422, got 400: \'{"message": "x 1"}\'', "status-422", 400)
    two = _failure("b", 'expected 422, got 400: \'{"message": "y 22"}\'\nmore', "status-422", 400)
    assert signature_of(one) == signature_of(two)
    assert signature_of(one)[2] == "expected N, got N"


def test_causes_one_anomaly_across_rules_is_one_cause() -> None:
    root = "the error key '' names no field of the request"
    failures = [_failure(rule, root, "error-key-field", 422, n) for n, rule in
                enumerate(RULE_IDS[:4] * 2)]  # fmt: skip
    failures.append(_failure("rule-9", "expected 422, got 201: '{}'", "status-422", 201))
    (cause,) = causes_of(failures, RULE_IDS)
    assert cause.count == 8
    assert cause.rules == RULE_IDS[:4]
    assert cause.summary.startswith(f"8 failures share one cause: {root} (status 422")
    assert cause.example is failures[0]
    assert cause.as_json()["example"]["curl"] == "curl rule-0 0"


def test_causes_unrelated_failures_make_no_cause() -> None:
    failures = [
        _failure(
            "rule-1", "the error key 'x' names no field of the request", "error-key-field", 422
        ),
        _failure(
            "rule-2", "expected Content-Type application/json, got 'none'", "content-type", 422
        ),
        _failure("rule-3", "expected 422, got 500: '{}'", "status-422", 500),
        _failure("rule-4", "the 422 body names no field in `errors`", "errors-empty", 422),
    ]
    assert causes_of(failures, RULE_IDS) == []


def test_causes_one_rule_failing_many_times_is_no_cause() -> None:
    failures = [_failure("rule-1", "expected 422, got 400", "status-422", 400, n) for n in range(9)]
    assert causes_of(failures, RULE_IDS) == []


def test_causes_accepted_reports_are_each_rule_own_unless_nearly_every_rule() -> None:
    accepted = 'expected 422, got 201: \'{"reportId": "x"}\''
    three = [_failure(rule, accepted, "status-422", 201) for rule in RULE_IDS[:3]]
    assert causes_of(three, RULE_IDS) == []
    every = [_failure(rule, accepted, "status-422", 201) for rule in RULE_IDS[:16]]
    (cause,) = causes_of(every, RULE_IDS)
    assert cause.count == 16


def test_causes_names_that_differ_are_one_cause_with_its_variants() -> None:
    keys = ["property_ids", "issue_kind", "clustering_action"]
    failures = [
        _failure(
            rule, f"the error key '{key}' names no field of the request", "error-key-field", 422
        )
        for rule, key in zip(RULE_IDS, keys, strict=False)
    ]
    (cause,) = causes_of(failures, RULE_IDS)
    assert cause.summary.startswith(
        "3 failures share one cause: the error key '...' names no field of the request"
        " (as 'property_ids', 'issue_kind', 'clustering_action') (status 422"
    )
