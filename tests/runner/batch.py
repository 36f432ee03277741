"""Runs several `immoteur-contract run` invocations from one warm process, two at a time.

Usage: python batch.py JOBS.json. Each job is {"argv": [...], "env": {...}, "out": PATH};
the child's stdout and stderr go to `out`. Prints {"codes": [exit code per job]} as JSON.
Imports are paid once here and shared by the forked children, which keeps the runner's
end-to-end tests fast on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def run_batch(jobs: Sequence[dict[str, Any]], jobs_file: Path) -> list[int]:
    """Run `jobs` (each {"argv", "env", "out"}, other keys ignored) through this script in a
    process of its own; their exit codes, in order. `jobs_file` is where the list is written."""
    jobs_file.write_text(json.dumps(list(jobs)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), str(jobs_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    codes: list[int] = json.loads(done.stdout.strip().splitlines()[-1])["codes"]
    return codes


def _warm() -> None:
    import copy

    import schemathesis
    import schemathesis.pytest

    from immoteur_contract.rules import CONTRACT

    schemathesis.openapi.from_dict(copy.deepcopy(dict(CONTRACT.document)))

    from immoteur_contract import server  # noqa: F401
    from immoteur_contract.runner import command, plugin  # noqa: F401
    from immoteur_contract.strategies import boundary_cases, report_like_bodies

    boundary_cases()
    report_like_bodies()


def _child(job: dict[str, object]) -> None:
    from immoteur_contract.runner import command

    fd = os.open(str(job["out"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    env = job.get("env") or {}
    assert isinstance(env, dict)
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value)
    code = 2
    try:
        parser = argparse.ArgumentParser(prog="immoteur-contract run")
        command.add_arguments(parser)
        argv = job["argv"]
        assert isinstance(argv, list)
        code = command.run(parser.parse_args([str(a) for a in argv]))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(jobs_path: str) -> int:
    sys.path.insert(0, str(Path(__file__).parent))  # the faulty_apps module
    jobs = json.loads(Path(jobs_path).read_text(encoding="utf-8"))
    _warm()
    codes: dict[int, int] = {}
    running: dict[int, int] = {}
    pending = list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < 2:
            index, job = pending.pop(0)
            pid = os.fork()
            if pid == 0:
                _child(job)
            running[pid] = index
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    print(json.dumps({"codes": [codes[i] for i in range(len(jobs))]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
