"""How soon the reference server applies its connection limits, and what a refused head costs a
normal client: the timings tests/server/test_reliability.py does not assert (it asserts only
what is answered, closed and stored).

Starts `immoteur-contract mock` (in memory, short timeouts: `--timeout` seconds for idle, header
and body) on loopback and, in one run:

1. For each stalled connection (idle, headers that stop, a body shorter than its length, headers
   that trickle in one line every 50 ms): the seconds until the server closes it, median of
   `--rounds`, and its ratio to the configured timeout (about 1 is right; much more is a timer
   not armed).
2. For each oversized head (5 MB header, 5 MB URL, 101 headers): the seconds until it is
   refused, and a normal client's POST latency while heads are refused, side by side with the
   same POSTs with no refusal going on (the baseline): median, worst, and their ratio.

    uv run --frozen --no-sync python bench/server_limits.py [--rounds 5] [--timeout 0.5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import free_port

LOOPBACK = "127.0.0.1"
COMMAND = str(Path(sys.executable).parent / "immoteur-contract")
BODY = {
    "propertyIds": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    "issueKind": "data",
    "issueFacets": ["price"],
}


@contextlib.contextmanager
def mock(token: str, timeout: float) -> Iterator[int]:
    """`immoteur-contract mock` on a free loopback port with every timeout at `timeout`."""
    port = free_port()
    seconds = str(timeout)
    process = subprocess.Popen(
        [COMMAND, "mock", "--host", LOOPBACK, "--port",
         str(port), "--idle-timeout", seconds, "--header-timeout", seconds, "--body-timeout",
         seconds, "--log-level", "warning"],
        env={**os.environ, "IMMOTEUR_MOCK_TOKEN": token},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 1):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("the mock did not start within 30 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def until_closed(sock: socket.socket) -> None:
    sock.settimeout(30)
    with contextlib.suppress(ConnectionResetError):
        while sock.recv(65536):
            pass


def seconds_to_close(port: int, send: Callable[[socket.socket], None]) -> float:
    with socket.create_connection((LOOPBACK, port)) as sock:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            send(sock)
        until_closed(sock)
        return time.monotonic() - started


def trickle(sock: socket.socket) -> None:
    sock.sendall(b"GET /_mock/reports HTTP/1.1\r\n")
    sock.settimeout(0.05)
    while True:
        sock.sendall(b"X: y\r\n")
        try:
            if sock.recv(1, socket.MSG_PEEK):
                return
        except TimeoutError:
            continue


def latencies(port: int, token: str, stop: threading.Event, out: list[float]) -> None:
    url = f"http://{LOOPBACK}:{port}"
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while not stop.is_set():
            started = time.monotonic()
            client.post(CONTRACT.endpoint_path, json=BODY)
            out.append(time.monotonic() - started)


def sender(data: bytes) -> Callable[[socket.socket], None]:
    return lambda sock: sock.sendall(data)


def posts_while(port: int, token: str, step: Callable[[], object], posts: int = 30) -> list[float]:
    """The latencies of `posts` normal POSTs (one client, its own thread) while `step` runs
    over and over in this thread."""
    stop, times = threading.Event(), list[float]()
    worker = threading.Thread(target=latencies, args=(port, token, stop, times))
    worker.start()
    deadline = time.monotonic() + 120
    while len(times) < posts and time.monotonic() < deadline:
        step()
    stop.set()
    worker.join(timeout=60)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=0.5)
    args = parser.parse_args()
    token = secrets.token_urlsafe(16)
    body = json.dumps(BODY).encode()
    request = (
        b"POST %s HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer %s\r\nContent-Type: "
        b"application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (CONTRACT.endpoint_path.encode(), token.encode(), len(body), body)
    )
    stalls: dict[str, Callable[[socket.socket], None]] = {
        "idle": lambda sock: None,
        "headers stop": lambda sock: sock.sendall(b"POST /public/v1/issues HTTP/1.1\r\nHost: x"),
        "body short": lambda sock: sock.sendall(request[:-10]),
        "slowloris": trickle,
    }
    heads = {
        "5 MB header": b"GET /_mock/reports HTTP/1.1\r\nX: " + b"a" * 5_000_000,
        "5 MB URL": b"GET /_mock/" + b"a" * 5_000_000,
        "101 headers": b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n",
    }
    with mock(token, args.timeout) as port:
        print(f"stalled connections (timeout {args.timeout} s, median of {args.rounds}):")
        for name, send in stalls.items():
            closed = statistics.median(seconds_to_close(port, send) for _ in range(args.rounds))
            print(f"  {name:14} closed after {closed:6.3f} s  ratio {closed / args.timeout:5.2f}")
        print("oversized heads: refused after (median), normal POSTs meanwhile vs baseline:")
        for name, head in heads.items():
            base = posts_while(port, token, lambda: time.sleep(0.01))
            refused: list[float] = []

            def refuse(head: bytes = head, refused: list[float] = refused) -> None:
                refused.append(seconds_to_close(port, sender(head)))

            during = posts_while(port, token, refuse)
            median, base_median = statistics.median(during), statistics.median(base)
            print(
                f"  {name:12} refused {statistics.median(refused):6.3f} s; POSTs median "
                f"{median * 1000:6.1f} ms vs {base_median * 1000:6.1f} ms (ratio "
                f"{median / base_median:4.2f}), worst {max(during) * 1000:6.1f} ms vs "
                f"{max(base) * 1000:6.1f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
