"""`immoteur-contract proxy`: forward traffic to an upstream API and judge it against the
contract, live; on exit (SIGINT, SIGTERM or --max-exchanges), write the session as a `run`
report, judged against --baseline and summarised like a run (runner/regression.py)."""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
import threading
import time
from pathlib import Path

from ..arguments import OutputPathError, prepare_outputs
from ..exits import UNVERIFIED, USAGE
from ..runner import regression
from ..runner.outputs import write_atomic
from ..server.listener import bind_listener
from .bounded import DEFAULT_BODY_LIMIT, CaptureBudget
from .forwarding import Upstream, UpstreamError
from .judging import JudgeProcess, JudgingStoppedError
from .recorder import Recorder
from .report import ProxyReport, proxy_report
from .serving import ProxyServer, serve_until_stopped

__all__ = ["add_arguments", "run"]

_PREFIX = "immoteur-contract proxy"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the API to forward to; its path stands for /public/v1 (http://127.0.0.1:8000/public/v1)",
    )
    parser.add_argument(
        "--listen", default="127.0.0.1:8080", metavar="HOST:PORT", help="where to listen"
    )
    parser.add_argument("--report", metavar="PATH", help="write the session's JSON report on exit")
    parser.add_argument("--summary", metavar="PATH", help="write a Markdown summary on exit")
    parser.add_argument(
        "--max-exchanges",
        type=_positive,
        metavar="N",
        help="stop after N exchanges (default: run until SIGINT or SIGTERM)",
    )
    parser.add_argument(
        "--cacert", metavar="PATH", help="CA bundle (PEM) that signs an https:// upstream"
    )
    parser.add_argument(
        "--body-limit",
        type=_positive,
        default=DEFAULT_BODY_LIMIT,
        metavar="BYTES",
        help="bytes of each body kept for judging; larger bodies are forwarded whole and "
        f"judged in part (default {DEFAULT_BODY_LIMIT})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="longest wait for the upstream between two reads (default 60)",
    )
    regression.add_arguments(parser)


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"--listen must be HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def _verify(cacert: str | None) -> ssl.SSLContext | bool:
    if cacert is None:
        return True
    try:
        return ssl.create_default_context(cafile=cacert)
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f"--cacert {cacert}: {error.strerror or error}") from None


def run(args: argparse.Namespace) -> int:
    try:
        upstream = Upstream(args.upstream)
        host, port = _listen(args.listen)
        verify = _verify(args.cacert)
        outputs = [
            (f, Path(p)) for f, p in (("--report", args.report), ("--summary", args.summary)) if p
        ]
        prepare_outputs(outputs)
        checks = regression.prepare(args)
        listener = bind_listener(host, port)
    except (UpstreamError, ValueError, OutputPathError, regression.RegressionUsageError) as error:
        print(f"{_PREFIX}: error: {error}", file=sys.stderr)
        return USAGE
    except OSError as error:
        print(f"{_PREFIX}: error: cannot listen on {error}", file=sys.stderr)
        return USAGE
    judge = JudgeProcess(upstream.url)
    try:
        report = _serve(args, upstream, verify, listener, judge, host)
    finally:
        judge.close()
    if report.error is not None:  # the judge stopped: not a divergence, not a usage error
        print(f"{_PREFIX}: {report.error}", file=sys.stderr, flush=True)
        if args.report:
            write_atomic(Path(args.report), report.dumps() + "\n")
        return UNVERIFIED
    regression.new_failures_first(checks, report)
    judgement, lines = regression.judge_run(args, checks, report)  # the baseline sets the verdict
    if args.report:
        write_atomic(Path(args.report), report.dumps() + "\n")
    p = report.proxy
    print(
        f"{_PREFIX}: {p['forwarded']} exchanges forwarded, {p['endpoint']} on the endpoint, "
        f"{p['caller_violations']} caller and {p['server_violations']} server violations, "
        f"{len(report.failures)} distinct failures, {p['upstream_errors']} upstream errors",
        flush=True,
    )
    return regression.finish(args, checks, report, judgement, lines)


def _serve(
    args: argparse.Namespace,
    upstream: Upstream,
    verify: ssl.SSLContext | bool,
    listener: socket.socket,
    judge: JudgeProcess,
    host: str,
) -> ProxyReport:
    """Forward until stopped; the session's report, judged in the judging process."""
    server = ProxyServer(
        upstream,
        judge,
        verify=verify,
        timeout=args.timeout,
        body_limit=args.body_limit,
        budget=CaptureBudget(),
    )
    if args.max_exchanges:
        _stop_after(judge, server, args.max_exchanges)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"{_PREFIX}: forwarding http://{shown}:{listener.getsockname()[1]} to {upstream.url};"
        " violations are printed as they are found; Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    try:
        serve_until_stopped(server, listener)
    finally:
        listener.close()
    seconds = time.monotonic() - started
    try:
        return judge.report(seconds)
    except JudgingStoppedError as error:  # not a divergence: the run could not be judged
        return proxy_report(Recorder(upstream.url, threaded=False), seconds, error=str(error))


def _stop_after(judge: JudgeProcess, server: ProxyServer, count: int) -> None:
    """Stop the server once `count` exchanges are recorded (checked by a watcher thread)."""

    def watch() -> None:
        while not server.stopping:
            if judge.forwarded >= count:
                server.stop()
                return
            time.sleep(0.02)

    threading.Thread(target=watch, name="immoteur-proxy-limit", daemon=True).start()
