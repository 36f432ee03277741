"""Judging in a process of its own, for the `proxy` command: the forwarding process only
batches finished exchanges and writes them to a pipe; a child process (this module's `main`)
judges them with a `Recorder`, prints the live lines, and returns the session's report on
request.

Why a process: the checks (jsonschema, the rules, the expectations) cost more than forwarding an
exchange does. In a thread of the forwarding process they contend for the interpreter with the
event loop at every system call, and the proxy kept a third of the upstream's throughput; in a
child process, at a lower scheduling priority, they use another core when there is one and
what forwarding leaves when there is not (SCHED_IDLE: measured, a judge at the lowest nice
level still took the cores from the forwarding process and the upstream at every wake-up, and
the proxy kept 0.4 of direct; at SCHED_IDLE it keeps about 0.7). Nothing is shared: the child
gets plain records (`Seen.record`), the parent gets back a `ProxyReport`.

Bounded: the parent holds at most `_OUTGOING_LIMIT` bytes not yet taken by the child (a batch
that does not fit is dropped, counted, and the report says how many went unjudged); the child
reads one batch at a time. Every exchange is counted, judged or not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pickle
import select
import subprocess
import sys
import time
from collections import deque
from typing import IO, Any, BinaryIO

from .exchange import Seen
from .recorder import Recorder
from .report import ProxyReport, proxy_report

__all__ = ["JudgeProcess", "JudgingStoppedError", "main"]

_BATCH_SECONDS = 0.002
"""How long a finished exchange waits to be sent with the others finished meanwhile."""
_OUTGOING_LIMIT = 8 * 1024 * 1024
_REPLY_SECONDS = 60.0
_DATA, _REPORT = b"D", b"R"
_HEAD = 9  # the kind, then the payload's length (8 bytes, little-endian)


class JudgingStoppedError(Exception):
    """The judging process is gone, or did not return the report in time."""


def _frame(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(8, "little") + payload


class JudgeProcess:
    """The forwarding process's side: `next_index` and `submit` (from the event loop's
    thread), `report` and `close` (once the loop has stopped)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.forwarded = 0
        self.dropped = 0
        self._indices = 0
        self._batch: list[tuple[Any, ...]] = []
        self._outgoing: deque[memoryview] = deque()
        self._outgoing_bytes = 0
        self._flush_due = False
        self._writing = False
        reply_read, reply_write = os.pipe()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                __name__,
                "--upstream",
                upstream,
                "--reply-fd",
                str(reply_write),
            ],
            stdin=subprocess.PIPE,
            pass_fds=(reply_write,),
        )
        os.close(reply_write)
        self._reply = reply_read
        assert self._process.stdin is not None
        self._pipe: IO[bytes] = self._process.stdin
        os.set_blocking(self._pipe.fileno(), False)

    def next_index(self) -> int:
        """The number of an exchange that starts now."""
        self._indices += 1
        return self._indices

    def submit(self, seen: Seen) -> None:
        """Queue a finished exchange for the judge (sent within `_BATCH_SECONDS`)."""
        self._batch.append(seen.record())
        seen.release()
        self.forwarded += 1
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_later(_BATCH_SECONDS, self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        batch, self._batch = self._batch, []
        if not batch:
            return
        frame = _frame(_DATA, pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        if self._outgoing_bytes + len(frame) > _OUTGOING_LIMIT:
            self.dropped += len(batch)  # the judge is that far behind: counted, not judged
            return
        self._outgoing.append(memoryview(frame))
        self._outgoing_bytes += len(frame)
        self._write()

    def _write(self) -> None:
        """Write what the pipe takes now, without blocking (the rest when it is writable)."""
        outgoing = self._outgoing
        while outgoing:
            try:
                written = os.write(self._pipe.fileno(), outgoing[0])
            except BlockingIOError:
                break
            except OSError:  # the judge is gone: report() says so
                outgoing.clear()
                self._outgoing_bytes = 0
                break
            self._outgoing_bytes -= written
            if written < len(outgoing[0]):
                outgoing[0] = outgoing[0][written:]
                break
            outgoing.popleft()
        if bool(outgoing) != self._writing:  # wait for the pipe, or stop waiting
            loop = asyncio.get_running_loop()
            if outgoing:
                loop.add_writer(self._pipe.fileno(), self._write)
            else:
                loop.remove_writer(self._pipe.fileno())
            self._writing = bool(outgoing)

    def report(self, seconds: float) -> ProxyReport:
        """Send what is left, wait for it to be judged, and return the session's report
        (`JudgingStoppedError` when the judge is gone or takes longer than a minute)."""
        self._writing = False  # the loop is over: what is left is written here, blocking
        batch, self._batch = self._batch, []
        if batch:
            last = _frame(_DATA, pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
            self._outgoing.append(memoryview(last))
        self._outgoing.append(memoryview(_frame(_REPORT, pickle.dumps((self.dropped, seconds)))))
        try:
            os.set_blocking(self._pipe.fileno(), True)
            for pending in self._outgoing:
                self._pipe.write(pending)
            self._pipe.flush()
        except OSError as error:
            raise JudgingStoppedError(f"the judging process is gone ({error})") from None
        self._outgoing.clear()
        self._outgoing_bytes = 0
        return self._read_report()

    def _read_report(self) -> ProxyReport:
        deadline = time.monotonic() + _REPLY_SECONDS
        data = bytearray()
        while len(data) < _HEAD or len(data) < _HEAD + int.from_bytes(data[1:_HEAD], "little"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._reply], [], [], left)[0]:
                raise JudgingStoppedError("the judging process did not return the report")
            chunk = os.read(self._reply, 1 << 20)
            if not chunk:
                raise JudgingStoppedError("the judging process stopped before the report")
            data += chunk
        report: ProxyReport = pickle.loads(data[_HEAD:])
        return report

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._pipe.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._reply)


def _read_exactly(stream: BinaryIO, count: int) -> bytes | None:
    data = bytearray()
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _yield_to_forwarding() -> None:
    """Run only on what the machine's other work leaves (SCHED_IDLE where there is one, else
    the lowest priority): the forwarding process, the upstream and the application come
    first; a judge that falls behind drops judgements (counted), never exchanges."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    with contextlib.suppress(OSError):
        os.nice(19)


def main(argv: list[str] | None = None) -> int:
    """The judging process: judge the batches read from stdin; on a report request, write the
    report to --reply-fd; end at the end of stdin."""
    parser = argparse.ArgumentParser(prog="immoteur-contract proxy judge")
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    args = parser.parse_args(argv)
    _yield_to_forwarding()
    recorder = Recorder(args.upstream, threaded=False)
    stream = sys.stdin.buffer
    while (head := _read_exactly(stream, _HEAD)) is not None:
        payload = _read_exactly(stream, int.from_bytes(head[1:], "little"))
        if payload is None:
            break
        if head[:1] == _DATA:
            for record in pickle.loads(payload):
                recorder.judge_now(Seen.restored(record))
        elif head[:1] == _REPORT:
            dropped, seconds = pickle.loads(payload)
            recorder.dropped += dropped
            recorder.forwarded += dropped
            reply = memoryview(_frame(_REPORT, pickle.dumps(proxy_report(recorder, seconds))))
            while reply:
                reply = reply[os.write(args.reply_fd, reply) :]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
