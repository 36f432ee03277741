"""`immoteur-contract mock`: the reference server under uvicorn, on loopback by default.

The accepted token comes from IMMOTEUR_MOCK_TOKEN (recommended) or --token (discouraged: a
command line is visible to other users of the machine and lands in shell history). With neither,
a random token is generated and printed once to stdout -- the only place it ever appears. Logs
(one line per request: method, path, status, milliseconds) go to stderr and never contain the
token or any header. A host that is not loopback is refused unless --public is given, because the
inspection API under /_mock/ needs no token unless --admin-token is given. Whatever the host, the
inspection API answers only the names the server was started for and refuses cross-site
requests (`guard.py`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import re
import secrets
import socket
import sqlite3
import sys
from collections.abc import Callable

import uvicorn

from ..arguments import (
    OutputPathError,
    fraction,
    non_negative_int,
    non_negative_number,
    output_file,
    port,
    positive_int,
    prepare_outputs,
    seed,
)
from ..rules import CONTRACT
from .access_log import ACCESS_LOGGER, AccessLogMiddleware
from .app import create_app
from .asgi import ASGIApp
from .auth import unusable_token_reason
from .guard import MockGuard
from .inspection import REPORTS_PATH
from .limits import ConnectionLimits
from .listener import add_connection_options, bind_listener, connection_limits
from .protocol import guarded_protocol
from .serving import fastest_loop, is_loopback_host, serve_until_stopped
from .settings import ServerSettings
from .sqlite_store import SqliteStore
from .store import DEFAULT_STORE_CAP, MemoryStore, ReportStore
from .workers import run_workers

__all__ = ["ADMIN_TOKEN_ENV", "TOKEN_ENV", "add_arguments", "run", "uvicorn_config"]

TOKEN_ENV = "IMMOTEUR_MOCK_TOKEN"
ADMIN_TOKEN_ENV = "IMMOTEUR_MOCK_ADMIN_TOKEN"

_logger = logging.getLogger("immoteur_contract.server")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The mock command's options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=port, default=8080, help="port to bind (default 8080)")
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a --host that is not loopback (the /_mock/ inspection API has no auth)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the /_mock/ inspection API answers besides loopback names (repeatable;"
        " --public adds the --host given, or this machine's names for a wildcard --host)",
    )
    parser.add_argument(
        "--admin-token",
        action="store_true",
        help=f"require a Bearer admin token on all of /_mock/, read from {ADMIN_TOKEN_ENV}"
        " (generated and printed once when unset); for a server bound with --public",
    )
    parser.add_argument(
        "--token",
        help=f"the accepted Bearer token; prefer the {TOKEN_ENV} environment variable, as a"
        " command line is visible to other processes (default: generated and printed once)",
    )
    parser.add_argument(
        "--store",
        type=output_file,
        metavar="PATH",
        help="keep reports in this SQLite file, across restarts (default: in memory)",
    )
    parser.add_argument(
        "--latency",
        type=non_negative_number,
        default=0.0,
        metavar="SECONDS",
        help="fixed delay per request",
    )
    parser.add_argument(
        "--latency-range",
        type=non_negative_number,
        nargs=2,
        metavar=("MIN", "MAX"),
        help="extra random delay per request, uniform in [MIN, MAX] seconds",
    )
    parser.add_argument(
        "--rate-limit",
        type=positive_int,
        metavar="N",
        help="answer 429 with Retry-After past N requests per one-second window",
    )
    parser.add_argument(
        "--fail-rate",
        type=fraction,
        default=0.0,
        metavar="FRACTION",
        help="answer this fraction (0..1) of requests 503",
    )
    parser.add_argument(
        "--accept-any-token", action="store_true", help="accept any non-empty Bearer token"
    )
    parser.add_argument(
        "--seed",
        type=seed,
        metavar="N",
        help="seed of the random faults (--latency-range, --fail-rate)",
    )
    doubles = parser.add_argument_group("store and client-testing doubles")
    doubles.add_argument(
        "--store-cap",
        type=non_negative_int,
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
    add_connection_options(parser)


def _usage_error(message: str) -> int:
    print(f"immoteur-contract mock: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Start the server and serve until interrupted; 0 on a clean stop, 2 on bad options.

    Every start-up check (options, token, store, the port) runs before anything is printed, so
    a mistake gets one line on stderr and exit 2, and a token is never printed for a server that
    did not start.
    """
    problem = _option_problem(args)
    if problem is not None:
        return _usage_error(problem)
    token, source = _chosen_token(args)
    reason = None if token is None else unusable_token_reason(token)
    if reason is not None:
        return _usage_error(f"invalid token from {source}: {reason}")
    admin_token = os.environ.get(ADMIN_TOKEN_ENV) if args.admin_token else None
    reason = None if admin_token is None else unusable_token_reason(admin_token)
    if reason is not None:
        return _usage_error(f"invalid admin token from {ADMIN_TOKEN_ENV}: {reason}")
    if args.admin_token and admin_token is None:
        admin_token = secrets.token_urlsafe(32)
        print_admin = True
    else:
        print_admin = False
    try:
        settings = ServerSettings(
            token=secrets.token_urlsafe(32) if token is None else token,
            accept_any_token=args.accept_any_token,
            latency=args.latency,
            latency_range=tuple(args.latency_range) if args.latency_range else None,
            rate_limit=args.rate_limit,
            fail_rate=args.fail_rate,
            seed=args.seed,
            allow_prefer=args.allow_prefer,
        )
        limits = connection_limits(args)
    except ValueError as error:  # settings' own names become the flags that set them
        return _usage_error(f"invalid option: {flag_names(str(error), args)}")
    try:
        if args.store:
            prepare_outputs([("--store", args.store)])
            SqliteStore(args.store).close()  # fails now, not in every worker
    except OutputPathError as error:
        return _usage_error(str(error))
    except (OSError, sqlite3.Error) as error:
        return _usage_error(f"cannot open the store {args.store}: {_one_line(error)}")
    try:
        listeners = _bind_listeners(args.host, args.port, args.workers)
    except OSError as error:
        return _usage_error(f"cannot listen on {_one_line(error)}")
    if token is None:
        print(
            f"Generated token (shown once; set {TOKEN_ENV} to choose one): {settings.token}",
            flush=True,
        )
    if print_admin:
        print(
            f"Generated admin token for /_mock/ (shown once; set {ADMIN_TOKEN_ENV} to choose"
            f" one): {admin_token}",
            flush=True,
        )
    guard = functools.partial(MockGuard, hosts=_inspection_hosts(args), admin_token=admin_token)
    _cheap_log_records()
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    base = f"http://{args.host}:{args.port}"
    _logger.info(
        "reference server: POST %s%s; inspection: %s%s; store: %s; workers: %d",
        base,
        CONTRACT.endpoint_path,
        base,
        REPORTS_PATH,
        args.store or "memory",
        args.workers,
    )

    def serve_one(index: int) -> None:
        _serve(settings, limits, args, listeners[index], guard)

    status = 0
    try:
        if args.workers == 1:
            serve_one(0)
        else:
            status = run_workers(serve_one, args.workers)
    finally:
        for listener in listeners:
            listener.close()
    _logger.info("reference server stopped")
    return status


