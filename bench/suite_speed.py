"""How long a whole default `immoteur-contract run` takes: in-process vs over loopback HTTP.

Each mode runs 3 times (seeds 1-3) as a fresh process, the way a user runs it; the median
wall time of each is printed side by side with their ratio. The loopback server is a uvicorn
reference server on a free 127.0.0.1 port (its token passed on stdin, never on a command line).
Run: uv run --frozen --no-sync python bench/suite_speed.py
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time

import httpx

ROUNDS = 3
_SERVE = (
    "import sys, uvicorn\n"
    "from immoteur_contract.server import reference_app\n"
    "uvicorn.run(reference_app(sys.stdin.readline().strip()), host='127.0.0.1',"
    " port=int(sys.argv[1]), log_level='warning', access_log=False)\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _timed_run(extra: list[str], env: dict[str, str], seed: int) -> float:
    argv = [sys.executable, "-m", "immoteur_contract.cli", "run", "-q", "--seed", str(seed)]
    started = time.perf_counter()
    done = subprocess.run(argv + extra, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> int:
    env = dict(os.environ)
    env.pop("IMMOTEUR_TOKEN", None)
    in_process = [_timed_run([], env, seed) for seed in range(1, ROUNDS + 1)]

    token = secrets.token_urlsafe(24)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(port)], stdin=subprocess.PIPE, text=True
    )
    assert server.stdin is not None
    server.stdin.write(token + "\n")
    server.stdin.close()
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        loopback = [
            _timed_run(["--base-url", url], {**env, "IMMOTEUR_TOKEN": token}, seed)
            for seed in range(1, ROUNDS + 1)
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)

    a, b = statistics.median(in_process), statistics.median(loopback)
    print(f"{'default run':<14} {'in-process':>12} {'loopback HTTP':>14} {'ratio':>7}")
    print(f"{'median of ' + str(ROUNDS):<14} {a:>11.2f}s {b:>13.2f}s {b / a:>6.2f}x")
    print(
        f"{'all runs':<14} {' '.join(f'{s:.1f}' for s in in_process):>12} "
        f"{' '.join(f'{s:.1f}' for s in loopback):>14}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
