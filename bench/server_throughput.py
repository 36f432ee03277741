"""Throughput of the reference server against its ceiling, Prism, and itself with more workers.

Every target gets the same load on loopback in one run: wrk (Debian's), POSTing the spec's first
request example with a Bearer token, same threads, connections and duration, three rounds each,
alternating (bare, reference, prism, store-1, store-2, bare, ...), each after a short warm-up:

- bare: bench/bare_asgi.py, an ASGI app answering a constant 201, on the mock's exact stack
  (uvicorn + uvloop + httptools behind the connection guard): the ceiling of any app there;
- reference: `immoteur-contract mock` (memory store, one worker);
- prism: Stoplight Prism 5 on the same spec;
- store-1 / store-2: the mock with --store (SQLite, shared) and --workers 1 / 2.

Printed: every round's requests per second, server CPU microseconds per request (the process
and its children, from /proc: steadier than rates on a shared machine), wrk's own CPU
microseconds per request and how busy all CPUs were; the medians; three ratios with their
targets: reference / bare (>= 0.5), reference / prism (>= 3), store-2 / store-1 (>= 1.6 on 2
cores); and the estimated scaling ceiling of this machine: wrk runs on the same cores, so two
workers can at best reach all CPUs busy at one worker's cost per request, wrk's included.

    uv run --frozen --no-sync python bench/server_throughput.py [--duration 8] [--connections 50]

Needs wrk (installed with apt-get when missing and run as root) and Prism, installed from
bench/prism/package-lock.json with `npm ci` when bench/prism/node_modules is missing. The token is
random per run and reaches the servers and wrk's Lua script through the environment only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

ROOT = Path(__file__).resolve().parents[1]
PRISM_DIR = ROOT / "bench" / "prism"
PRISM = PRISM_DIR / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi.yaml"
LOOPBACK = "127.0.0.1"
TARGETS = (
    ("reference", "bare", 0.5, "of the bare-ASGI ceiling"),
    ("reference", "prism", 3.0, "of Prism"),
    ("store-2", "store-1", 1.6, "two workers over one (SQLite store)"),
)

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.body = os.getenv("BENCH_BODY")
"""


@dataclass(frozen=True)
class Target:
    """A server under test: its command (the port is appended) and the path wrk hits."""

    name: str
    command: list[str]
    path: str
    cwd: Path


def example_body() -> dict[str, Any]:
    """The spec's first request example of POST /issues."""
    post = CONTRACT.document["paths"][CONTRACT.issues_path]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    body: dict[str, Any] = next(iter(examples.values()))["value"]
    return body


def ensure_wrk() -> str:
    """The wrk executable, installed from Debian when missing and root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: run `sudo apt-get update && sudo apt-get install -y wrk`")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is still missing after apt-get install")
    return found


def ensure_prism() -> Path:
    """Prism, installed with `npm ci` from bench/prism/package-lock.json when missing."""
    if not PRISM.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is missing: install Node.js 18+ and npm, then rerun")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PRISM_DIR, check=True)
    return PRISM


def post_status(url: str, body: bytes, token: str) -> int:
    """The status of one POST of `body` to `url` with `token`; 0 when nothing answered."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


