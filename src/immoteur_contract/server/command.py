"""`immoteur-contract mock`: the reference server under uvicorn, on loopback by default.

The accepted token comes from IMMOTEUR_MOCK_TOKEN (recommended) or --token (discouraged: a
command line is visible to other users of the machine and lands in shell history). With neither,
a random token is generated and printed once to stdout -- the only place it ever appears. Logs
(one line per request: method, path, status, milliseconds) go to stderr and never contain the
token or any header. A host that is not loopback is refused unless --public is given, because the
inspection API under /_mock/ has no authentication.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import logging
import os
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

import uvicorn

from ..rules import CONTRACT
from .access_log import AccessLogMiddleware
from .app import create_app
from .inspection import REPORTS_PATH
from .serving import is_loopback_host
from .settings import ServerSettings
from .store import DEFAULT_STORE_CAP, MemoryStore, ReportStore, SqliteStore

__all__ = ["TOKEN_ENV", "add_arguments", "run"]

TOKEN_ENV = "IMMOTEUR_MOCK_TOKEN"

_logger = logging.getLogger("immoteur_contract.server")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The mock command's options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to bind (default 8080)")
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a --host that is not loopback (the /_mock/ inspection API has no auth)",
    )
    parser.add_argument(
        "--token",
        help=f"the accepted Bearer token; prefer the {TOKEN_ENV} environment variable, as a"
        " command line is visible to other processes (default: generated and printed once)",
    )
    parser.add_argument(
        "--store",
        metavar="PATH",
        help="keep reports in this SQLite file, across restarts (default: in memory)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="fixed delay per request"
    )
    parser.add_argument(
        "--latency-range",
        type=float,
        nargs=2,
        metavar=("MIN", "MAX"),
        help="extra random delay per request, uniform in [MIN, MAX] seconds",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="answer 429 with Retry-After past N requests per one-second window",
    )
    parser.add_argument(
        "--fail-rate",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="answer this fraction (0..1) of requests 503",
    )
    parser.add_argument(
        "--accept-any-token", action="store_true", help="accept any non-empty Bearer token"
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="seed of the random faults (--latency-range, --fail-rate)",
    )
    doubles = parser.add_argument_group("store and client-testing doubles")
    doubles.add_argument(
        "--store-cap",
        type=int,
        default=DEFAULT_STORE_CAP,
        metavar="N",
        help=f"keep at most N reports, dropping the oldest (default {DEFAULT_STORE_CAP:,};"
        " 0: no cap)",
    )
    doubles.add_argument(
        "--allow-prefer",
        action="store_true",
        help="honour `Prefer: code=NNN` and `Prefer: example=NAME` (with a valid token) to answer"
        " a documented error on demand; off by default so the server stays the contract",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="info (default) logs one line per request; warning silences them",
    )


def run(args: argparse.Namespace) -> int:
    """Start the server and serve until interrupted; 0 on a clean stop, 2 on bad options."""
    if not (is_loopback_host(args.host) or args.public):
        print(
            f"refusing to bind {args.host}: not a loopback address; the /_mock/ inspection API"
            " has no authentication. Add --public if you mean it.",
            file=sys.stderr,
        )
        return 2
    token = args.token or os.environ.get(TOKEN_ENV)
    generated = not token
    if not token:
        token = secrets.token_urlsafe(32)
    try:
        settings = ServerSettings(
            token=token,
            accept_any_token=args.accept_any_token,
            latency=args.latency,
            latency_range=tuple(args.latency_range) if args.latency_range else None,
            rate_limit=args.rate_limit,
            fail_rate=args.fail_rate,
            seed=args.seed,
            allow_prefer=args.allow_prefer,
        )
        if args.store_cap < 0:
            raise ValueError("--store-cap must be >= 0 (0: no cap)")
    except ValueError as error:
        print(f"invalid option: {error}", file=sys.stderr)
        return 2
    if generated:
        print(f"Generated token (shown once; set {TOKEN_ENV} to choose one): {token}", flush=True)
    _cheap_log_records()
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    cap = args.store_cap or None
    store: ReportStore = SqliteStore(args.store, cap=cap) if args.store else MemoryStore(cap=cap)
    app = AccessLogMiddleware(create_app(settings, store=store))
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop" if _installed("uvloop") else "asyncio",
        http="httptools" if _installed("httptools") else "h11",
        lifespan="off",
        access_log=False,
        log_config=None,
        server_header=False,
        proxy_headers=False,
    )
    base = f"http://{args.host}:{args.port}"
    _logger.info(
        "reference server: POST %s%s; inspection: %s%s; store: %s",
        base,
        CONTRACT.endpoint_path,
        base,
        REPORTS_PATH,
        args.store or "memory",
    )
    _settle_garbage_collector()
    stop_signals = _stop_on_signals()
    try:
        uvicorn.Server(config).run()
    except (_StoppedError, KeyboardInterrupt):
        pass  # uvicorn shut down gracefully, then re-raised the signal it caught
    finally:
        stop_signals()
        if isinstance(store, SqliteStore):
            store.close()
    _logger.info("reference server stopped")
    return 0


class _StoppedError(Exception):
    """Raised by the SIGTERM handler once uvicorn has shut down and passes the signal on."""


def _stop_on_signals() -> Callable[[], None]:
    """Make SIGTERM end `run` with status 0 (after uvicorn's graceful shutdown, which re-raises
    the signal it caught) instead of killing the process before the store is closed; return the
    function that restores the previous handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _StoppedError

    previous = signal.signal(signal.SIGTERM, stop)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def _settle_garbage_collector() -> None:
    """Move everything loaded at start-up out of the collector's sight (gc.freeze) and collect
    the youngest generation less often: a request leaves almost no cycles, so the default
    thresholds only make the collector re-walk long-lived objects on the hot path."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def _cheap_log_records() -> None:
    """Skip what the access log does not print: caller lookup, thread and process names (the
    switches of the logging HOWTO's "Optimization" section); they cost more per request than
    the validation does."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
