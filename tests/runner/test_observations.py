"""Observations drawn from the ledger (latency percentiles, 429 headers) and the spec (which
rules are cross-field)."""

from __future__ import annotations

from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.runner.ledger import Ledger
from immoteur_contract.runner.observations import Observations, cross_field_rule_ids


def _ledger(*answers: tuple[int, float, dict[str, str] | None]) -> Ledger:
    ledger = Ledger()
    for status, seconds, headers in answers:
        exchange = ledger.add("POST", "http://t/issues", {}, b"{}", status)
        exchange.seconds = seconds
        exchange.response_headers = headers
    return ledger


def test_observations_latency_percentiles_in_milliseconds() -> None:
    ledger = _ledger(*[(422, n / 1000, None) for n in range(1, 101)])
    seen = Observations().as_json(ledger)
    assert seen["latency.p50-ms"]["value"] == 50.5
    assert 94 <= seen["latency.p95-ms"]["value"] <= 96


def test_observations_429_header_names_only_when_a_429_happened() -> None:
    assert "429.headers" not in Observations().as_json(
        _ledger((422, 0.01, None), (201, 0.01, None))
    )
    headers = {"Retry-After": "3", "X-RateLimit-Limit": "60", "Content-Type": "application/json"}
    seen = Observations().as_json(_ledger((429, 0.01, headers), (201, 0.01, None)))
    assert seen["429.headers"]["value"] == ["retry-after", "x-ratelimit-limit"]


def test_observations_recorded_values_are_sorted_by_name() -> None:
    observations = Observations()
    observations.record("b", 1)
    observations.record("a", "x", "note")
    assert list(observations.as_json(Ledger())) == ["a", "b"]
    assert observations.as_json(Ledger())["a"] == {"value": "x", "note": "note"}


def test_cross_field_rules_are_the_conditional_rules_of_the_spec() -> None:
    request = CONTRACT.schema(CONTRACT.request_schema_name)
    ids = cross_field_rule_ids()
    assert len(ids) == len(request["allOf"])
    assert set(ids) <= set(RULES.ids)
    assert all(rule.startswith(("data-", "clustering-", "other-")) for rule in ids)