@contextmanager
def spawned(
    command: list[str], cwd: Path, env: Mapping[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """`command` run in `cwd` with `env` added to the environment and its output discarded;
    terminated on exit (killed when it has not stopped 15 seconds later)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running(
    target: Target, port: int, env: Mapping[str, str], body: bytes
) -> Iterator[tuple[str, int]]:
    """Start `target`, wait until it answers the body with 201, yield its URL and process id,
    stop it."""
    url = f"http://{LOOPBACK}:{port}{target.path}"
    with spawned([*target.command, str(port)], target.cwd, env) as process:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{target.name} exited with {process.returncode}")
            status = post_status(url, body, env["BENCH_TOKEN"])
            if status == 201:
                break
            if status or time.monotonic() > deadline:
                raise RuntimeError(f"{target.name} answered {status or 'nothing'}, not 201")
            time.sleep(0.2)
        yield url, process.pid


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process `pid` and its descendants alive now."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process = int(stat.parent.name)
        parents[process] = int(fields[1])
        used[process] = (int(fields[11]) + int(fields[12])) / tick

    def descends(process: int) -> bool:
        while process > 1:
            if process == pid:
                return True
            process = parents.get(process, 0)
        return False

    return sum(seconds for process, seconds in used.items() if descends(process))


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs so far, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


@dataclass(frozen=True)
class Round:
    """One measured wrk run: its rate, requests, non-2xx answers and wrk's own CPU seconds."""

    rate: float
    requests: int
    errors: int
    wrk_cpu: float


def run_wrk(
    wrk: str, url: str, script: Path, env: Mapping[str, str], args: argparse.Namespace, seconds: int
) -> Round:
    """One wrk run, with the CPU time wrk itself used (user + system, from its rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [
            wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "-s",
            str(script),
            url,
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if rate is None:
        raise RuntimeError(f"unexpected wrk output:\n{result.stdout}\n{result.stderr}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    socket_errors = re.search(r"Socket errors:.*", result.stdout)
    if socket_errors:
        print(f"    ({socket_errors.group(0).strip()})")
    count = re.search(r"(\d+) requests in", result.stdout)
    return Round(
        rate=float(rate.group(1)),
        requests=int(count.group(1)) if count else 0,
        errors=int(errors.group(1)) if errors else 0,
        wrk_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    )


def main() -> int:
    """Measure both servers and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured round")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (2-core machine)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--logging",
        choices=("off", "on"),
        default="off",
        help="per-request logging of both servers: off (reference --log-level warning, Prism -v"
        " silent; the default, the stricter comparison) or on (both servers' defaults)",
    )
    args = parser.parse_args()
    quiet = args.logging == "off"

    wrk = ensure_wrk()
    prism = ensure_prism()
    token = secrets.token_urlsafe(24)
    body = json.dumps(example_body(), separators=(",", ":"))
    env = {"BENCH_TOKEN": token, "BENCH_BODY": body, "IMMOTEUR_MOCK_TOKEN": token}
    scratch_dir = tempfile.TemporaryDirectory()
    store = Path(scratch_dir.name) / "reports.db"
    mock = [
        sys.executable,
        *("-m", "immoteur_contract.cli", "mock"),
        *(("--log-level", "warning") if quiet else ()),
    ]
    targets = [
        Target(
            "bare",
            [sys.executable, str(ROOT / "bench" / "bare_asgi.py")],
            CONTRACT.endpoint_path,
            ROOT,
        ),
        Target("reference", [*mock, "--port"], CONTRACT.endpoint_path, ROOT),
        Target(
            "prism",
            [str(prism), "mock", str(SPEC), *(("-v", "silent") if quiet else ()), "-p"],
            CONTRACT.issues_path,
            PRISM_DIR,
        ),
        *(
            Target(
                f"store-{workers}",
                [*mock, "--store", str(store), "--workers", str(workers), "--port"],
                CONTRACT.endpoint_path,
                ROOT,
            )
            for workers in (1, 2)
        ),
    ]
    rates: dict[str, list[float]] = {target.name: [] for target in targets}
    costs: dict[str, list[float]] = {target.name: [] for target in targets}
    load: dict[str, list[float]] = {target.name: [] for target in targets}
    busy: dict[str, list[float]] = {target.name: [] for target in targets}
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds,"
        f" {os.cpu_count()} CPUs, per-request logging {args.logging}; body: {body}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(LUA, encoding="utf-8")
        for round_number in range(1, args.rounds + 1):
            for target in targets:
                with running(target, free_port(), env, body.encode()) as (url, pid):
                    run_wrk(wrk, url, script, env, args, args.warmup)
                    cpu_before, machine_before = cpu_seconds(pid), machine_busy()
                    measured = run_wrk(wrk, url, script, env, args, args.duration)
                    cpu_after, machine_after = cpu_seconds(pid), machine_busy()
                if measured.errors:
                    raise SystemExit(f"{target.name}: {measured.errors} responses were not 2xx")
                count = max(measured.requests, 1)
                rates[target.name].append(measured.rate)
                costs[target.name].append((cpu_after - cpu_before) / count * 1e6)
                load[target.name].append(measured.wrk_cpu / count * 1e6)
                busy[target.name].append(
                    (machine_after[0] - machine_before[0]) / (machine_after[1] - machine_before[1])
                )
                print(
                    f"  round {round_number} {target.name:<9} {measured.rate:>10,.0f} req/s"
                    f" {costs[target.name][-1]:>7,.1f} server CPU us/request"
                    f" {load[target.name][-1]:>6,.1f} wrk CPU us/request"
                    f" {busy[target.name][-1]:>5.0%} of all CPUs busy"
                )
    scratch_dir.cleanup()
    medians = {name: statistics.median(values) for name, values in rates.items()}
    cpu = {name: statistics.median(values) for name, values in costs.items()}
    wrk_cpu = {name: statistics.median(values) for name, values in load.items()}
    for name, median in medians.items():
        print(
            f"median {name:<9} {median:>10,.0f} req/s {cpu[name]:>7,.1f} server CPU us/request"
            f" {wrk_cpu[name]:>6,.1f} wrk CPU us/request"
            f" {statistics.median(busy[name]):>5.0%} of all CPUs busy"
        )
    for name, baseline, goal, meaning in TARGETS:
        ratio = medians[name] / medians[baseline]
        verdict = "met" if ratio >= goal else "NOT met"
        print(f"ratio {name}/{baseline} {ratio:.2f}x, {meaning} (target >= {goal}x: {verdict})")
    # CPU time per request does not depend on what else the machine runs: the steadier view
    print(
        f"CPU per request, bare/reference: {cpu['bare'] / cpu['reference']:.2f}x"
        f" (the ceiling's share of the reference server's cost; target >= 0.5x)"
    )
    # wrk shares the cores: two workers can at best use what one worker and wrk leave idle
    cores = os.cpu_count() or 1
    ceiling = cores * 1e6 / (cpu["store-1"] + wrk_cpu["store-1"]) / medians["store-1"]
    print(
        f"estimated scaling ceiling on this machine: {ceiling:.2f}x (all {cores} CPUs busy at one"
        f" worker's cost per request, wrk's included); two workers reached"
        f" {medians['store-2'] / medians['store-1'] / ceiling:.0%} of it, at"
        f" {cpu['store-2']:.1f} server CPU us/request against {cpu['store-1']:.1f} with one"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
