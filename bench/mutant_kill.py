"""How fast the contract suite kills each faulty server, and in-process vs loopback HTTP.

Part 1, per faulty server: the requests and seconds until the first failure (`run --fail-fast`),
median of `--runs` runs (default 1), one run at a time (`--jobs 1`) so that times do not include
waiting for a core.
Part 2, the reference server, whole suite, median of `--runs-full` runs (default 3) each way:
  in-process  `immoteur-contract run --app immoteur_contract.server:reference_app`
  loopback    `immoteur-contract run --base-url http://127.0.0.1:PORT/public/v1` against
              `immoteur-contract mock` on 127.0.0.1 (token in IMMOTEUR_MOCK_TOKEN / IMMOTEUR_TOKEN).
Prints markdown tables (run_all.py writes them to bench/RESULTS.md) with medians and the
loopback/in-process ratio.

    uv run --frozen --no-sync python bench/mutant_kill.py [--runs 3] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from immoteur_contract.mutants import FAULTY_SERVERS, REFERENCE_APP, app_spec
from immoteur_contract.mutants.kill import Outcome, Target, run_targets
from immoteur_contract.server import free_port

CLI = [sys.executable, "-m", "immoteur_contract.cli"]
LATE = 100
"""Requests within which every faulty server should be caught (tests/mutants/test_kill.py)."""
BY_KIND = "Requests to the first failure, by kind of fault"
"""The heading of the summary table: the first table printed, which run_all.py copies into the
README."""


def _median(values: Sequence[float | int | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if digits else f"{value:.0f}"


def kill_times(names: Sequence[str], runs: int, seed: int, jobs: int) -> str:
    """Part 1: a markdown table, one row per faulty server."""
    plan = [
        Target(name, app_spec(name), seed, should_conform=False)
        for _ in range(runs)
        for name in names
    ]
    done = 0

    def progress(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        print(f"  [{done}/{len(plan)}] {outcome.verdict} {outcome.target.name}", file=sys.stderr)

    started = time.perf_counter()
    outcomes = run_targets(plan, jobs=jobs, on_done=progress)
    wall = time.perf_counter() - started
    by_name: dict[str, list[Outcome]] = {name: [] for name in names}
    for outcome in outcomes:
        by_name[outcome.target.name].append(outcome)
    lines = [
        f"| faulty server | verdict | requests to first failure | seconds (median of {runs}) |",
        "|---|---|---:|---:|",
    ]
    for name in names:
        found = by_name[name]
        verdicts = sorted({o.verdict for o in found})
        lines.append(
            f"| `{name}` | {'/'.join(verdicts)} "
            f"| {_fmt(_median([o.first_failure_request for o in found]), 0)} "
            f"| {_fmt(_median([o.seconds for o in found]))} |"
        )
    killed = sum(all(o.verdict == "killed" for o in by_name[name]) for name in names)
    seconds = [o.seconds for o in outcomes]
    requests = [o.first_failure_request for o in outcomes]
    caught = [r for r in requests if r is not None]
    late = sorted({o.target.name for o in outcomes if (o.first_failure_request or LATE + 1) > LATE})
    lines.append("")
    lines.append(
        f"{killed}/{len(names)} killed; per run median {_fmt(_median(seconds))} s, max "
        f"{_fmt(max(seconds, default=None))} s; requests to the first failure: median "
        f"{_fmt(_median(requests), 0)}, max {_fmt(max(caught, default=None), 0)}, "
        f"{len(late)} past {LATE}{(' (' + ', '.join(late) + ')') if late else ''}; "
        f"{len(plan)} runs in {wall:.1f} s wall with {jobs} job(s)."
    )
    return "\n".join([*by_kind(names, by_name), "", *lines])


def by_kind(names: Sequence[str], by_name: dict[str, list[Outcome]]) -> list[str]:
    """The summary: per kind of fault (FaultyServer.kind) and in all, how many faulty servers,
    how many were killed, and the median and largest number of requests to the first failure."""
    kinds: dict[str, list[str]] = {}
    for name in names:
        kinds.setdefault(FAULTY_SERVERS[name].kind, []).append(name)
    lines = [
        f"## {BY_KIND}\n",
        f"| kind | faulty servers | killed | median | max | past {LATE} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, members in [*sorted(kinds.items()), ("all", list(names))]:
        found = [o for name in members for o in by_name[name]]
        requests = [o.first_failure_request for o in found]
        caught = [r for r in requests if r is not None]
        killed = sum(all(o.verdict == "killed" for o in by_name[name]) for name in members)
        late = sum(1 for r in requests if (r or LATE + 1) > LATE)
        label = "**all**" if kind == "all" else kind
        lines.append(
            f"| {label} | {len(members)} | {killed} | {_fmt(_median(requests), 0)} "
            f"| {_fmt(max(caught, default=None), 0)} | {late} |"
        )
    lines += ["", "## Each faulty server\n"]
    return lines


@contextlib.contextmanager
def _mock(token: str) -> Iterator[int]:
    """`immoteur-contract mock` on a free loopback port, token from the environment."""
    port = free_port()
    env = {**os.environ, "IMMOTEUR_MOCK_TOKEN": token}
    server = subprocess.Popen(
        [*CLI, "mock", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("immoteur-contract mock did not start")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _full_run(target_args: Sequence[str], seed: int, env: dict[str, str]) -> dict[str, Any]:
    """One whole suite run (no fail-fast); the runner's report plus the process wall time."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch, "report.json")
        started = time.perf_counter()
        completed = subprocess.run(
            [*CLI, "run", *target_args, "--seed", str(seed), "--report", str(report), "-q"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if not report.exists():
            raise RuntimeError(f"the runner wrote no report: {completed.stderr[-2000:]}")
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    data["wall"] = wall
    return data


def transport_comparison(runs: int, seed: int) -> str:
    """Part 2: the reference server's whole run, in-process vs over loopback HTTP."""
    token = secrets.token_urlsafe(24)
    env = {**os.environ, "IMMOTEUR_TOKEN": token}
    in_process: list[dict[str, Any]] = []
    loopback: list[dict[str, Any]] = []
    with _mock(token) as port:
        base_url = f"http://127.0.0.1:{port}/public/v1"
        for _ in range(runs):  # interleaved, so that machine noise hits both alike
            in_process.append(_full_run(["--app", REFERENCE_APP], seed, env))
            loopback.append(_full_run(["--base-url", base_url], seed, env))
    rows = []
    medians: dict[str, float | None] = {}
    for label, results in (("in-process (ASGI)", in_process), ("loopback HTTP", loopback)):
        seconds = _median([r.get("seconds") for r in results])
        medians[label] = seconds
        requests = _median([r.get("requests") for r in results])
        per_request = None if not (seconds and requests) else 1000 * seconds / requests
        conforms = "yes" if all(r.get("conforms") for r in results) else "NO"
        rows.append(
            f"| {label} | {conforms} | {_fmt(requests, 0)} | {_fmt(seconds)} "
            f"| {_fmt(_median([r['wall'] for r in results]))} | {_fmt(per_request, 3)} |"
        )
    ratio = None
    in_s, loop_s = medians["in-process (ASGI)"], medians["loopback HTTP"]
    if in_s and loop_s:
        ratio = loop_s / in_s
    return "\n".join(
        [
            f"| reference server, whole suite, seed {seed} | conforms | requests "
            f"| suite seconds (median of {runs}) | process wall seconds | ms per request |",
            "|---|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"loopback / in-process suite time: {_fmt(ratio)}x",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run both parts and print the markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per faulty server (median)")
    parser.add_argument("--runs-full", type=int, default=3, help="whole runs each way (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="faulty-server runs at a time")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME")
    parser.add_argument("--skip-transport", action="store_true", help="only part 1")
    args = parser.parse_args(argv)
    names = list(args.only or FAULTY_SERVERS)
    print(f"## Time to kill each faulty server (seed {args.seed})\n")
    print(kill_times(names, args.runs, args.seed, args.jobs), flush=True)
    if not args.skip_transport:
        print("\n## The reference server's whole run: in-process vs loopback HTTP\n")
        print(transport_comparison(args.runs_full, args.seed), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
