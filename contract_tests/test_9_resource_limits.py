"""Unusual sizes and shapes, all in an unknown field (D8: ignored): deep nesting, many keys, a
long string, a long array, all of them at once, and bodies just under and just over 1 MiB (the
size the reference server refuses).

The contract sets no limit, so each may be read (the report's own verdict) or refused (400,
413, or 422), but never answered 5xx and never with a dropped connection. The limits seen are
recorded as observations, so that `compare` shows when a deployment's limits change:
`limits.deepest-nesting-read` (the deepest nesting of the ladder the target read) and
`limits.largest-body-read-bytes` (the largest body of these probes it read). "Read" is 201 for a
valid report (writes allowed), else 422 for the report's one violation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from immoteur_contract.runner.expectations import expect_read_or_refused
from immoteur_contract.runner.plugin import Api
from immoteur_contract.runner.probing import send_raw
from immoteur_contract.runner.raw_bodies import (
    MIB,
    base_report,
    every_shape,
    nested,
    padded_to,
    with_keys,
    with_member,
)

LAYER = "resource-limits"
SENDS = "one"

NESTING_LADDER = (32, 500, 5000, 100_000)
"""Nesting depths of the unknown field tried, in order (the reference server reads up to 512
levels, the report's own included)."""

Build = Callable[[dict[str, Any]], bytes]

_PROBES: dict[str, tuple[str, Build]] = {
    "every-shape-at-once": ("size", every_shape),
    **{
        f"nesting-{depth}": ("nesting", functools.partial(nested, depth=depth))
        for depth in NESTING_LADDER
    },
    "keys-50000": ("size", lambda base: with_keys(base, 50_000)),
    "string-900-kib": ("size", lambda base: padded_to(base, 900 * 1024)),
    "array-300000": (
        "size",
        lambda base: with_member(base, b"[" + b",".join([b"0"] * 300_000) + b"]"),
    ),
    "body-1-mib-minus-64": ("size", lambda base: padded_to(base, MIB - 64)),
    "body-1-mib": ("size", lambda base: padded_to(base, MIB)),
    "body-1-mib-plus-64": ("size", lambda base: padded_to(base, MIB + 64)),
}
_ROUNDS = {"every-shape-at-once": 1, "nesting-5000": 2}
"""The probes that lead: every shape at once shows a server that fails on any one of them
(round 1), a nesting past the reference server's limit one whose depth error is unhandled."""

_seen: dict[str, int] = {}
"""The deepest nesting and the largest body read so far in this run."""


def _probes() -> list[Any]:
    return [
        pytest.param(
            name, id=name, marks=[pytest.mark.leading(_ROUNDS[name])] if name in _ROUNDS else []
        )
        for name in _PROBES
    ]


@pytest.mark.parametrize("name", _probes())
def test_unusual_size_or_shape_is_answered(api: Api, name: str) -> None:
    valid = api.writes_allowed
    kind, build = _PROBES[name]
    content = build(base_report(valid=valid))
    response = send_raw(api.client, content)
    read = response.status_code == (201 if valid else 422)
    how = "read as a valid report (201)" if valid else "read as an invalid report (422)"
    if kind == "nesting" and read:
        depth = int(name.removeprefix("nesting-"))
        _seen["nesting"] = max(_seen.get("nesting", 0), depth)
        api.observe("limits.deepest-nesting-read", _seen["nesting"], f"of {NESTING_LADDER}, {how}")
    if read:
        _seen["body"] = max(_seen.get("body", 0), len(content))
        api.observe("limits.largest-body-read-bytes", _seen["body"], f"of the probes sent, {how}")
    api.expect(expect_read_or_refused, response, valid)
