"""What `immoteur-contract proxy` costs: the latency it adds and the throughput it keeps, with
Stoplight Prism's validation proxy (`prism proxy`) measured beside it as the anchor.

One run, one upstream (`immoteur-contract mock`, one worker), three ways to reach it on
loopback: direct, through the proxy, through Prism's proxy. Two loads, each in alternating
rounds (direct, proxy, prism, direct, ...):

- latency: an open schedule of POSTs (the spec's first request example) at --rate requests per
  second over --connections keep-alive connections, from a small asyncio HTTP/1.1 client; the
  proxy's added latency is its percentile minus direct's (p50 target <= 1 ms, p99 <= 5 ms);
- throughput at saturation: wrk, same threads, connections and duration for each; target: the
  proxy keeps >= 0.6 of direct's requests per second.

Printed: a Markdown table (medians over the rounds), how many exchanges the proxy judged and how
many it left unjudged at saturation (its report's counts; before each next round the bench waits
for its judge to catch up, so that judging does not weigh on the other paths' rounds) and, from a
fresh proxy's report, how many of the latency load alone it judged, the
verdicts against the targets, and the machine's load average (shared machines make absolute
numbers move; ratios in one run less).

    uv run --frozen --no-sync python bench/proxy_latency.py [--rate 200] [--seconds 6]

Needs wrk (apt-get, as bench/server_throughput.py installs it) and Prism (npm ci in
bench/prism). The token is random per run and reaches the servers through the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_throughput import LUA, ensure_prism, ensure_wrk, example_body, post_status, spawned

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
CLI = [sys.executable, "-m", "immoteur_contract.cli"]


@contextmanager
def started(
    name: str, command: list[str], url: str, body: bytes, token: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until `url` answers the body 201."""
    with spawned(command, ROOT, {"IMMOTEUR_MOCK_TOKEN": token}) as process:
        deadline = time.monotonic() + 60
        while (status := post_status(url, body, token)) != 201:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer 201 (last: {status or 'nothing'})")
            time.sleep(0.2)
        yield process


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its children (the proxy's judge)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def _settled(pid: int, limit: float = 60.0) -> None:
    """Wait until process `pid` and its children are idle (the proxy's judge has caught up with
    what saturation left it), so that its work does not weigh on the next path's round."""
    deadline = time.monotonic() + limit
    before = _tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _tree_cpu_seconds(pid)
        if now - before < 0.05:
            return
        before = now


async def _connection(
    port: int, path: str, body: bytes, token: str, times: list[float], latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    loop = asyncio.get_running_loop()
    for due in times:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        start = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - start)
    writer.close()


async def _open_load(
    port: int, path: str, body: bytes, token: str, rate: float, seconds: float, connections: int
) -> list[float]:
    loop = asyncio.get_running_loop()
    begin = loop.time() + 0.05
    count = int(rate * seconds)
    schedule = [begin + i / rate for i in range(count)]
    latencies: list[float] = []
    await asyncio.gather(
        *(
            _connection(port, path, body, token, schedule[c::connections], latencies)
            for c in range(connections)
        )
    )
    return latencies


def _steady_session(
    args: argparse.Namespace, upstream: str, path: str, body: bytes, token: str, folder: Path
) -> dict[str, int]:
    """The counts of a fresh proxy's report after the latency load alone: how much of ordinary
    traffic its judge keeps up with."""
    port = free_port()
    report = folder / "steady-report.json"
    command = [*CLI, "proxy", "--upstream", upstream + CONTRACT.base_path]
    command += ["--listen", f"{LOOPBACK}:{port}", "--report", str(report)]
    url = f"http://{LOOPBACK}:{port}{path}"
    with started("steady proxy", command, url, body, token) as process:
        asyncio.run(_open_load(port, path, body, token, args.rate, args.seconds, args.connections))
        _settled(process.pid)
    counts: dict[str, int] = json.loads(report.read_text())["proxy"]
    return counts


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _wrk(
    wrk: str, url: str, script: Path, token: str, body: bytes, args: argparse.Namespace
) -> float:
    environment = {**os.environ, "BENCH_TOKEN": token, "BENCH_BODY": body.decode()}
    done = subprocess.run(
        [
            wrk,
            "-t1",
            f"-c{args.wrk_connections}",
            f"-d{max(1, round(args.seconds))}s",
            "-s",
            str(script),
            url,
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    rate = next(line for line in done.stdout.splitlines() if line.startswith("Requests/sec:"))
    if "Non-2xx" in done.stdout:
        print(f"  (non-2xx answers from {url})")
    return float(rate.split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (latency)")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8, help="latency-load connections")
    parser.add_argument("--wrk-connections", type=int, default=32)
    args = parser.parse_args()
    wrk = ensure_wrk()
    prism = ensure_prism()
    token = "bench-" + secrets.token_urlsafe(16)
    body = json.dumps(example_body()).encode()
    upstream_port, proxy_port, prism_port = free_port(), free_port(), free_port()
    path = CONTRACT.endpoint_path
    upstream = f"http://{LOOPBACK}:{upstream_port}"
    ports = {"direct": upstream_port, "proxy": proxy_port, "prism": prism_port}
    latency: dict[str, list[list[float]]] = {name: [] for name in ports}
    rates: dict[str, list[float]] = {name: [] for name in ports}
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        report_path = Path(folder) / "proxy-report.json"
        script = Path(folder) / "post.lua"
        script.write_text(LUA)
        stack.enter_context(
            started(
                "mock",
                [*CLI, "mock", "--port", str(upstream_port), "--log-level", "warning"],
                upstream + path,
                body,
                token,
            )
        )
        proxy = stack.enter_context(
            started(
                "proxy",
                [
                    *CLI,
                    "proxy",
                    "--upstream",
                    upstream + CONTRACT.base_path,
                    "--listen",
                    f"{LOOPBACK}:{proxy_port}",
                    "--report",
                    str(report_path),
                ],
                f"http://{LOOPBACK}:{proxy_port}{path}",
                body,
                token,
            )
        )
        stack.enter_context(
            started(
                "prism",
                [
                    str(prism),
                    "proxy",
                    str(ROOT / "openapi.yaml"),
                    upstream + CONTRACT.base_path,
                    "-p",
                    str(prism_port),
                    "-v",
                    "silent",
                ],
                f"http://{LOOPBACK}:{prism_port}{CONTRACT.issues_path}",
                body,
                token,
            )
        )
        paths = {"direct": path, "proxy": path, "prism": CONTRACT.issues_path}
        for round_number in range(args.rounds):
            for name, port in ports.items():
                asyncio.run(
                    _open_load(port, paths[name], body, token, args.rate, 1.0, args.connections)
                )
                measured = asyncio.run(
                    _open_load(
                        port, paths[name], body, token, args.rate, args.seconds, args.connections
                    )
                )
                latency[name].append(measured)
                url = f"http://{LOOPBACK}:{port}{paths[name]}"
                rates[name].append(_wrk(wrk, url, script, token, body, args))
                if name == "proxy":
                    _settled(proxy.pid)
                print(
                    f"round {round_number + 1} {name}:"
                    f" p50 {_percentile(measured, 0.5) * 1e3:.2f} ms,"
                    f" {rates[name][-1]:.0f} req/s",
                    flush=True,
                )
        steady = _steady_session(args, upstream, path, body, token, Path(folder))
        stack.close()  # the proxy stops (SIGTERM) and writes its report
        session = json.loads(report_path.read_text())["proxy"]
    p50 = {n: statistics.median(_percentile(r, 0.5) for r in latency[n]) * 1e3 for n in ports}
    p99 = {n: statistics.median(_percentile(r, 0.99) for r in latency[n]) * 1e3 for n in ports}
    rate = {n: statistics.median(rates[n]) for n in ports}
    print()
    print(
        f"Load average before the table: {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        f" ({os.cpu_count()} CPUs); {args.rate:.0f} req/s over {args.connections} connections,"
        f" {args.rounds} rounds of {args.seconds:.0f} s; wrk -c{args.wrk_connections}."
    )
    print()
    print(
        "| path | p50 ms | p99 ms | added p50 ms | added p99 ms | req/s at saturation | of direct |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in ports:
        added = (
            ("", "")
            if name == "direct"
            else (f"{p50[name] - p50['direct']:.2f}", f"{p99[name] - p99['direct']:.2f}")
        )
        print(
            f"| {name} | {p50[name]:.2f} | {p99[name]:.2f} | {added[0]} | {added[1]} |"
            f" {rate[name]:.0f} | {rate[name] / rate['direct']:.2f} |"
        )
    unjudged = session["not_judged_queue_full"]
    print()
    print(
        f"The proxy forwarded {session['forwarded']:,} exchanges in the session and judged"
        f" {session['endpoint']:,}; {unjudged:,} went unjudged, counted in its report, because"
        " its judge (a separate process at idle priority) was behind at saturation. A fresh"
        f" proxy under the latency load alone ({args.rate:.0f} req/s for {args.seconds:.0f} s)"
        f" forwarded {steady['forwarded']:,} and judged {steady['endpoint']:,}"
        f" ({steady['not_judged_queue_full']:,} unjudged)."
    )
    print()
    checks = [
        ("proxy added p50 <= 1 ms", p50["proxy"] - p50["direct"] <= 1.0),
        ("proxy added p99 <= 5 ms", p99["proxy"] - p99["direct"] <= 5.0),
        ("proxy throughput >= 0.6 of direct", rate["proxy"] / rate["direct"] >= 0.6),
    ]
    for label, ok in checks:
        print(f"- {label}: {'met' if ok else 'NOT met'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
