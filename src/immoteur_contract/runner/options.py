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

from ..arguments import (
    base_url,
    existing_file,
    output_file,
    positive_int,
    positive_number,
    seed,
)

if TYPE_CHECKING:  # pytest is imported only for types: `run` parses its options without it
    import pytest

from ..urls import BASE_URL_HELP

__all__ = [
    "DEFAULT_EXAMPLES",
    "REMOTE_MAX_TIME",
    "TARGET_OPTIONS",
    "Options",
    "add_pytest_options",
]

DEFAULT_EXAMPLES = 5
"""Hypothesis examples per rule and kind in the random layers (schemathesis: per phase)."""
REMOTE_MAX_TIME = 1800.0
"""Default --max-time against a remote target (30 min: a 200-request run at 2 per second takes
under 2 min, so only faults and waits reach it). Loopback and in-process targets have none: a
full local run sends 20 000 requests and the in-process app cannot stall on a network."""

TARGET_OPTIONS: dict[str, tuple[object, str, str]] = {
    "--request-timeout": (
        positive_number,
        "SECONDS",
        "total deadline of one request: connect, send, wait and read (default 30)",
    ),
    "--max-body": (
        positive_int,
        "BYTES",
        "largest answer body read; past it the answer is a transport fault (default 1048576)",
    ),
    "--max-time": (
        positive_number,
        "SECONDS",
        "end the run as a partial run after this long (default 1800 remote, none locally)",
    ),
    "--cacert": (
        existing_file,
        "PATH",
        "PEM bundle of the certificate authorities to trust (else SSL_CERT_FILE / SSL_CERT_DIR,"
        " else certifi's)",
    ),
}
"""The options about talking to the target, shared by `run` (argparse) and pytest: type,
metavar, help."""


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
    for flag, (kind, metavar, text) in TARGET_OPTIONS.items():
        group.addoption(flag, type=kind, default=None, metavar=metavar, help=text)
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
    request_timeout: float | None = None
    max_body: int | None = None
    max_time: float | None = None
    cacert: Path | None = None

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
            request_timeout=config.getoption("--request-timeout"),
            max_body=config.getoption("--max-body"),
            max_time=config.getoption("--max-time"),
            cacert=config.getoption("--cacert"),
        )

    def outputs(self) -> list[tuple[str, Path | None]]:
        """The output files asked for, by flag (checked before the first request)."""
        return [("--report", self.report), ("--record", self.record)]
