"""The contract suite against the foreign servers: servers of the contract built on real
frameworks (foreign_servers/, one folder per stack), each in its corrected and its first version.

Every corrected version must conform under every seed; every first ("naive") version must fail,
and its failures must name every rule or layer key recorded for it in FOREIGN_SERVERS (a key of
a probe family the suite does not have is listed as not probed, not counted as missed). Each
stack is installed from its lock file (`npm ci`, or `uv sync --frozen` into the stack's own
.venv); a stack whose toolchain is missing is skipped with the reason. Each server is started
on 127.0.0.1 with an ephemeral port and a fresh token (IMMOTEUR_TOKEN, never on a command
line), waited for with a deadline, and killed at the end whatever happened; a server also exits
when its standard input, a pipe from this process, closes (this process killed).

    python tools/foreign_servers.py --seeds 5 [--install] [--report PATH] [--only STACK ...]

The report (--report) is JSON: `seconds` (wall time, installs included), `stacks` (stack ->
toolchain: npm for Node, uv for Python), `skipped` (stack -> reason) and `runs` (one row per
server and seed: ok, exit_code, failed_rules, recorded, missed, not_probed, ...). Exit status:
0 when every run gave what it should, 1 otherwise (or when no stack could run), 2 for a usage
error or a stack that could not be installed or started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from immoteur_contract.mutants.kill import Outcome, Target, run_targets

__all__ = [
    "FOREIGN_SERVERS",
    "STACKS",
    "ForeignServer",
    "Stack",
    "install",
    "main",
    "missing_toolchain",
    "run",
]

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "foreign_servers"
START_SECONDS = 60.0
INSTALL_SECONDS = 600.0
RUN_SECONDS = 900.0

Variant = Literal["correct", "naive"]
NEW_FAMILIES = ("json-grammar", "check-order", "resource-limits")
"""The layer keys of the probe families below the schema (a suite without them skips them)."""


@dataclass(frozen=True)
class Stack:
    """A framework's folder under foreign_servers/, the toolchain that installs and runs it
    ("npm": package-lock.json and node; "uv": uv.lock and the stack's own .venv), and the
    entry point of each version (a file name without its extension)."""

    name: str
    toolchain: Literal["npm", "uv"]
    cost: int = 1
    """The relative time of one run against it: the costliest runs start first."""

    @property
    def folder(self) -> Path:
        return FOLDER / self.name

    def command(self, variant: Variant) -> list[str]:
        """The command that serves `variant` (run in the stack's folder)."""
        if self.toolchain == "npm":
            return [shutil.which("node") or "node", f"{variant}.js"]
        return [str(self.folder / ".venv" / "bin" / "python"), f"{variant}.py"]


@dataclass(frozen=True)
class ForeignServer:
    """One version of a stack; for a first version, the divergences the suite found in it,
    rule id or layer key -> what the framework did."""

    stack: Stack
    variant: Variant
    divergences: Mapping[str, str]

    @property
    def name(self) -> str:
        return f"{self.stack.name}_{self.variant}"


EXPRESS = Stack("express_ajv", "npm")
FASTAPI = Stack("fastapi_pydantic", "uv")
OPENAPI_CORE = Stack("openapi_core_starlette", "uv", cost=4)  # ~10 ms of validation a request
STACKS = {stack.name: stack for stack in (EXPRESS, FASTAPI, OPENAPI_CORE)}

_AJV_ROOT = "Ajv reports this conditional rule's failure at the body's root: the 422 key is ''"
_PYDANTIC_UUID = "pydantic's UUID takes braces, urn:uuid: and 32 bare hex digits (D7: hyphenated)"
FOREIGN_SERVERS = {
    server.name: server
    for server in (
        ForeignServer(EXPRESS, "correct", {}),
        ForeignServer(
            EXPRESS,
            "naive",
            {
                "data-requires-issue-facets": _AJV_ROOT,
                "data-forbids-clustering-action": _AJV_ROOT,
                "clustering-requires-clustering-action": _AJV_ROOT,
                "clustering-requires-two-targets": _AJV_ROOT,
                "other-requires-comment": _AJV_ROOT,
                "other-forbids-issue-facets": _AJV_ROOT,
                "other-forbids-clustering-action": _AJV_ROOT,
                "check-order": "express.json() parses the body before the security handler "
                "runs: a body that is not JSON gets 400 without a token",
                "json-grammar": "body-parser turns bytes that are not UTF-8 into U+FFFD: such "
                "a body is taken (201)",
            },
        ),
        ForeignServer(FASTAPI, "correct", {}),
        ForeignServer(
            FASTAPI,
            "naive",
            {
                "property-ids-uuid": _PYDANTIC_UUID,
                "classified-ids-uuid": _PYDANTIC_UUID,
                "check-order": "FastAPI decodes the JSON body before it solves the token "
                "dependency: a body that is not JSON gets 422 without a token",
                "json-grammar": "request.json() is json.loads(bytes): NaN, Infinity and UTF-16 "
                "or UTF-32 bodies are taken (201)",
            },
        ),
        ForeignServer(OPENAPI_CORE, "correct", {}),
        ForeignServer(
            OPENAPI_CORE,
            "naive",
            {
                "auth-protocol": "MediaTypeDeserializeError.__str__ decodes the raw body as "
                "UTF-8: a body that is not UTF-8 is a 500",
                "json-grammar": "json.loads(bytes) takes NaN, Infinity and UTF-16 or UTF-32 "
                "bodies (201)",
                "check-order": "the same 500 in the check-order table's cell of the right "
                "token with a body that is not UTF-8",
                "resource-limits": "json.loads raises RecursionError on deep nesting, which "
                "openapi-core does not catch: a 500; it unmarshals unknown fields too, and an "
                "unknown array of 300,000 items timed out",
            },
        ),
    )
}
"""Every foreign server by name (`STACK_VARIANT`), in table order."""


def _uv() -> str | None:
    found = shutil.which("uv")
    local = ROOT / ".tools" / "bin" / "uv"
    return found or (str(local) if local.exists() else None)


def missing_toolchain(stack: Stack) -> str | None:
    """Why `stack` cannot be installed or run here, or None when it can."""
    if stack.toolchain == "npm":
        if shutil.which("npm") is None or shutil.which("node") is None:
            return f"npm is not installed: {stack.name} needs Node.js 18+ and npm"
        return None
    if _uv() is None:
        return f"uv is not installed: {stack.name} needs it (make install puts it in .tools/bin)"
    return None


def install(stack: Stack) -> None:
    """Install `stack`'s locked dependencies: `npm ci` (when node_modules is older than the lock
    file) or `uv sync --frozen` into the stack's own .venv, with this interpreter's Python.
    CalledProcessError (its output attached) when the install fails."""
    folder = stack.folder
    if stack.toolchain == "npm":
        marker = folder / "node_modules" / ".package-lock.json"
        lock = folder / "package-lock.json"
        if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return
        argv = [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund"]
        env = dict(os.environ)
    else:
        argv = [_uv() or "uv", "sync", "--frozen", "--python", sys.executable, "--quiet"]
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
        }
    subprocess.run(
        argv,
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        timeout=INSTALL_SECONDS,
        stdin=subprocess.DEVNULL,
    )


@dataclass
class _Started:
    server: ForeignServer
    process: subprocess.Popen[bytes]
    token: str
    base_url: str


def _read_port(process: subprocess.Popen[bytes], stdout: IO[bytes], deadline: float) -> int:
    """The port of the server's `listening PORT` line, read before `deadline`."""
    buffered = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while b"\n" not in buffered:
            left = deadline - time.monotonic()
            if left <= 0 or process.poll() is not None:
                raise RuntimeError("did not print `listening PORT` in time")
            if selector.select(timeout=min(left, 0.5)):
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError("closed its output before `listening PORT`")
                buffered += chunk
    words = buffered.split(b"\n", 1)[0].split()
    if len(words) != 2 or words[0] != b"listening" or not words[1].isdigit():
        raise RuntimeError(f"printed {buffered[:80]!r} instead of `listening PORT`")
    return int(words[1])


@contextlib.contextmanager
def _serving(servers: Sequence[ForeignServer], logs: Path) -> Iterator[list[_Started]]:
    """Start every server (fresh token each, stderr to `logs`), wait for each to listen, yield
    them; kill them all on exit."""
    started: list[_Started] = []
    try:
        for server in servers:
            token = "foreign-" + secrets.token_urlsafe(24)
            with (logs / f"{server.name}.log").open("wb") as log:
                process = subprocess.Popen(
                    server.stack.command(server.variant),
                    cwd=server.stack.folder,
                    env={**os.environ, "IMMOTEUR_TOKEN": token, "EXIT_WHEN_STDIN_CLOSES": "1"},
                    stdin=subprocess.PIPE,  # never written: closed when this process ends
                    stdout=subprocess.PIPE,
                    stderr=log,
                    start_new_session=True,
                )
            entry = _Started(server, process, token, "")
            started.append(entry)
            assert process.stdout is not None
            try:
                port = _read_port(process, process.stdout, time.monotonic() + START_SECONDS)
            except RuntimeError as error:
                tail = (logs / f"{server.name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{server.name} {error}\n{tail}") from None
            entry.base_url = f"http://127.0.0.1:{port}/public/v1"
        yield started
    finally:
        for entry in started:
            with contextlib.suppress(ProcessLookupError):
                entry.process.kill()
        for entry in started:
            entry.process.wait()
            for pipe in (entry.process.stdin, entry.process.stdout):
                if pipe is not None:
                    pipe.close()


def _judged(server: ForeignServer, outcome: Outcome) -> dict[str, Any]:
    """One run's row: verdict, rules failed, and for a first version the recorded keys the run
    missed and those it could not probe."""
    recorded = set(server.divergences)
    probed = set(outcome.probed_rules) | {key for key in recorded if key in outcome.failed_rules}
    unprobed = sorted(key for key in recorded if key not in probed and key in NEW_FAMILIES)
    missed = sorted(key for key in recorded - set(outcome.failed_rules) if key not in unprobed)
    if server.variant == "correct":
        ok = outcome.exit_code == 0 and outcome.conforms is True
    else:
        ok = outcome.exit_code == 1 and outcome.conforms is False and not missed
    return {
        "name": server.name,
        "stack": server.stack.name,
        "variant": server.variant,
        "seed": outcome.target.seed,
        "ok": ok,
        "exit_code": outcome.exit_code,
        "seconds": round(outcome.seconds, 3),
        "requests": outcome.requests,
        "failed_rules": list(outcome.failed_rules),
        "recorded": sorted(recorded),
        "missed": missed,
        "not_probed": unprobed,
        "error": outcome.error,
    }


def run(
    names: Sequence[str], seeds: Sequence[int], *, jobs: int, logs: Path
) -> list[dict[str, Any]]:
    """Serve the named foreign servers and run the suite (whole runs) against each under each
    seed; one row per run (see _judged), in catalog order then seed."""
    servers = [FOREIGN_SERVERS[name] for name in names]
    with _serving(servers, logs) as started:
        targets = [
            Target(
                entry.server.name,
                f"foreign:{entry.server.name}",
                seed,
                should_conform=entry.server.variant == "correct",
                base_url=entry.base_url,
                token=entry.token,
                fail_fast=False,
            )
            for entry in sorted(started, key=lambda entry: -entry.server.stack.cost)
            for seed in seeds
        ]
        outcomes = run_targets(targets, jobs=jobs, timeout=RUN_SECONDS)
    order = list(FOREIGN_SERVERS)
    rows = [_judged(FOREIGN_SERVERS[o.target.name], o) for o in outcomes]
    return sorted(rows, key=lambda row: (order.index(row["name"]), row["seed"]))


def _line(row: Mapping[str, Any]) -> str:
    verdict = "ok" if row["ok"] else "NOT OK"
    detail = ", ".join(row["failed_rules"]) or "no failure"
    if row["missed"]:
        detail += f"; recorded but not found: {', '.join(row['missed'])}"
    if row["not_probed"]:
        detail += f"; not probed by this suite: {', '.join(row['not_probed'])}"
    return (
        f"{verdict:<6} {row['name']:<30} seed {row['seed']}  exit {row['exit_code']}  "
        f"{row['seconds']:6.1f} s  {detail}"
    )


def _error(message: str) -> int:
    print(f"foreign_servers: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/foreign_servers.py", description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per server (default 1)")
    parser.add_argument("--only", nargs="+", choices=sorted(STACKS), help="only these stacks")
    parser.add_argument("--install", action="store_true", help="install the stacks first")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at a time")
    parser.add_argument("--report", type=Path, default=None, help="JSON rows to this file")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.jobs < 1:
        return _error("--seeds and --jobs must be 1 or more")
    stacks = [STACKS[name] for name in args.only or STACKS]
    ready = []
    skipped: dict[str, str] = {}
    started = time.perf_counter()
    for stack in stacks:
        reason = missing_toolchain(stack)
        if reason is not None:
            print(f"skipped {stack.name}: {reason}", file=sys.stderr)
            skipped[stack.name] = reason
            continue
        if args.install:
            try:
                install(stack)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                output = getattr(error, "stderr", b"") or b""
                tail = output.decode(errors="replace")[-1000:]
                return _error(f"installing {stack.name} failed: {error}\n{tail}")
        ready.append(stack)
    names = [name for name, server in FOREIGN_SERVERS.items() if server.stack in ready]
    seeds = range(args.seed, args.seed + args.seeds)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="immoteur-foreign-") as logs:
        try:
            rows = run(names, seeds, jobs=args.jobs, logs=Path(logs)) if names else []
        except RuntimeError as error:
            return _error(str(error))
    seconds = time.perf_counter() - started
    for row in rows:
        print(_line(row))
    print(f"{sum(row['ok'] for row in rows)}/{len(rows)} runs as recorded; {seconds:.1f} s")
    if args.report is not None:
        report = {
            "seconds": round(seconds, 3),
            "stacks": {stack.name: stack.toolchain for stack in stacks},
            "skipped": skipped,
            "runs": rows,
        }
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if rows and all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
