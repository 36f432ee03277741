"""Watched behaviour: what the contract leaves open and clients may rely on, recorded, never
judged.

The probes live in contract_tests/test_7_observations.py (layer `observations`); the probe
families below the schema also record what RFC 8259 and the contract leave open
(`json-grammar.<probe>.status` in test_8_json_grammar.py, `limits.*` in
test_9_resource_limits.py). Each records named values here through `Api.observe`. At the end
of the run the ledger adds what every request already showed: response-time percentiles and
the headers of a 429. The `--report` JSON carries them all under `observations` as
`{name: {"value": ..., "note": ...}}`, and `compare.py` says which changed between two runs.

Every value comes from a deterministic request (a fixed body, a fixed header) or from the whole
ledger, never from a random body, so two runs of one server under different seeds record the
same values (latency aside, which comparisons treat with a tolerance).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..rules import CONTRACT
from .ledger import Ledger

__all__ = [
    "LATENCY_NAMES",
    "RATE_LIMIT_HEADERS",
    "Observation",
    "Observations",
    "cross_field_rule_ids",
]

LATENCY_NAMES = ("latency.p50-ms", "latency.p95-ms")
"""The response-time observations (milliseconds, from every request of the run)."""

RATE_LIMIT_HEADERS = re.compile(r"^(retry-after|x-ratelimit-.*|ratelimit.*|x-rate-limit-.*)$")
"""Response headers of a 429 worth watching: Retry-After and the rate-limit families."""

_RULE_COMMENT = re.compile(r"^rule ([a-z0-9-]+)")


@dataclass(frozen=True)
class Observation:
    """A named value a run saw, and a note on how it was seen (or why it could not be)."""

    name: str
    value: Any
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "note": self.note}


class Observations:
    """The observations of one run, by name (the last record of a name wins)."""

    def __init__(self) -> None:
        self._seen: dict[str, Observation] = {}

    def record(self, name: str, value: Any, note: str = "") -> None:
        self._seen[name] = Observation(name, value, note)

    def __iter__(self) -> Iterator[Observation]:
        return iter(self._seen.values())

    def as_json(self, ledger: Ledger) -> dict[str, dict[str, Any]]:
        """Every observation, those drawn from the ledger included, sorted by name."""
        seen = dict(self._seen)
        for observation in _from_ledger(ledger):
            seen[observation.name] = observation
        return {name: seen[name].as_json() for name in sorted(seen)}


def _from_ledger(ledger: Ledger) -> Iterator[Observation]:
    timed = [e.seconds * 1000 for e in ledger.exchanges if e.seconds is not None]
    if len(timed) >= 2:
        cuts = statistics.quantiles(timed, n=20, method="inclusive")
        note = f"over the {len(timed)} requests of the run"
        yield Observation(LATENCY_NAMES[0], round(statistics.median(timed), 1), note)
        yield Observation(LATENCY_NAMES[1], round(cuts[18], 1), note)
    limited = [e for e in ledger.exchanges if e.status == 429 and e.response_headers is not None]
    if limited:
        names = sorted(
            {
                name.lower()
                for e in limited
                for name in e.response_headers or {}
                if RATE_LIMIT_HEADERS.match(name.lower())
            }
        )
        note = f"header names seen on the {len(limited)} responses 429 of the run"
        yield Observation("429.headers", names, note)


def cross_field_rule_ids() -> tuple[str, ...]:
    """The conditional rules of the spec (the `if`/`then` entries of the request schema's
    `allOf`, each named in its `$comment`): the rules whose violation the contract does not
    pin to one key."""
    request = CONTRACT.schema(CONTRACT.request_schema_name)
    found = (_RULE_COMMENT.match(str(e.get("$comment", ""))) for e in request.get("allOf", ()))
    return tuple(match.group(1) for match in found if match)
