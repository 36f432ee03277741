"""Running the contract suite against many targets at once and collecting who got killed.

A target is the runner's `--app MODULE:ATTR` plus a seed. Each run is `immoteur-contract run
--app ... --seed ... --report FILE --fail-fast -q` in a process of its own, at most `jobs` at a
time. By default the process is a fork of this one, made after warm.py has run the suite once
here (a run then starts warm, in a fresh address space: under a second before its first request
instead of about 15 s); `isolation="spawn"` starts a new interpreter per run instead
(`python -m immoteur_contract.cli run ...`; slower, for platforms without fork). A target served
`over_http` is put on a loopback socket first and run with `--base-url` (served.py); a target
with a `base_url` is a server already listening elsewhere (a foreign server, started by its own
toolchain), run with `--base-url` and its token in IMMOTEUR_TOKEN. The runner's JSON report gives
the verdict, the request count, the request of the first failure and the rules that failed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from ..runner.target import TOKEN_ENV
from .served import run_served
from .warm import run_in_process, warm_up

__all__ = [
    "Isolation",
    "Outcome",
    "Target",
    "default_isolation",
    "read_outcome",
    "run_targets",
    "runner_argv",
]

Isolation = Literal["fork", "spawn"]

_POLL_SECONDS = 0.02
_LOG_TAIL = 2000


@dataclass(frozen=True)
class Target:
    """One run of the suite: a name for the table, the `--app` spec, the seed, whether the
    target should conform (the reference and correct servers) or be killed (a faulty server),
    and whether it is served over a loopback socket instead of in-process.

    base_url: a server already listening (the run gets `--base-url`, and `token` through
    IMMOTEUR_TOKEN, never on a command line); `app` then only names it. fail_fast: False for a
    run that must list every failing rule, not only the first."""

    name: str
    app: str
    seed: int
    should_conform: bool
    over_http: bool = False
    base_url: str | None = None
    token: str | None = field(default=None, repr=False, compare=False)
    fail_fast: bool = True


@dataclass(frozen=True)
class Outcome:
    """What one run gave: the runner's exit code and, from its report, the counts, the rules
    (or layer keys) with a failure and the rules the run sent requests for."""

    target: Target
    exit_code: int
    seconds: float
    conforms: bool | None = None
    requests: int | None = None
    first_failure_request: int | None = None
    first_failure_rule: str | None = None
    first_failure_test: str | None = None
    failed_rules: tuple[str, ...] = ()
    probed_rules: tuple[str, ...] = ()
    error: str | None = field(default=None, repr=False)

    @property
    def verdict(self) -> str:
        """killed / survived for a faulty server, passed / failed for the reference, or error."""
        if self.conforms is None or self.exit_code not in (0, 1):
            return "error"
        if self.target.should_conform:  # conforms: a complete run without divergence
            return "passed" if self.conforms else "failed"
        # killed only by a divergence found (exit 1), not by a partial run that found none
        return "killed" if self.exit_code == 1 else "survived"

    @property
    def ok(self) -> bool:
        """True when the run gave what it should: reference passed, faulty server killed."""
        return self.verdict in ("passed", "killed")


def runner_argv(target: Target, report: Path, *, fail_fast: bool = True) -> list[str]:
    """The `immoteur-contract` arguments of one run (no token: the runner picks its own, or
    served.py passes it in the environment). A target served over HTTP gets its `--base-url`
    from served.py, so it has no `--app` here."""
    argv = ["run", "--seed", str(target.seed), "--report", str(report), "-q"]
    if target.base_url is not None:
        argv[1:1] = ["--base-url", target.base_url]
    elif not target.over_http:
        argv[1:1] = ["--app", target.app]
    if fail_fast and target.fail_fast:
        argv.append("--fail-fast")
    return argv


def _command(target: Target, argv: Sequence[str]) -> list[str]:
    """The new-interpreter command of one run."""
    if target.over_http:
        return [sys.executable, "-m", "immoteur_contract.mutants.served", target.app, *argv]
    return [sys.executable, "-m", "immoteur_contract.cli", *argv]


def default_isolation() -> Isolation:
    """fork where the platform has it, else spawn."""
    return "fork" if hasattr(os, "fork") else "spawn"


class _Job(Protocol):
    def poll(self) -> int | None: ...

    def kill(self) -> None: ...


class _Spawned:
    """A run in a new interpreter: `python -m immoteur_contract.cli ...` (or served.py)."""

    def __init__(self, target: Target, argv: Sequence[str], log: Path) -> None:
        env = {**os.environ}
        if target.base_url is not None:
            env[TOKEN_ENV] = target.token or ""
        with log.open("wb") as out:
            self._process = subprocess.Popen(
                _command(target, argv),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def poll(self) -> int | None:
        return self._process.poll()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()


class _Forked:
    """A run in a fork of this process: the runner (served over HTTP first when the target says
    so), output to the log, then `_exit`."""

    def __init__(self, target: Target, argv: Sequence[str], log: Path) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, reported through the exit code
            _child(target, argv, log)
        self._pid = pid
        self._code: int | None = None

    def poll(self) -> int | None:
        if self._code is None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid == self._pid:
                self._code = os.waitstatus_to_exitcode(status)
        return self._code

    def kill(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            _, status = os.waitpid(self._pid, 0)
            self._code = os.waitstatus_to_exitcode(status)


def _child(target: Target, argv: Sequence[str], log: Path) -> None:  # pragma: no cover - forked
    code = 3
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        if target.base_url is not None:
            os.environ[TOKEN_ENV] = target.token or ""
            code = run_in_process(argv)
        elif target.over_http:
            code = run_served(target.app, argv)
        else:
            code = run_in_process(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def read_outcome(target: Target, code: int, seconds: float, report: Path, log: Path) -> Outcome:
    """Read the runner's report (when it wrote one) into an Outcome."""
    data: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(report.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            data = loaded
    failures = data.get("failures") or [{}]
    first = failures[0] if isinstance(failures[0], dict) else {}
    failed = {f.get("rule") for f in failures if isinstance(f, dict)}
    rows: list[Any] = data["rules"] if isinstance(data.get("rules"), list) else []
    probed = {r.get("rule") for r in rows if isinstance(r, dict) and r.get("requests")}
    conforms = data.get("conforms")
    error = None
    if code not in (0, 1) or not isinstance(conforms, bool):
        with contextlib.suppress(OSError):
            error = log.read_text(encoding="utf-8", errors="replace")[-_LOG_TAIL:]
        error = error or f"exit code {code}, no report"
    return Outcome(
        target=target,
        exit_code=code,
        seconds=seconds,
        conforms=conforms if isinstance(conforms, bool) else None,
        requests=data.get("requests"),
        first_failure_request=data.get("first_failure_request"),
        first_failure_rule=first.get("rule"),
        first_failure_test=first.get("test"),
        failed_rules=tuple(sorted(rule for rule in failed if isinstance(rule, str))),
        probed_rules=tuple(sorted(rule for rule in probed if isinstance(rule, str))),
        error=error,
    )


def run_targets(
    targets: Iterable[Target],
    *,
    jobs: int | None = None,
    isolation: Isolation | None = None,
    timeout: float = 300.0,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run the suite (fail-fast) against every target, `jobs` at a time; outcomes in finish order.

    jobs defaults to the number of cores. A run past `timeout` seconds is killed and counts as
    an error. `on_done` is called in this process as each run finishes (progress lines).
    """
    pending = list(targets)
    jobs = max(1, jobs or os.cpu_count() or 1)
    isolation = isolation or default_isolation()
    outcomes: list[Outcome] = []
    running: list[_Running] = []
    with tempfile.TemporaryDirectory(prefix="immoteur-mutants-") as scratch:
        if isolation == "fork":
            warm_up(min((target.seed for target in pending), default=0))
        try:
            for index, target in enumerate(pending):
                while len(running) >= jobs:
                    _collect(running, outcomes, timeout, on_done)
                report = Path(scratch, f"{index}.json")
                log = Path(scratch, f"{index}.log")
                argv = runner_argv(target, report)
                job: _Job = (
                    _Forked(target, argv, log)
                    if isolation == "fork"
                    else _Spawned(target, argv, log)
                )
                running.append(_Running(target, job, time.perf_counter(), report, log))
            while running:
                _collect(running, outcomes, timeout, on_done)
        finally:  # an interrupt must not leave runs behind
            for entry in running:
                entry.job.kill()
    return outcomes


@dataclass
class _Running:
    target: Target
    job: _Job
    started: float
    report: Path
    log: Path


def _collect(
    running: list[_Running],
    outcomes: list[Outcome],
    timeout: float,
    on_done: Callable[[Outcome], None] | None,
) -> None:
    """Wait a moment, then move every finished (or timed-out, killed) run to `outcomes`."""
    time.sleep(_POLL_SECONDS)
    for entry in list(running):
        code = entry.job.poll()
        elapsed = time.perf_counter() - entry.started
        if code is None and elapsed > timeout:
            entry.job.kill()
            code = -int(signal.SIGKILL)
        if code is None:
            continue
        running.remove(entry)
        outcome = read_outcome(entry.target, code, elapsed, entry.report, entry.log)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
