"""The reference server's store under long use: memory per report, memory after DELETE, and what a
big listing costs the POSTs that arrive meanwhile.

Starts `immoteur-contract mock` (in memory, --log-level warning) on loopback and, in one run:

1. POSTs `--small` small reports (16 connections), reads the server's RSS (VmRSS from /proc), then
   `DELETE /_mock/reports` and reads it again: memory per 10,000 reports and memory returned.
2. POSTs `--large` reports with a comment of 4000 astral characters and `--padding` KiB of unknown
   field (the body limit is 1 MiB), then reads the whole listing, page after page, while a second
   client keeps POSTing: the listing's seconds and bytes, the largest page, the server's peak RSS,
   and the POSTs' median and worst latency during the listing, side by side with the same POSTs
   before it (the baseline).

    uv run --frozen --no-sync python bench/store_memory.py [--small 50000] [--large 500]

Extra arguments after `--` go to the mock command (e.g. `-- --store-cap 1000`); with
`--baseline-src DIR` the same scenario then runs against another checkout's server (its src/).
The timed POSTs run in their own process and connection, so the reader's work does not count
against the server (a thread would share the GIL with the parsing of a 400 MiB page).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

LOOPBACK = "127.0.0.1"
NEXT = re.compile(rb'"next":\s*(null|"[^"]*")\s*}\s*$')
SMALL = {
    "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    "issueKind": "data",
    "issueFacets": ["price"],
    "comment": "The price shown is the monthly rent, not the sale price.",
}


def rss_mib(pid: int) -> float:
    """The process's resident set size, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def peak_mib(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def post_many(client: httpx.AsyncClient, body: dict[str, Any], count: int) -> None:
    """POST `body` `count` times over 16 concurrent connections; every answer must be 201."""
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            response = await client.post(CONTRACT.endpoint_path, json=body)
            if response.status_code != 201:
                raise RuntimeError(f"POST answered {response.status_code}")

    await asyncio.gather(*(worker() for _ in range(16)))


def _post_until(
    base_url: str, headers: dict[str, str], ready: Any, stop: Any, results: Any
) -> None:  # pragma: no cover - runs in the child process
    latencies: list[float] = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.post(CONTRACT.endpoint_path, json=SMALL)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"POST answered {response.status_code}")
            ready.set()
            time.sleep(0.005)
    results.put(latencies)


class TimedPosts:
    """POSTs the small report one at a time from its own process and connection (so that
    nothing the listing's reader does in this process delays it), until finished; keeps each
    request's seconds."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        context = multiprocessing.get_context("spawn")
        ready, self.stop = context.Event(), context.Event()
        self.results: Any = context.Queue()
        self.process = context.Process(
            target=_post_until,
            args=(base_url, headers, ready, self.stop, self.results),
            daemon=True,
        )
        self.process.start()
        if not ready.wait(60):
            raise RuntimeError("the POSTing process did not start")

    def finish(self) -> list[float]:
        self.stop.set()
        latencies: list[float] = self.results.get(timeout=300)
        self.process.join(30)
        return latencies


async def read_listing(client: httpx.AsyncClient) -> tuple[int, int, int]:
    """Every page of GET /_mock/reports: (reports, bytes, largest page bytes). Pages are not
    parsed whole (the report count and `next` are found in the bytes), so that the reader's
    cost stays small beside the server's."""
    reports = size = largest = 0
    params: dict[str, str] = {}
    while True:
        response = await client.get("/_mock/reports", params=params)
        response.raise_for_status()
        content = response.content
        size += len(content)
        largest = max(largest, len(content))
        reports += content.count(b'{"reportId":')
        found = NEXT.search(content[-200:])
        after = json.loads(found.group(1)) if found else None
        if not after:
            return reports, size, largest
        params = {"after": after}


async def measure(base_url: str, token: str, pid: int, args: argparse.Namespace) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=120
    ) as client:
        idle = rss_mib(pid)
        await post_many(client, SMALL, args.small)
        full = rss_mib(pid)
        (
            await client.delete("/_mock/reports", headers={"content-type": "application/json"})
        ).raise_for_status()
        await asyncio.sleep(0.5)
        cleared = rss_mib(pid)
        per_10k = (full - idle) / args.small * 10_000
        print(
            f"small reports: {args.small}; RSS idle {idle:.1f} MiB, full {full:.1f} MiB"
            f" ({per_10k:.2f} MiB per 10,000), after DELETE {cleared:.1f} MiB"
            f" ({(full - cleared) / max(full - idle, 1e-9):.0%} of the growth returned)"
        )

        large = dict(SMALL, comment="\U0001f600" * 4000, padding="p" * (args.padding * 1024))
        await post_many(client, large, args.large)
        before_listing = rss_mib(pid)
        poster = TimedPosts(base_url, headers)
        await asyncio.sleep(3)
        baseline = poster.finish()
        poster = TimedPosts(base_url, headers)
        started = time.perf_counter()
        reports, size, largest = await read_listing(client)
        seconds = time.perf_counter() - started
        during = poster.finish()
        kib = len(httpx.Request("POST", "/", json=large).content) / 1024
        print(
            f"large reports: {args.large} of {kib:.0f} KiB;"
            f" RSS before listing {before_listing:.1f} MiB, peak {peak_mib(pid):.1f} MiB"
        )
        print(
            f"listing: {reports} reports, {size / 2**20:.1f} MiB in {seconds:.2f} s;"
            f" largest page {largest / 2**20:.1f} MiB"
        )
        for name, values in (("before the listing", baseline), ("during the listing", during)):
            print(
                f"POST latency {name}: {len(values)} requests, median"
                f" {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms"
            )
        ratio = max(during) / statistics.median(baseline)
        print(f"worst POST during the listing / median before: {ratio:.1f}x")


def run_one(label: str, source: str | None, args: argparse.Namespace) -> None:
    """The whole scenario against the mock command, from `source` (a src/ folder) if given."""
    print(f"--- {label}", flush=True)
    token = secrets.token_urlsafe(24)
    port = free_port()
    env = dict(os.environ, IMMOTEUR_MOCK_TOKEN=token)
    if source is not None:
        env["PYTHONPATH"] = source
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "immoteur_contract.cli",
            "mock",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args.mock_args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base_url + "/_mock/reports", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        asyncio.run(measure(base_url, token, process.pid, args))
    finally:
        process.terminate()
        process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--large", type=int, default=500)
    parser.add_argument("--padding", type=int, default=900, help="KiB of padding per large report")
    parser.add_argument(
        "--baseline-src",
        metavar="DIR",
        help="also run the scenario against the mock command of another checkout's src/ folder"
        " (e.g. a worktree of the main branch), after this tree's, for a side-by-side reading",
    )
    parser.add_argument("mock_args", nargs="*")
    args = parser.parse_args()
    run_one("this tree", None, args)
    if args.baseline_src:
        run_one(f"baseline: {args.baseline_src}", args.baseline_src, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
