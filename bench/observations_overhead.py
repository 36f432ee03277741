"""What the observations layer (contract_tests/test_7_observations.py) adds to a run.

The whole suite against the in-process reference server, `--runs` times each way, alternating
so that drift on a shared machine hits both alike, each run in a fresh process:

  with     the suite as `immoteur-contract run` runs it (observations last)
  without  the same, the observations module left out (pytest --ignore)

Prints the median suite seconds (the run report's `seconds`, start-up excluded) and requests of
each, and the ratio of the medians.

    uv run --frozen --no-sync python bench/observations_overhead.py [--runs 5] [--examples 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

OBSERVATIONS = Path(__file__).resolve().parents[1] / "contract_tests" / "test_7_observations.py"

_RUN = """
import argparse, json, sys
import pytest
from immoteur_contract.runner import command, plugin
parser = argparse.ArgumentParser()
command.add_arguments(parser)
args = parser.parse_args(["--seed", sys.argv[1], "--examples", sys.argv[2], "-q"])
extra = ["--ignore", sys.argv[3]] if len(sys.argv) > 3 else []
pytest.main(command.pytest_args(args) + extra)
report = plugin.LAST_REPORT[0]
print(json.dumps({"seconds": report.seconds, "requests": len(report.ledger.exchanges)}))
"""


def _one(seed: int, examples: int, *, observations: bool) -> dict[str, float]:
    argv = [sys.executable, "-c", _RUN, str(seed), str(examples)]
    if not observations:
        argv.append(str(OBSERVATIONS))
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--examples", type=int, default=1)
    args = parser.parse_args()
    found: dict[str, list[dict[str, float]]] = {"with": [], "without": []}
    for seed in range(1, args.runs + 1):
        for name in ("with", "without"):
            found[name].append(_one(seed, args.examples, observations=name == "with"))
    medians = {
        name: (
            statistics.median(r["seconds"] for r in runs),
            statistics.median(r["requests"] for r in runs),
        )
        for name, runs in found.items()
    }
    print(f"| suite ({args.runs} runs each, --examples {args.examples}) | median s | requests |")
    print("|---|---:|---:|")
    for name, (seconds, requests) in medians.items():
        print(f"| {name} observations | {seconds:.2f} | {requests:.0f} |")
    ratio = medians["with"][0] / medians["without"][0]
    print(f"\nwith / without: x{ratio:.2f} (+{medians['with'][0] - medians['without'][0]:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
