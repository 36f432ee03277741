"""The contract suite's options, validated in one place.

`immoteur-contract run` and `pytest contract_tests` register the same options with the same
argparse `type=` functions (immoteur_contract.arguments), so a bad value is refused while the
command line is parsed, before pytest starts and before anything is sent, with a message that
names the flag.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..arguments import base_url, output_file, positive_int, positive_number, seed

if TYPE_CHECKING:  # pytest is imported only for types: `run` parses its options without it
    import pytest

from ..urls import BASE_URL_HELP

__all__ = ["DEFAULT_EXAMPLES", "Options", "add_pytest_options"]

DEFAULT_EXAMPLES = 5
"""Hypothesis examples per rule and kind in the random layers (schemathesis: per phase)."""


def add_pytest_options(parser: pytest.Parser) -> None:
    """Register the suite's options under the group `immoteur contract`."""
    group = parser.getgroup("immoteur contract", "Immoteur contract suite")
    group.addoption(
        "--base-url",
        type=base_url,
        default=None,
        metavar="URL",
        help=f"server to test, {BASE_URL_HELP}; token from IMMOTEUR_TOKEN "
        "(default: in-process app)",
    )
    group.addoption(
        "--app",
        default=None,
        metavar="MODULE:ATTR",
        help="in-process target: a factory (token) -> ASGI app",
    )
    group.addoption("--seed", type=seed, default=None, metavar="N", help="seed of every generator")
    group.addoption(
        "--max-requests",
        type=positive_int,
        default=None,
        metavar="N",
        help="request budget (default 200 remote, 20000 local)",
    )
    group.addoption(
        "--rate",
        type=positive_number,
        default=None,
        metavar="R",
        help="requests per second (default 2 remote, unlimited local)",
    )
    group.addoption(
        "--allow-writes",
        action="store_true",
        default=False,
        help="send reports the target accepts even to a remote target",
    )
    group.addoption(
        "--record",
        type=output_file,
        default=None,
        metavar="PATH",
        help="write one JSON line per request sent",
    )
    group.addoption(
        "--report", type=output_file, default=None, metavar="PATH", help="write the JSON run report"
    )
    group.addoption(
        "--fail-fast", action="store_true", default=False, help="stop at the first failure"
    )
    group.addoption(
        "--examples",
        type=positive_int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="generated examples per rule and kind (random layers)",
    )
    group.addoption(
        "--progress",
        action="store_true",
        default=False,
        help="show progress on stderr (immoteur-contract run passes it, with --capture=sys)",
    )


@dataclass(frozen=True)
class Options:
    """The suite's options, read from a pytest config (already validated by their types)."""

    base_url: str | None
    app: str | None
    seed: int
    max_requests: int | None
    rate: float | None
    allow_writes: bool
    record: Path | None
    report: Path | None
    fail_fast: bool
    examples: int
    progress: bool

    @classmethod
    def from_config(cls, config: pytest.Config) -> Options:
        chosen_seed = config.getoption("--seed")
        return cls(
            base_url=config.getoption("--base-url"),
            app=config.getoption("--app"),
            seed=random.SystemRandom().randrange(2**31) if chosen_seed is None else chosen_seed,
            max_requests=config.getoption("--max-requests"),
            rate=config.getoption("--rate"),
            allow_writes=bool(config.getoption("--allow-writes")),
            record=config.getoption("--record"),
            report=config.getoption("--report"),
            fail_fast=bool(config.getoption("--fail-fast")),
            examples=config.getoption("--examples"),
            progress=bool(config.getoption("--progress")),
        )

    def outputs(self) -> list[tuple[str, Path | None]]:
        """The output files asked for, by flag (checked before the first request)."""
        return [("--report", self.report), ("--record", self.record)]
