"""The cost of the report's outputs: scrubbing that keeps identifiers and the one-cause grouping,
side by side with a plain `str.replace` scrub, on a real run's report.

    python bench/report_outputs.py REPORT.json [--rounds N]

REPORT.json is a `run --report` file (e.g. of `--app immoteur_contract.mutants.apps:
errors_keyed_body`, 200+ failures). Prints medians of N rounds and the ratios.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from immoteur_contract.runner.causes import causes_of
from immoteur_contract.runner.report import Failure
from immoteur_contract.runner.scrubbing import Scrubber, identifiers_of_test


def _median_ms(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    data = json.loads(args.report.read_text(encoding="utf-8"))
    text = json.dumps(data, indent=2)
    failures = [Failure(**failure) for failure in data["failures"]]
    keep = frozenset(name for f in failures for name in identifiers_of_test(f.test))
    # a token found in the text: the worst case for both (every occurrence is looked at)
    for token, label in (("valid-bo", "token inside case ids"), ("Xq9-not-there-7Zk", "absent")):
        scrubber = Scrubber(token, keep)
        plain = _median_ms(functools.partial(text.replace, token, "$T"), args.rounds)
        kept = _median_ms(functools.partial(scrubber.text, text), args.rounds)
        print(
            f"| scrub {len(text):,} chars, {label} | {plain:.3f} ms | {kept:.3f} ms"
            f" | x{kept / plain:.1f} |"
        )
    grouping = _median_ms(lambda: causes_of(failures), args.rounds)
    print(f"| causes_of, {len(failures)} failures | - | {grouping:.3f} ms | - |")


if __name__ == "__main__":
    main()