def _option_problem(args: argparse.Namespace) -> str | None:
    """The one-line complaint about options that cannot work together, or None."""
    if not (is_loopback_host(args.host) or args.public):
        return (
            f"refusing to bind --host {args.host}: not a loopback address; the /_mock/"
            " inspection API has no authentication. Add --public if you mean it."
        )
    if args.workers < 1:
        return "invalid option: --workers must be >= 1"
    if args.workers > 1 and not args.store:
        return (
            "invalid option: --workers above 1 needs --store PATH (the workers share reports"
            " through that SQLite file; the in-memory store lives in one process)"
        )
    return None


def _inspection_hosts(args: argparse.Namespace) -> list[str]:
    """The Host names /_mock/ answers besides loopback ones: --allowed-host, and with --public
    the --host given (or, for a wildcard address, this machine's name and addresses)."""
    hosts = list(args.allowed_host)
    if args.public and not is_loopback_host(args.host):
        if args.host in ("0.0.0.0", "::", ""):
            hosts += [socket.gethostname(), socket.getfqdn()]
            with contextlib.suppress(OSError):
                hosts += socket.gethostbyname_ex(socket.gethostname())[2]
        else:
            hosts.append(args.host)
    return hosts


def _chosen_token(args: argparse.Namespace) -> tuple[str | None, str]:
    """The token given (None: generate one) and where it came from, for error messages."""
    if args.token is not None:
        return args.token, "--token"
    if TOKEN_ENV in os.environ:
        return os.environ[TOKEN_ENV], TOKEN_ENV
    return None, ""


def _bind_listeners(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker. Several workers each get their own socket on the port
    (SO_REUSEPORT), so that the kernel spreads connections evenly: on one shared socket the
    first worker to wake takes most of them."""
    first = bind_listener(host, port, reuse_port=workers > 1)
    listeners = [first]
    try:
        bound_port = first.getsockname()[1]
        listeners += [bind_listener(host, bound_port, reuse_port=True) for _ in range(workers - 1)]
    except OSError:
        for listener in listeners:
            listener.close()
        raise
    return listeners


def _serve(
    settings: ServerSettings,
    limits: ConnectionLimits,
    args: argparse.Namespace,
    listener: socket.socket,
    guard: Callable[[ASGIApp], ASGIApp],
) -> None:
    """Serve on `listener` in this process until stopped, with its own store connection."""
    cap = args.store_cap or None
    store: ReportStore = SqliteStore(args.store, cap=cap) if args.store else MemoryStore(cap=cap)
    app: ASGIApp = guard(create_app(settings, store=store))
    if ACCESS_LOGGER.isEnabledFor(logging.INFO):  # else the wrapper only costs a call
        app = AccessLogMiddleware(app)
    try:
        serve_until_stopped(uvicorn.Server(uvicorn_config(app, limits)), listener)
    finally:
        if isinstance(store, SqliteStore):
            store.close()


def uvicorn_config(app: ASGIApp, limits: ConnectionLimits) -> uvicorn.Config:
    """The uvicorn configuration of the mock command for `app` (also used by the benchmark's
    bare ASGI app, so that both run on exactly the same stack)."""
    return uvicorn.Config(
        app,
        loop=fastest_loop(),
        http=guarded_protocol(limits),
        ws="none",
        lifespan="off",
        access_log=False,
        log_config=None,
        server_header=False,
        proxy_headers=False,
    )


def flag_names(message: str, args: argparse.Namespace) -> str:
    """`message` with each option's Python name (`fail_rate`) written as its flag
    (`--fail-rate`), so that a settings error names what the user typed."""
    for name in sorted(vars(args), key=len, reverse=True):
        if "_" in name:
            message = re.sub(rf"(?<![\w-]){name}(?!\w)", "--" + name.replace("_", "-"), message)
    return message


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _cheap_log_records() -> None:
    """Skip what the access log does not print: caller lookup, thread and process names (the
    switches of the logging HOWTO's "Optimization" section); they cost more per request than
    the validation does."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
