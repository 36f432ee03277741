"""Run every benchmark script in turn (`make bench`), each comparing side by side with its baseline.

    python bench/run_all.py [NAME ...]     # NAME: server_throughput, client_overhead,
                                           # mutant_kill, observations_overhead,
                                           # store_memory, server_limits
                                           # (default: all, in that order)

Each script prints its own medians and ratios; this only runs them one after the other so that
they never share the machine with each other, and exits non-zero if any of them failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = (
    "server_throughput",
    "client_overhead",
    "mutant_kill",
    "observations_overhead",
    "store_memory",
    "server_limits",
)


def main(argv: list[str]) -> int:
    names = argv or list(SCRIPTS)
    unknown = sorted(set(names) - set(SCRIPTS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(SCRIPTS)}")
        return 2
    failed = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(BENCH / f"{name}.py")], check=False)
        print(f"=== {name}: exit {done.returncode}, {time.monotonic() - started:.0f} s", flush=True)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
