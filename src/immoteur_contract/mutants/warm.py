"""Warming this process up before it forks runs: import what a run of the suite imports.

A cold run of the suite spends most of its time importing (schemathesis alone is hundreds of
modules, many imported lazily while the suite is collected, and pytest rewrites the asserts of
every module of a pytest-plugin distribution it imports). A forked run inherits the modules of
its parent, so the parent imports them once: it forks a probe that collects the suite against
the reference server and lists, in import order, every module that collection imported (the
suite's own modules excepted: they are built per run, for the run's target), then imports those.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest

from ..runner import command as runner_command
from .catalog import REFERENCE_APP

__all__ = ["BASE_MODULES", "collected_modules", "import_quietly", "warm_up"]

BASE_MODULES = (
    "immoteur_contract.runner.command",
    "immoteur_contract.runner.plugin",
    "immoteur_contract.server",
    "immoteur_contract.mutants.apps",
    "httpx",
    "hypothesis",
    "schemathesis",
)
"""Imported even when the probe fails."""


def _in_suite(name: str, module: object) -> bool:
    if name in ("__main__", "__mp_main__", "conftest"):
        return True
    file = getattr(module, "__file__", None)
    if not isinstance(file, str):
        return False
    return Path(file).resolve().is_relative_to(runner_command.SUITE_DIR)


def _probe(out: Path) -> None:  # pragma: no cover - runs in the forked child
    """Collect the suite (nothing is sent) and write the imported modules' names to `out`."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        parser = argparse.ArgumentParser()
        runner_command.add_arguments(parser)
        args = parser.parse_args(["--app", REFERENCE_APP, "--seed", "0", "-q"])
        pytest.main([*runner_command.pytest_args(args), "--collect-only"])
        names = [name for name, module in list(sys.modules.items()) if not _in_suite(name, module)]
        out.write_text(json.dumps(names), encoding="utf-8")
    finally:
        os._exit(0)


def collected_modules(scratch: Path) -> list[str]:
    """The modules a collection of the suite imports, in import order (probed in a fork)."""
    out = scratch / "collected-modules.json"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        _probe(out)
    os.waitpid(pid, 0)
    with contextlib.suppress(OSError, ValueError):
        names = json.loads(out.read_text(encoding="utf-8"))
        if isinstance(names, list):
            return [str(name) for name in names]
    return []


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
            except (Exception, SystemExit):  # any module may fail here; the run is only slower
                continue
            imported += 1
    return imported


def warm_up(scratch: Path) -> int:
    """Import the base modules and what a collection of the suite imports; how many in all."""
    return import_quietly(BASE_MODULES) + import_quietly(collected_modules(scratch))
