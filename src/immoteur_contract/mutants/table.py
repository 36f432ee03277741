"""The kill table: one row per run, as aligned text for people and as JSON for tools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .kill import Outcome
from .registry import CorrectServer, FaultyServer

__all__ = ["progress_line", "render_table", "summary", "to_json"]

_HEADER = ("target", "seed", "verdict", "seconds", "requests", "first failure at", "first rule")


def _label(outcome: Outcome) -> str:
    return "(reference server)" if outcome.target.name == "reference" else outcome.target.name


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def _row(outcome: Outcome) -> tuple[str, ...]:
    return (
        _label(outcome),
        str(outcome.target.seed),
        outcome.verdict,
        f"{outcome.seconds:.2f}",
        _dash(outcome.requests),
        _dash(outcome.first_failure_request),
        _dash(outcome.first_failure_rule),
    )


def _ordered(outcomes: Sequence[Outcome], order: Sequence[str]) -> list[Outcome]:
    """Reference runs first (by seed), then correct and faulty servers in `order`."""
    rank = {name: index for index, name in enumerate(order)}
    return sorted(
        outcomes,
        key=lambda o: (
            o.target.name != "reference",
            not o.target.should_conform,
            rank.get(o.target.name, len(rank)),
            o.target.seed,
        ),
    )


def render_table(outcomes: Sequence[Outcome], order: Sequence[str] = ()) -> str:
    """An aligned text table, reference runs first, then correct and faulty servers in `order`."""
    rows = [_HEADER, *(_row(outcome) for outcome in _ordered(outcomes, order))]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER))]
    numeric = {1, 3, 4, 5}
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if column in numeric else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def progress_line(outcome: Outcome, done: int, total: int) -> str:
    """One line as a run finishes: `[ 3/70] killed   NAME  0.84 s  first failure at request 12`."""
    width = len(str(total))
    detail = (
        f"first failure at request {outcome.first_failure_request}"
        if outcome.first_failure_request is not None
        else f"{_dash(outcome.requests)} requests"
    )
    if outcome.verdict == "error":
        detail = f"runner exit code {outcome.exit_code}"
    name = _label(outcome)
    if outcome.target.should_conform:  # several seeds each
        name += f" seed {outcome.target.seed}"
    return (
        f"[{done:>{width}}/{total}] {outcome.verdict:<8} {name}  {outcome.seconds:.2f} s  {detail}"
    )


def summary(outcomes: Sequence[Outcome], seconds: float, jobs: int) -> str:
    """The closing line: how many faulty servers were killed, and how many runs of the reference
    and of the correct servers passed."""
    faulty = [o for o in outcomes if not o.target.should_conform]
    reference = [o for o in outcomes if o.target.name == "reference"]
    correct = [o for o in outcomes if o.target.should_conform and o.target.name != "reference"]
    killed = sum(o.verdict == "killed" for o in faulty)
    passed = sum(o.verdict == "passed" for o in reference)
    correct_passed = sum(o.verdict == "passed" for o in correct)
    return (
        f"{killed}/{len(faulty)} faulty servers killed; reference server passed "
        f"{passed}/{len(reference)} runs; correct servers passed {correct_passed}/{len(correct)} "
        f"runs; {seconds:.1f} s wall time with {jobs} jobs"
    )


def to_json(
    outcomes: Sequence[Outcome],
    catalog: Mapping[str, FaultyServer],
    correct: Mapping[str, CorrectServer] | None = None,
    *,
    seconds: float,
    jobs: int,
) -> dict[str, Any]:
    """The table as JSON: `ok`, wall `seconds`, `jobs`, `reference` runs, `correct_servers`
    runs and `faulty_servers`."""
    correct = correct or {}

    def entry(outcome: Outcome) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seed": outcome.target.seed,
            "verdict": outcome.verdict,
            "exit_code": outcome.exit_code,
            "seconds": round(outcome.seconds, 3),
            "requests": outcome.requests,
            "first_failure_request": outcome.first_failure_request,
            "first_failure_rule": outcome.first_failure_rule,
            "first_failure_test": outcome.first_failure_test,
        }
        server = catalog.get(outcome.target.name)
        if not outcome.target.should_conform and server is not None:
            data = {
                "name": server.name,
                "kind": server.kind,
                "divergence": server.divergence,
                **data,
            }
        variant = correct.get(outcome.target.name)
        if outcome.target.should_conform and variant is not None:
            data = {
                "name": variant.name,
                "kind": variant.kind,
                "difference": variant.difference,
                **data,
            }
        return data

    ordered = _ordered(outcomes, [*correct, *catalog])
    return {
        "ok": bool(outcomes) and all(o.ok for o in outcomes),
        "seconds": round(seconds, 3),
        "jobs": jobs,
        "reference": [entry(o) for o in ordered if o.target.name == "reference"],
        "correct_servers": [entry(o) for o in ordered if o.target.name in correct],
        "faulty_servers": [entry(o) for o in ordered if not o.target.should_conform],
    }
