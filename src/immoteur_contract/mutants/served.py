"""A server of the catalogs run over a real loopback socket, and the suite run against it.

Compression, chunked transfer and `Connection: close` exist only on the wire: an in-process ASGI
target never frames or encodes anything. So a "transport" correct server is served by uvicorn on
a free 127.0.0.1 port, with a fresh token given to the runner through IMMOTEUR_TOKEN (never on a
command line), and the runner gets `--base-url`. The server runs in a forked process of its own,
as a real deployment would (uvicorn in a thread of the runner's process is three times slower,
the two sharing one interpreter); without fork it runs in a thread (server.serving).

    python -m immoteur_contract.mutants.served MODULE:ATTR run --seed 0 ...
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence

from ..rules import CONTRACT
from ..runner.target import TOKEN_ENV, load_factory
from ..server.serving import LOOPBACK, serving
from .warm import run_in_process

__all__ = ["main", "run_served", "served"]

_START_SECONDS = 30.0
_ORPHAN_POLL_SECONDS = 0.5


@contextlib.contextmanager
def served(app: str, token: str) -> Iterator[str]:
    """Serve the factory `app` (MODULE:ATTR) accepting `token` on a free loopback port, in a
    forked process where the platform has fork; yield its API base URL, stop it on exit."""
    factory = load_factory(app)
    if not hasattr(os, "fork"):
        with serving(factory(token)) as base_url:
            yield base_url
        return
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server process
        _serve(factory(token), listener, parent)
    listener.close()
    try:
        _wait_listening(port, pid)
        yield f"http://{LOOPBACK}:{port}{CONTRACT.base_path}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _serve(app: object, listener: socket.socket, parent: int) -> None:  # pragma: no cover
    """The forked server process: uvicorn on `listener` until killed, or until the run's
    process is gone (a run killed by the mutants command's timeout leaves no server behind)."""
    code = 0
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    try:
        import uvicorn

        config = uvicorn.Config(
            app,  # type: ignore[arg-type]
            lifespan="off",
            log_level="warning",
            access_log=False,
            ws="none",
        )
        uvicorn.Server(config).run(sockets=[listener])
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _exit_with_parent(parent: int) -> None:  # pragma: no cover - in the server process
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL_SECONDS)
    os._exit(0)


def _wait_listening(port: int, pid: int) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while True:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=1):
                return
        except OSError:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done or time.monotonic() > deadline:
                raise RuntimeError("the loopback server did not start") from None
            time.sleep(0.01)


def run_served(app: str, argv: Sequence[str]) -> int:
    """Serve `app` (MODULE:ATTR) on loopback and run `immoteur-contract run ...` (`argv`,
    without a target) against its base URL; the runner's exit status."""
    token = "contract-" + secrets.token_urlsafe(24)
    with served(app, token) as base_url:
        os.environ[TOKEN_ENV] = token
        try:
            return run_in_process([*argv, "--base-url", base_url])
        finally:
            os.environ.pop(TOKEN_ENV, None)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m immoteur_contract.mutants.served MODULE:ATTR run ...`."""
    app, *rest = sys.argv[1:] if argv is None else argv
    return run_served(app, rest)


if __name__ == "__main__":
    sys.exit(main())
