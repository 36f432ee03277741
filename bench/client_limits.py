"""`immoteur-contract report` against hostile targets: peak memory and time, side by side with a
healthy answer.

Serves raw loopback sockets from this process and runs `report data ...` in a subprocess per
try, reading that process's peak RSS (VmHWM of /proc/self/status, written by the process as it
exits: ru_maxrss would count the memory of this process copied before exec) and its wall time:

- healthy:    201 with the documented body (the baseline);
- 512 MiB:    201 with a 512 MiB body (Content-Length), default limit (1 MiB);
- endless:    201 with a close-delimited body that never ends, default limit;
- gzip bomb:  201 with 64 MiB of JSON whitespace gzip-compressed to about 64 KiB, not asked for;
- unbounded:  the 512 MiB body with `--max-response-bytes` above it: what reading it whole costs
              (skip with --skip-unbounded);
- drip:       one byte a second, `--timeout 5`: the run's time is the deadline's.

    uv run --frozen --no-sync python bench/client_limits.py [--tries 3] [--skip-unbounded]

Prints one row per target: median peak RSS (MiB), its ratio to the healthy run, median seconds,
exit code and the command's stderr line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

PROPERTY = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
CREATED = json.dumps(
    {"reportId": "0b7f6a3e-2d4c-4e1b-9a8f-7c6d5e4f3a2b", "createdAt": "2025-01-02T03:04:05Z"}
).encode()
MIB = 1024 * 1024
GIVE_UP = 60.0

Behaviour = Callable[[socket.socket], None]


def _head(extra: str = "") -> bytes:
    return f"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n{extra}\r\n".encode()


def healthy(conn: socket.socket) -> None:
    conn.sendall(_head(f"Content-Length: {len(CREATED)}\r\n") + CREATED)


def sized(total: int) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.sendall(_head(f"Content-Length: {total}\r\n"))
        chunk = b" " * MIB
        sent = 0
        while sent < total:
            conn.sendall(chunk[: total - sent])
            sent += min(MIB, total - sent)

    return behave


def endless(conn: socket.socket) -> None:
    conn.sendall(_head())
    chunk = b" " * MIB
    end = time.monotonic() + GIVE_UP
    while time.monotonic() < end:
        conn.sendall(chunk)


def gzip_bomb() -> Behaviour:
    packed = gzip.compress(b"{" + b" " * (64 * MIB))

    def behave(conn: socket.socket) -> None:
        extra = f"Content-Encoding: gzip\r\nContent-Length: {len(packed)}\r\n"
        conn.sendall(_head(extra) + packed)

    return behave


def drip(conn: socket.socket) -> None:
    end = time.monotonic() + GIVE_UP
    for byte in b"HTTP/1.1 201 Created\r\n" * 100:
        if time.monotonic() > end:
            return
        conn.sendall(bytes([byte]))
        time.sleep(1.0)


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(v) for k, _, v in (ln.partition(b":") for ln in head.split(b"\r\n")[1:])
         if k.strip().lower() == b"content-length"),
        0,
    )  # fmt: skip
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


class Target:
    """A loopback server running `behaviour` for each connection, in daemon threads."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                _read_request(conn)
                self.behaviour(conn)
            except OSError:
                pass

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/public/v1"

    def close(self) -> None:
        self.listener.close()


_CHILD = """
import atexit, sys
from immoteur_contract.cli import main

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("bench-vmhwm-kib:", line.split()[1], file=sys.stderr)

atexit.register(peak)
raise SystemExit(main())
"""


def run_report(base_url: str, *options: str) -> tuple[float, float, int, str]:
    """Peak RSS (MiB), seconds, exit code and the error line of one `report` process."""
    argv = [sys.executable, "-c", _CHILD, "report", "data", "--property", PROPERTY]
    argv += ["--facet", "price", "--base-url", base_url, *options]
    env = {**os.environ, "IMMOTEUR_TOKEN": "bench-token"}
    started = time.monotonic()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=GIVE_UP * 2)
    seconds = time.monotonic() - started
    lines = done.stderr.strip().splitlines()
    peak = [ln for ln in lines if ln.startswith("bench-vmhwm-kib:")]
    rest = [ln for ln in lines if not ln.startswith("bench-vmhwm-kib:")]
    rss = int(peak[-1].split()[1]) / 1024 if peak else float("nan")
    return rss, seconds, done.returncode, (rest or [""])[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--skip-unbounded", action="store_true")
    args = parser.parse_args()

    cases: list[tuple[str, Behaviour, tuple[str, ...]]] = [
        ("healthy", healthy, ()),
        ("512 MiB body", sized(512 * MIB), ()),
        ("endless body", endless, ()),
        ("gzip bomb (64 MiB)", gzip_bomb(), ()),
    ]
    if not args.skip_unbounded:
        limit = str(600 * MIB)
        cases.append(("512 MiB, limit 600 MiB", sized(512 * MIB), ("--max-response-bytes", limit)))
    cases.append(("drip 1 B/s, --timeout 5", drip, ("--timeout", "5")))

    rows = []
    baseline = None
    for name, behaviour, options in cases:
        target = Target(behaviour)
        tries = 1 if name.startswith("drip") else args.tries
        results = [run_report(target.base_url, *options) for _ in range(tries)]
        target.close()
        rss = statistics.median(r[0] for r in results)
        seconds = statistics.median(r[1] for r in results)
        baseline = baseline or rss
        rows.append((name, rss, rss / baseline, seconds, results[-1][2], results[-1][3]))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    print(
        f"{'target':<26} {'peak RSS MiB':>12} {'x healthy':>9} {'seconds':>8} {'exit':>4}  stderr"
    )
    for name, rss, ratio, seconds, code, line in rows:
        short = line.removeprefix("immoteur-contract report: error: ")[:90]
        print(f"{name:<26} {rss:>12.1f} {ratio:>9.2f} {seconds:>8.2f} {code:>4}  {short}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
