"""Hypothesis strategies and deterministic boundary cases for issue-report bodies.

Everything here is built from `rules.CONTRACT` (enums, limits, the UUID and non-blank patterns,
the spec's own examples) and checked against `rules.RULES`, so a change to openapi.yaml changes
what is generated without an edit here. Four public entry points:

- `uuids(case=...)`: UUID strings the spec accepts (D7).
- `valid_reports(kind=None)`: JSON-ready dicts that break no rule.
- `reports_breaking(rule_id)`: valid reports with exactly one thing broken, so that the only
  rule they break is `rule_id`.
- `report_like_bodies()`: a mix of valid, single-fault, multi-fault and odd JSON values for
  differential testing against the spec's JSON Schema.

`boundary_cases()` is the deterministic counterpart: a table of `Case(id, body, rule)` rows that
walk every rule and every decision D1-D10 at its edges.

The implementation lives in `_internal/`, one module per concern (as Hypothesis lays out its
own): `characters` (D5's blanks, their classes and look-alikes), `uuids` (D7), `json_values`,
`valid` (valid reports), `faults` (single-fault reports), `mixed` (differential bodies),
`scale` (many targets, one bad item among many, every edge at once) and `boundaries` (the
deterministic table, with the cases the suite leads with). This module only re-exports the
public names.
"""

from __future__ import annotations

from ._internal.boundaries import Case, boundary_cases
from ._internal.characters import blank_characters, whitespace_look_alikes
from ._internal.faults import reports_breaking
from ._internal.mixed import report_like_bodies
from ._internal.uuids import UUID_CASES, uuid_look_alikes, uuids
from ._internal.valid import valid_reports

__all__ = [
    "UUID_CASES",
    "Case",
    "blank_characters",
    "boundary_cases",
    "report_like_bodies",
    "reports_breaking",
    "uuid_look_alikes",
    "uuids",
    "valid_reports",
    "whitespace_look_alikes",
]
