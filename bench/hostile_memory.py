"""Peak memory and wall time of `immoteur-contract run` against hostile targets, side by side
with a healthy one (the `control`: the reference answers, served the same way).

Each target of mutants/hostile.py is served on loopback; `run` goes against it in a process of
its own (its peak RSS read from wait4's rusage), `--repeat` times; the table gives medians, and
each target's peak RSS and time as a ratio to the control's.

    uv run --frozen --no-sync python bench/hostile_memory.py [--repeat 3] [--max-requests 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from immoteur_contract.mutants.hostile import hostile_server

TOKEN = "tok-bench-hostile"
TARGETS: dict[str, list[str]] = {
    "control": [],
    "endless-body": [],
    "huge-headers": [],
    "large": [],
    "large-over-limit": ["--max-body", "100000"],
    "drip": ["--request-timeout", "2"],
    "stall": ["--request-timeout", "2"],
    "only-429": [],
    "flaky": [],
}
"""Row -> extra options of `run` (the row's target is its name up to `-over-limit`)."""


@dataclass(frozen=True)
class Sample:
    code: int
    seconds: float
    peak_mib: float
    said: str


def _once(url: str, extra: list[str], max_requests: int) -> Sample:
    argv = [sys.executable, "-m", "immoteur_contract.cli", "run", "--base-url", url, "-q"]
    argv += ["--seed", "1", "--max-requests", str(max_requests), "--max-time", "120", *extra]
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(
            argv,
            env=dict(os.environ, IMMOTEUR_TOKEN=TOKEN),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=devnull,
            text=True,
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    total = next((line for line in output.splitlines() if line.startswith("total ")), "")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    said = total.split("  ")[-2].strip() if total else last.rpartition(" per answer: ")[2]
    code = os.waitstatus_to_exitcode(status)
    return Sample(code, seconds, usage.ru_maxrss / 1024, said)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=300)
    args = parser.parse_args()
    rows: dict[str, list[Sample]] = {}
    for _ in range(args.repeat):  # interleaved, so that a slow moment of the machine hits all
        for row, extra in TARGETS.items():
            with hostile_server(row.removesuffix("-over-limit"), TOKEN) as target:
                rows.setdefault(row, []).append(_once(target.url, extra, args.max_requests))
    control = rows["control"]
    base_mib = statistics.median(s.peak_mib for s in control)
    base_s = statistics.median(s.seconds for s in control)
    print(f"`run --max-requests {args.max_requests}`, medians of {args.repeat} runs\n")
    print("| target | exit | peak RSS (MiB) | x control | wall (s) | x control | ends with |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row, samples in rows.items():
        mib = statistics.median(s.peak_mib for s in samples)
        seconds = statistics.median(s.seconds for s in samples)
        codes = "/".join(sorted({str(s.code) for s in samples}))
        said = samples[-1].said.replace("|", "\\|")[:90]
        print(
            f"| {row} | {codes} | {mib:.0f} | {mib / base_mib:.2f} | {seconds:.1f} |"
            f" {seconds / base_s:.2f} | {said} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
