"""Running the suite in this process, and warming this process up before it forks runs.

A cold run of the suite spends most of its time importing (schemathesis alone is hundreds of
modules, many imported lazily while the suite is collected, and pytest rewrites the asserts of
every module of a pytest-plugin distribution it imports) and then building, at collection, the
cases that its generators and schemathesis derive from the spec. A forked run inherits the
modules and the caches of its parent, so the parent does one run first: the suite against the
reference server with a budget of `WARM_REQUESTS` requests and its output discarded. The runner
supports several runs in one process (it forgets its test modules after each, since they are
built for the run's target), so the forked runs start from a clean suite with warm libraries:
about 0.7 s instead of 15 s before the first request.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence

from ..runner import command as runner_command
from .catalog import REFERENCE_APP

__all__ = ["BASE_MODULES", "WARM_REQUESTS", "import_quietly", "run_in_process", "warm_up"]

BASE_MODULES = (
    "immoteur_contract.runner.plugin",
    "immoteur_contract.server",
    "immoteur_contract.mutants.apps",
    "httpx",
    "hypothesis",
    "schemathesis",
)
"""Imported before the warm-up run (and even when it fails)."""

WARM_REQUESTS = 2
"""The warm-up run's request budget: enough to open the target; the rest of the suite skips."""


def run_in_process(argv: Sequence[str]) -> int:
    """`immoteur-contract run ...` (argv starting with "run") in this process, through the
    runner's own command module; its exit status."""
    command, *rest = argv
    parser = argparse.ArgumentParser(prog=f"immoteur-contract {command}")
    runner_command.add_arguments(parser)
    return runner_command.run(parser.parse_args(rest))


def import_quietly(names: Iterable[str]) -> int:
    """Import each module not yet imported, ignoring warnings and failures; how many were new."""
    imported = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except (Exception, SystemExit):  # any module may fail here; a run is only slower
                continue
            imported += 1
    return imported


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """File descriptors 1 and 2 sent to the null device for the duration (restored after)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (os.dup(1), os.dup(2))
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def warm_up(seed: int) -> int:
    """Import the base modules, then run the suite once here (reference server, `seed`,
    WARM_REQUESTS requests, output discarded); its exit status, or -1 when it raised."""
    import_quietly(BASE_MODULES)
    argv = ["run", "--app", REFERENCE_APP, "--seed", str(seed), "-q"]
    argv += ["--max-requests", str(WARM_REQUESTS)]
    with _silenced(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return run_in_process(argv)
        except (Exception, SystemExit):  # the real runs will say what is wrong
            return -1
