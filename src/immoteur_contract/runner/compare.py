"""`immoteur-contract compare OLD.json NEW.json`: what changed between two runs' `--report` files.

It lists the failures that are new (an id NEW has and OLD has not), the failures that are fixed
(an id OLD had whose case ran in NEW without failing), the ones only not reproduced (found by a
random generator, or whose case did not run: no proof either way), and the observations that
changed. Exit status: 1 when a failure is new, 0 otherwise, 2 when a file cannot be read.

Comparisons are tolerant where runs vary by nature: latency counts as changed only when it at
least triples and ends above a floor; an observation one of the runs did not make (a probe
skipped, no 429 at all) is not a change. Failure ids and observations do not depend on the seed
(identity.py, observations.py), so two runs of one server compare as unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .identity import describe
from .observations import LATENCY_NAMES

__all__ = [
    "LATENCY_FACTOR",
    "LATENCY_FLOOR_MS",
    "Change",
    "Comparison",
    "ReportFileError",
    "add_arguments",
    "compare",
    "load_report",
    "render",
    "run",
]

LATENCY_FACTOR = 3.0
"""A latency percentile counts as changed when it is at least this many times the old one..."""
LATENCY_FLOOR_MS = 200.0
"""... and at least this many milliseconds (in-process and loopback runs jitter far below)."""


class ReportFileError(Exception):
    """A report file that cannot be compared: unreadable, not JSON, not a run report."""


@dataclass(frozen=True)
class Change:
    """An observation whose value changed: its name, both values, and what differs."""

    name: str
    old: Any
    new: Any
    detail: str = ""


@dataclass
class Comparison:
    """Two runs side by side (failures are the report's failure dicts)."""

    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unconfirmed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.new or self.fixed or self.changed)

    def exit_status(self) -> int:
        return 1 if self.new else 0


def load_report(path: Path) -> dict[str, Any]:
    """A `--report` file, checked to hold what a comparison reads."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportFileError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReportFileError(f"{path} cannot be read: {error}") from None
    except ValueError:
        raise ReportFileError(f"{path} is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("failures"), list):
        raise ReportFileError(f"{path} is not a run report (written by `run --report`)")
    if any(not isinstance(f, dict) or not f.get("id") for f in data["failures"]):
        raise ReportFileError(f"{path} has failures without ids (written by an older kit?)")
    if not isinstance(data.get("observations", {}), dict):
        raise ReportFileError(f"{path}: `observations` is not an object")
    return data


def _by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f["id"]): f for f in report["failures"]}


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """What changed from run `old` to run `new` (two loaded reports)."""
    result = Comparison()
    before, after = _by_id(old), _by_id(new)
    result.new = [f for i, f in after.items() if i not in before]
    ran = new.get("cases") or {}
    for failure_id, failure in before.items():
        if failure_id in after:
            continue
        exercised = ran.get(failure.get("case")) in ("passed", "failed")
        if exercised and not failure.get("generated"):
            result.fixed.append(failure)
        else:
            result.unconfirmed.append(failure)
    old_seen = old.get("observations") or {}
    new_seen = new.get("observations") or {}
    for name in sorted(set(old_seen) & set(new_seen)):
        change = _change(name, _value(old_seen[name]), _value(new_seen[name]))
        if change is not None:
            result.changed.append(change)
    return result


def _value(observation: Any) -> Any:
    return observation.get("value") if isinstance(observation, dict) else observation


def _change(name: str, old: Any, new: Any) -> Change | None:
    if name in LATENCY_NAMES:
        numbers = all(isinstance(v, int | float) for v in (old, new))
        if numbers and new >= LATENCY_FLOOR_MS and new >= LATENCY_FACTOR * max(old, 1e-9):
            return Change(name, old, new, f"x{new / max(old, 1e-9):.1f}")
        return None
    if isinstance(old, list) and isinstance(new, list) and old != new:
        gone = [v for v in old if v not in new]
        came = [v for v in new if v not in old]
        parts = [f"gone: {_shown(gone)}"] if gone else []
        parts += [f"new: {_shown(came)}"] if came else []
        return Change(name, old, new, "; ".join(parts))
    return None if old == new else Change(name, old, new)


def _shown(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def _failure_line(failure: dict[str, Any]) -> str:
    case = str(failure.get("case") or failure.get("test"))
    said = describe(case, str(failure.get("expectation") or "?"), failure.get("status"))
    return f"  {failure['id']}  {said}"


def render(comparison: Comparison, old_name: str, new_name: str) -> str:
    """The comparison as text: new failures first, then fixed, not reproduced, changed."""
    lines = [f"comparison of {old_name} (before) with {new_name} (after)"]
    sections = [
        ("NEW failures", comparison.new),
        ("fixed failures", comparison.fixed),
        (
            "not reproduced (a generated case, or its case did not run: no proof either way)",
            comparison.unconfirmed,
        ),
    ]
    for title, failures in sections:
        if failures:
            lines += ["", f"{title} ({len(failures)}):", *map(_failure_line, failures)]
    if comparison.changed:
        lines += ["", f"changed observations ({len(comparison.changed)}):"]
        for change in comparison.changed:
            detail = f"  [{change.detail}]" if change.detail else ""
            lines.append(f"  {change.name}: {_shown(change.old)} -> {_shown(change.new)}{detail}")
    counts = (
        f"{len(comparison.new)} new, {len(comparison.fixed)} fixed, "
        f"{len(comparison.changed)} changed observations"
    )
    verdict = "unchanged" if comparison.unchanged else counts
    lines += ["", f"verdict: {verdict}"]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `compare` subcommand's options."""
    parser.add_argument("old", metavar="OLD.json", help="the earlier run's --report file")
    parser.add_argument("new", metavar="NEW.json", help="the later run's --report file")


def run(args: argparse.Namespace) -> int:
    """Print the comparison; 1 when a failure is new, 0 otherwise, 2 on unreadable input."""
    try:
        old, new = load_report(Path(args.old)), load_report(Path(args.new))
    except ReportFileError as error:
        print(f"immoteur-contract compare: error: {error}", file=sys.stderr, flush=True)
        return 2
    comparison = compare(old, new)
    print(render(comparison, args.old, args.new), flush=True)
    return comparison.exit_status()
