"""What the client facade costs per report, next to a bare httpx POST of the same body.

Both go through one `httpx.ASGITransport` to one in-process reference server, in the same run,
interleaved batch by batch so that drift on a shared machine hits both alike:

  facade  `AsyncIssueReports.create(report)`: rule check, generated model from_dict/to_dict,
          generated issues_create, auth and timeout hooks, response parsing into CreatedReport
  bare    `httpx.AsyncClient.post("/issues", json=body, headers=auth)`, status check, `.json()`

Prints the median time per call of each, the overhead (ratio of the medians, and the median of the
per-batch ratios, which pairs each facade batch with the bare batch next to it and so cancels most
of a shared machine's drift; target: under 20%), and the time of the local steps alone (rule check
plus generated model round trip) for context.

    uv run --frozen --no-sync python bench/client_overhead.py [--batches 200] [--batch-size 10]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable

import anyio
import httpx
from immoteur_client.models import IssueReportRequest

from immoteur_contract.client import AsyncIssueReports, DataReport
from immoteur_contract.rules import CONTRACT, RULES
from immoteur_contract.server import reference_app

BASE_URL = f"http://127.0.0.1{CONTRACT.base_path}"  # in-process: the transport never connects
REPORT = DataReport(
    ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    ["price", "description"],
    comment="The price shown is the monthly rent, not the sale price.",
)


async def _per_call(call: Callable[[], Awaitable[object]], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        await call()
    return (time.perf_counter() - start) / count


async def measure(batches: int, batch_size: int, warmup: int) -> dict[str, list[float]]:
    """Seconds per call of each way, one value per batch."""
    token = secrets.token_urlsafe(24)
    transport = httpx.ASGITransport(app=reference_app(token))
    body = REPORT.to_body()
    auth = {"Authorization": f"Bearer {token}"}
    async with (
        AsyncIssueReports(token, base_url=BASE_URL, transport=transport) as facade,
        httpx.AsyncClient(base_url=BASE_URL, transport=transport, timeout=30.0) as bare,
    ):

        async def via_facade() -> object:
            return await facade.create(REPORT)

        async def via_bare() -> object:
            response = await bare.post("/issues", json=body, headers=auth)
            if response.status_code != 201:
                raise RuntimeError(f"bare POST got {response.status_code}")
            return response.json()

        ways = {"facade": via_facade, "bare": via_bare}
        for call in ways.values():
            await _per_call(call, warmup)
        times: dict[str, list[float]] = {name: [] for name in ways}
        for index in range(batches):
            order = list(ways.items()) if index % 2 == 0 else list(reversed(ways.items()))
            for name, call in order:
                times[name].append(await _per_call(call, batch_size))
    return times


def local_steps(count: int) -> float:
    """Seconds per report of the facade's local work: rule check and generated model round trip."""
    start = time.perf_counter()
    for _ in range(count):
        body = REPORT.to_body()
        RULES.violations(body)
        IssueReportRequest.from_dict(body).to_dict()
    return (time.perf_counter() - start) / count


def main() -> None:
    """Run the measurement and print the medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()

    times = anyio.run(measure, args.batches, args.batch_size, args.warmup)
    facade = statistics.median(times["facade"])
    bare = statistics.median(times["bare"])
    local = local_steps(args.batches * args.batch_size)
    calls = args.batches * args.batch_size
    print(f"in-process reference server, {args.batches} batches x {args.batch_size} calls each")
    print()
    print("| way | median per call | calls |")
    print("|---|---:|---:|")
    print(f"| bare httpx POST | {bare * 1e6:.0f} us | {calls} |")
    print(f"| AsyncIssueReports.create | {facade * 1e6:.0f} us | {calls} |")
    print()
    paired = statistics.median(f / b for f, b in zip(times["facade"], times["bare"], strict=True))
    print(f"overhead, ratio of medians: {(facade / bare - 1) * 100:+.1f}% ({facade / bare:.3f}x)")
    print(f"overhead, median of paired batch ratios: {(paired - 1) * 100:+.1f}% ({paired:.3f}x)")
    print("target: under +20%")
    print(f"local steps alone (rule check + model round trip): {local * 1e6:.0f} us per report")


if __name__ == "__main__":
    main()
