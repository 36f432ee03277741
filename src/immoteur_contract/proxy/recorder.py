"""The judging half of the proxy: a worker thread that takes finished exchanges from a bounded
queue, judges those of the contract's endpoint, prints one live line per violation and keeps
the tallies and the first exchange of each distinct failure for the report.

The forwarding side only ever calls `next_index` and `submit` (an append to a deque): a slow
check never delays an answer. A full backlog drops the exchange's judgement, not the exchange
(it is counted, and the report says how many went unjudged). Tokens are never kept: the
curl lines and messages are scrubbed before they are stored or printed.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import TextIO

from ..runner.curl import curl_line, scrub
from ..runner.identity import Identity
from ..runner.ledger import decode_body
from ..runner.report import Failure
from .exchange import Seen, credential_of
from .judge import Judgement, Side, TokenMemory, Violation, is_endpoint, judge

__all__ = ["MAX_FAILURES", "Recorded", "Recorder"]

MAX_FAILURES = 1000
"""Distinct failures kept for the report (each further occurrence is only counted)."""
_QUEUE_SIZE = 10_000
_REASONS = 50
"""Distinct reasons for not judging an exchange kept in the report."""
_BACKLOG = 64
"""Waiting exchanges past which the judge paces itself (see `_work`)."""
_REST = 2.0
"""Under a backlog, the judge rests this many times as long as each judgement took: it takes
at most a third of the interpreter from forwarding."""
_POLL_SECONDS = 0.002
_REASON_CHARS = 200
_SHOWN_BODY = 16 * 1024
"""Bytes of a request body kept in a failure and its curl line (the report stays small)."""
_KEPT_HEADERS = ("authorization", "content-type", "accept")


@dataclass(frozen=True)
class Recorded:
    """A violation as the live line and the fixture show it: scrubbed reason and curl line."""

    index: int
    violation: Violation
    reason: str
    curl: str

    def line(self) -> str:
        v = self.violation
        return f"{v.side} violation [{v.key}] #{self.index}: {self.reason} | reproduce: {self.curl}"


class Recorder:
    """Judges exchanges off the forwarding path and keeps what the report needs: in a thread
    of its own (`threaded`), or, in the judging process (judging.py), as `judge_now` is
    called."""

    def __init__(self, upstream: str, *, live: TextIO | None = None, threaded: bool = True) -> None:
        self.upstream = upstream
        self._live = live if live is not None else sys.stdout
        self._waiting: deque[Seen] = deque()
        self._judging = False
        self._stopped = False
        self._lock = threading.Lock()
        self._indices = itertools.count(1)
        self._tokens = TokenMemory()
        self._in_flight = 0
        self._closing = False
        self.forwarded = 0
        self.endpoint = 0
        self.other_paths = 0
        self.upstream_errors = 0
        self.cut = 0
        self.partly_judged = 0
        self.not_judged: Counter[str] = Counter()
        self.dropped = 0
        self.cases: dict[tuple[Side, str], list[int]] = {}
        """(side, key) -> [exchanges judged, exchanges failing]."""
        self.failures: dict[str, Failure] = {}
        self.occurrences: Counter[str] = Counter()
        self.by_side: Counter[str] = Counter()
        self.first_failure: int | None = None
        self.recent: list[Recorded] = []
        """Every violation recorded (scrubbed), for the pytest fixture; capped at MAX_FAILURES."""
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(
                target=self._work, name="immoteur-proxy-judge", daemon=True
            )
            self._thread.start()

    def next_index(self) -> int:
        """The number of an exchange that starts now (it is in flight until `submit`)."""
        with self._lock:
            self._in_flight += 1
        return next(self._indices)

    def submit(self, seen: Seen) -> None:
        """Hand a finished exchange to the judge (never blocks, wakes no thread)."""
        if len(self._waiting) < _QUEUE_SIZE:
            self._waiting.append(seen)
        else:
            seen.release()
            with self._lock:
                self.forwarded += 1
                self.dropped += 1
        with self._lock:
            self._in_flight -= 1

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every exchange started so far is over and judged (at most `timeout` s);
        True if so."""
        deadline = time.monotonic() + timeout
        while self._in_flight or self._waiting or self._judging:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Judge what is waiting (at full speed), then stop the worker."""
        self._closing = True
        self.drain(timeout)
        self._stopped = True
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        """Judge waiting exchanges in turn; poll while there are none. The forwarding side
        only appends to a deque: handing each exchange over through a queue's condition
        would wake this thread, and contend for the interpreter, once per exchange."""
        waiting = self._waiting
        while not self._stopped:
            if not waiting:
                time.sleep(_POLL_SECONDS)
                continue
            self._judging = True
            started = time.perf_counter()
            self.judge_now(waiting.popleft())
            if len(waiting) > _BACKLOG and not self._closing:
                # traffic outruns the judge: rest _REST times as long as judging took, so that
                # forwarding keeps most of the interpreter (a full backlog drops judgements,
                # counted, never exchanges)
                time.sleep((time.perf_counter() - started) * _REST)
            self._judging = False

    def judge_now(self, seen: Seen) -> None:
        """Judge and record one finished exchange, then release its kept bodies."""
        try:
            self._record(seen)
        except Exception as error:  # a judge bug must not stop the recording
            print(
                f"immoteur-contract proxy: could not judge an exchange: {error!r}", file=sys.stderr
            )
        finally:
            seen.release()

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.forwarded += 1
            self.upstream_errors += seen.upstream_failed
            self.cut += seen.cut
        if not is_endpoint(seen.path):
            with self._lock:
                self.other_paths += 1
            return
        judgement = judge(seen, self._tokens)
        recorded = [self._recorded(seen, v) for v in judgement.violations]
        with self._lock:
            self._tally(seen, judgement, recorded)
        for item in recorded:
            print(f"immoteur-contract proxy: {item.line()}", file=self._live, flush=True)

    def _recorded(self, seen: Seen, violation: Violation) -> Recorded:
        token = credential_of(seen.header("authorization"))
        headers = {k: v for k, v in seen.request_headers if k in _KEPT_HEADERS}
        body = seen.request_body.content()
        curl = curl_line(seen.method, seen.url, headers, body[:_SHOWN_BODY], token)
        if seen.request_body.truncated or len(body) > _SHOWN_BODY:
            shown = min(len(body), _SHOWN_BODY)
            curl += f"  # body cut at {shown:,} of {seen.request_body.size:,} bytes"
        reason = scrub(violation.reason, token)
        return Recorded(seen.index, violation, reason[:_REASON_CHARS], curl)

    def _tally(self, seen: Seen, judgement: Judgement, recorded: list[Recorded]) -> None:
        self.endpoint += 1
        self.partly_judged += judgement.partly
        if judgement.unjudged:
            reason = judgement.unjudged.split(" (")[0]
            if reason not in self.not_judged and len(self.not_judged) >= _REASONS:
                reason = "other reasons"  # methods and statuses come from outside: bounded
            self.not_judged[reason] += 1
        failing = {(r.violation.side, r.violation.key) for r in recorded}
        for case in dict.fromkeys([*judgement.exercised, *failing]):
            counts = self.cases.setdefault(case, [0, 0])
            counts[0] += 1
            counts[1] += case in failing
        for item in recorded:
            self._keep_failure(seen, item)

    def _keep_failure(self, seen: Seen, item: Recorded) -> None:
        v = item.violation
        identity = Identity(v.side, v.key, v.case, v.expectation, v.status)
        self.occurrences[identity.id] += 1
        self.by_side[v.side] += 1
        if self.first_failure is None:
            self.first_failure = seen.index
        if len(self.recent) < MAX_FAILURES:
            self.recent.append(item)
        if identity.id in self.failures or len(self.failures) >= MAX_FAILURES:
            return
        kept = seen.request_body.content()
        body = (
            decode_body(kept) if len(kept) <= _SHOWN_BODY else f"({len(kept):,} bytes, not shown)"
        )
        self.failures[identity.id] = Failure(
            test=f"proxy::{v.case}",
            rule=v.key,
            body=body,
            curl=item.curl,
            message=f"{item.reason} (exchange {seen.index})",
            id=identity.id,
            layer=v.side,
            case=v.case,
            expectation=v.expectation,
            status=v.status,
        )
