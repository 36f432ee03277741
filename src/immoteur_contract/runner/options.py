"""The contract suite's pytest options, shared by `pytest contract_tests` and `immoteur-contract
run` (which passes its own options through under the same names)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

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
    group.addoption("--seed", type=int, default=None, metavar="N", help="seed of every generator")
    group.addoption(
        "--max-requests",
        type=int,
        default=None,
        metavar="N",
        help="request budget (default 200 remote, 20000 local)",
    )
    group.addoption(
        "--rate",
        type=float,
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
        "--record", default=None, metavar="PATH", help="write one JSON line per request sent"
    )
    group.addoption("--report", default=None, metavar="PATH", help="write the JSON run report")
    group.addoption(
        "--fail-fast", action="store_true", default=False, help="stop at the first failure"
    )
    group.addoption(
        "--examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="generated examples per rule and kind (random layers)",
    )
    group.addoption(
        "--progress",
        action="store_true",
        default=False,
        help="print a line per layer (used by immoteur-contract run)",
    )


@dataclass(frozen=True)
class Options:
    """The suite's options, read from a pytest config."""

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
        seed = config.getoption("--seed")
        record = config.getoption("--record")
        report = config.getoption("--report")
        examples = int(config.getoption("--examples"))
        if examples < 1:
            raise pytest.UsageError(f"--examples must be >= 1, got {examples}")
        return cls(
            base_url=config.getoption("--base-url"),
            app=config.getoption("--app"),
            seed=random.SystemRandom().randrange(2**31) if seed is None else int(seed),
            max_requests=config.getoption("--max-requests"),
            rate=config.getoption("--rate"),
            allow_writes=bool(config.getoption("--allow-writes")),
            record=Path(record) if record else None,
            report=Path(report) if report else None,
            fail_fast=bool(config.getoption("--fail-fast")),
            examples=examples,
            progress=bool(config.getoption("--progress")),
        )
