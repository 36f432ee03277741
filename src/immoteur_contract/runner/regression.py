"""`run`'s regression options: --baseline (and -update, -prune, --strict-baseline),
--compare-to and --summary.

`prepare` reads the baseline and the earlier report and checks the output paths before pytest
starts (a mistake is a `RegressionUsageError`: one line, exit 2, nothing sent). After the run,
`new_failures_first` orders the failures for the table and `finish` judges the run against the
baseline, writes the updated baseline and the summary, prints the comparison, and gives the exit
status:

- with --baseline: 1 when a failure is new (or its entry expired), or with --strict-baseline
  when an entry is fixed; else 0, even when known failures remain;
- without: 1 when the run found a failure;
- with --compare-to: also 1 when a failure is new since that report (and not in the baseline).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..arguments import OutputPathError, prepare_outputs
from .baseline import Baseline, BaselineError, Judgement, judge, updated
from .compare import Comparison, ReportFileError, compare, load_report, render
from .identity import describe
from .report import RunReport
from .summary import render_summary, verdict_of

__all__ = [
    "Regression",
    "RegressionUsageError",
    "add_arguments",
    "finish",
    "new_failures_first",
    "prepare",
    "summarise_error",
]


class RegressionUsageError(Exception):
    """A regression option that cannot work: the run must not start."""


@dataclass(frozen=True)
class Regression:
    """What `prepare` read: the baseline (None without --baseline) and the earlier report."""

    baseline: Baseline | None = None
    previous: dict[str, Any] | None = None
    today: datetime.date = field(default_factory=datetime.date.today)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The regression options of `run`."""
    group = parser.add_argument_group("regression checks")
    group.add_argument(
        "--baseline",
        metavar="FILE",
        help="YAML of accepted divergences: known failures do not fail the run, new ones do",
    )
    group.add_argument(
        "--baseline-update",
        action="store_true",
        help="add the run's new failures to --baseline (existing reasons are kept)",
    )
    group.add_argument(
        "--baseline-prune",
        action="store_true",
        help="drop the entries of --baseline that the run found fixed",
    )
    group.add_argument(
        "--strict-baseline",
        action="store_true",
        help="exit 1 when an entry of --baseline is fixed (a stale baseline)",
    )
    group.add_argument(
        "--compare-to",
        metavar="OLD.json",
        help="an earlier run's --report: print new and fixed failures and changed observations",
    )


def _parent_ready(path: Path, flag: str) -> None:
    try:
        prepare_outputs([(flag, path)])
    except OutputPathError as error:
        raise RegressionUsageError(str(error)) from None


def prepare(args: argparse.Namespace) -> Regression:
    """Read and check everything the regression options need, before anything is sent."""
    for flag, on in (
        ("--baseline-update", args.baseline_update),
        ("--baseline-prune", args.baseline_prune),
        ("--strict-baseline", args.strict_baseline),
    ):
        if on and not args.baseline:
            raise RegressionUsageError(f"{flag} needs --baseline FILE")
    baseline = None
    if args.baseline:
        path = Path(args.baseline)
        try:
            baseline = Baseline.load(path, missing_ok=args.baseline_update)
        except BaselineError as error:
            raise RegressionUsageError(f"--baseline {error}") from None
        if args.baseline_update or args.baseline_prune:
            _parent_ready(path, "--baseline")
    previous = None
    if args.compare_to:
        try:
            previous = load_report(Path(args.compare_to))
        except ReportFileError as error:
            raise RegressionUsageError(f"--compare-to {error}") from None
    return Regression(baseline=baseline, previous=previous, today=datetime.date.today())


def new_failures_first(regression: Regression, report: RunReport) -> None:
    """Order the report's failures: those the baseline does not accept first."""
    if regression.baseline is not None:
        known = {e.id for e in regression.baseline.entries if not e.expired(regression.today)}
        report.failures.sort(key=lambda failure: failure.id in known)


def _baseline_lines(judgement: Judgement, path: str, *, pruned: bool) -> list[str]:
    lines = [
        "",
        f"baseline {path}: {len(judgement.new)} new, {len(judgement.known)} known, "
        f"{len(judgement.fixed)} fixed",
    ]
    expired = {entry.id for entry in judgement.expired}
    for failure in judgement.new:
        why = " (its baseline entry expired)" if failure.id in expired else ""
        said = describe(failure.case, failure.expectation, failure.status)
        lines.append(f"  NEW    {failure.id}  {said}{why}")
    for failure, entry in judgement.known:
        lines.append(f"  known  {failure.id}  {entry.reason}")
    for entry in judgement.fixed:
        action = "removed (--baseline-prune)" if pruned else "please remove it (--baseline-prune)"
        lines.append(f"  fixed  {entry.id}  not reproduced: {action}")
    for entry in judgement.unconfirmed:
        lines.append(f"  unseen {entry.id}  generated case not reproduced under this seed")
    if judgement.unreasoned:
        lines.append(f"  {len(judgement.unreasoned)} entries still need a reason in {path}")
    return lines


def summarise_error(args: argparse.Namespace, report: RunReport) -> None:
    """A run that could not go on (exit 2) still writes its --summary: the reason, in one line
    (so that a scheduled run's page says why it is red)."""
    if args.summary and report.error is not None:
        text = f"## Immoteur contract: the run stopped\n\n{report.error}\n"
        Path(args.summary).write_text(report.scrubber.own_text(text), encoding="utf-8")


def finish(args: argparse.Namespace, regression: Regression, report: RunReport, status: int) -> int:
    """Judge, update, compare and summarise a finished run; return the exit status."""
    judgement = None
    lines: list[str] = []
    if regression.baseline is not None:
        baseline = regression.baseline
        judgement = judge(baseline, report.failures, report.outcomes, regression.today)
        if args.baseline_update or args.baseline_prune:
            baseline = updated(
                baseline,
                judgement,
                report.failures,
                regression.today,
                add=args.baseline_update,
                prune=args.baseline_prune,
            )
            before = {e.id for e in regression.baseline.entries}
            after = {e.id for e in baseline.entries}
            Path(args.baseline).write_text(
                report.scrubber.own_text(baseline.dumps()), encoding="utf-8"
            )
            lines.append(
                f"baseline {args.baseline} written: {len(after - before)} added, "
                f"{len(before - after)} removed, {len(after)} entries"
            )
            # judged again against what was written; what it fixed stays said
            fixed = judgement.fixed
            judgement = judge(baseline, report.failures, report.outcomes, regression.today)
            judgement = dataclasses.replace(judgement, fixed=fixed)
        lines += _baseline_lines(judgement, args.baseline, pruned=args.baseline_prune)
        status = judgement.exit_status(strict=args.strict_baseline and not args.baseline_prune)
    comparison: Comparison | None = None
    if regression.previous is not None:
        comparison = compare(regression.previous, report.as_json())
        lines += ["", render(comparison, args.compare_to, "this run")]
        accepted = {f.id for f, _ in judgement.known} if judgement is not None else set()
        if any(failure["id"] not in accepted for failure in comparison.new):
            status = max(status, 1)
    if args.summary:
        text = render_summary(report, judgement, comparison)
        Path(args.summary).write_text(text, encoding="utf-8")
    if judgement is not None:
        lines.append(f"verdict: {verdict_of(report, judgement)}")
    if lines:
        print(report.scrubber.own_text("\n".join(lines)), flush=True)
    return status
