"""`immoteur-contract mutants`: the contract suite against every faulty server, every correct
server, and the reference.

Every faulty server must be killed (the suite finds it non-conforming), and the reference server
and every correct server (one that differs from the reference only where the contract leaves
room) must pass, each under `--reference-seeds` seeds; the exit status is 0 only then, 1
otherwise, 2 for a usage error. Runs go in
parallel (`--jobs`, default: the number of cores), each with `--fail-fast`; a progress line is
printed to stderr as each finishes, and the table to stdout at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ..arguments import (
    OutputPathError,
    non_negative_int,
    output_file,
    positive_int,
    positive_number,
    prepare_outputs,
    seed,
)
from .catalog import CORRECT_SERVERS, FAULTY_SERVERS, REFERENCE_APP, app_spec
from .kill import Outcome, Target, default_isolation, run_targets
from .table import progress_line, render_table, summary, to_json

__all__ = ["add_arguments", "run", "targets"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `immoteur-contract mutants`."""
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=None,
        metavar="N",
        help="runs at a time (default: cores)",
    )
    parser.add_argument(
        "--seed", type=seed, default=0, metavar="N", help="suite seed for every run (default: 0)"
    )
    parser.add_argument(
        "--reference-seeds",
        type=non_negative_int,
        default=1,
        metavar="K",
        help="run the reference and each correct server under seeds SEED..SEED+K-1 (default: 1)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="NAME",
        help="only these faulty or correct servers (and the reference)",
    )
    parser.add_argument(
        "--report", type=output_file, default=None, metavar="PATH", help="JSON table"
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the faulty servers and their divergence, the correct servers and their "
        "difference, then exit",
    )
    parser.add_argument(
        "--isolation",
        choices=("fork", "spawn"),
        default=None,
        help="each run in a fork of this process (default where available) or a new interpreter",
    )
    parser.add_argument(
        "--timeout", type=positive_number, default=300.0, metavar="SECONDS", help="limit of one run"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def targets(names: list[str], seed: int, reference_seeds: int) -> list[Target]:
    """The reference runs and each correct server's runs (first: they are the longest), under
    `reference_seeds` seeds each, then one run per faulty server. `names` holds faulty and
    correct server names."""
    seeds = [seed + offset for offset in range(reference_seeds)]
    reference = [Target("reference", REFERENCE_APP, s, should_conform=True) for s in seeds]
    correct = [
        Target(
            name,
            app_spec(name),
            s,
            should_conform=True,
            over_http=CORRECT_SERVERS[name].kind == "transport",
        )
        for name in names
        if name in CORRECT_SERVERS
        for s in seeds
    ]
    faulty = [
        Target(name, app_spec(name), seed, should_conform=False)
        for name in names
        if name in FAULTY_SERVERS
    ]
    return reference + correct + faulty


def _list() -> int:
    width = max(len(name) for name in [*FAULTY_SERVERS, *CORRECT_SERVERS])
    for server in FAULTY_SERVERS.values():
        print(f"{server.name:<{width}}  {server.kind:<9}  {server.divergence}")
    for correct in CORRECT_SERVERS.values():
        print(f"{correct.name:<{width}}  {'correct':<9}  {correct.difference}")
    return 0


def _usage_error(message: str) -> int:
    print(f"immoteur-contract mutants: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run the table; 0 when every faulty server is killed and the reference passes."""
    if args.list:
        return _list()
    names: list[str] = list(args.only) if args.only else [*FAULTY_SERVERS, *CORRECT_SERVERS]
    unknown = [name for name in names if name not in FAULTY_SERVERS and name not in CORRECT_SERVERS]
    if unknown:
        listed = ", ".join(unknown)
        return _usage_error(f"--only: unknown faulty or correct server(s): {listed}; see --list")
    try:
        prepare_outputs([("--report", args.report)])
    except OutputPathError as error:
        return _usage_error(str(error))
    jobs: int = args.jobs or os.cpu_count() or 1
    plan = targets(names, args.seed, args.reference_seeds)
    done: list[Outcome] = []

    def on_done(outcome: Outcome) -> None:
        done.append(outcome)
        if not args.quiet:
            print(progress_line(outcome, len(done), len(plan)), file=sys.stderr, flush=True)

    started = time.perf_counter()
    outcomes = run_targets(
        plan,
        jobs=jobs,
        isolation=args.isolation or default_isolation(),
        timeout=args.timeout,
        on_done=on_done,
    )
    seconds = time.perf_counter() - started
    order = [*CORRECT_SERVERS, *FAULTY_SERVERS]
    print(render_table(outcomes, order))
    print(summary(outcomes, seconds, jobs))
    for outcome in outcomes:
        if outcome.error:
            print(
                f"\n{outcome.target.name} (seed {outcome.target.seed}): {outcome.error}",
                file=sys.stderr,
            )
    if args.report is not None:
        report = to_json(outcomes, FAULTY_SERVERS, CORRECT_SERVERS, seconds=seconds, jobs=jobs)
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if outcomes and all(outcome.ok for outcome in outcomes) else 1
