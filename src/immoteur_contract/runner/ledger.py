"""Every request the suite sends, with the test, layer and rule it was sent for.

The plugin sets the context before each test; the guarded transport adds one `Exchange` per
request sent. From the ledger come the request counts per rule, the index of the first request
that showed a failure, the failing bodies and the `--record` file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Context", "Exchange", "Ledger", "decode_body", "deepest_nesting"]


@dataclass(frozen=True)
class Context:
    """What the requests being sent are for: a test id, its layer and its rule key."""

    test: str
    layer: str
    rule: str


@dataclass
class Exchange:
    """One request sent (1-based `index`), the status it got (None: no response), the transport
    fault it met (`fault`, faults.py: None when it was answered and judged), how long the answer
    took (`seconds`) and, for a 429, the response headers (observations.py reads Retry-After and
    the rate-limit headers from them)."""

    index: int
    context: Context
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None
    failed: bool = False
    verdict: str | None = None
    seconds: float | None = None
    response_headers: dict[str, str] | None = None
    fault: str | None = None


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_SHOWN_DEPTH = 64
"""Bodies nested deeper than this are shown as text: the reports that hold them are written
by recursive code (dataclasses.asdict, json.dumps)."""


def deepest_nesting(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` (a JSON text, or what claims to be one),
    brackets inside strings aside; read byte by byte, so any depth is measured without
    recursion and without decoding."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            escaped = not escaped and byte == 0x5C
            in_string = escaped or byte != 0x22
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def decode_body(content: bytes) -> Any:
    """A request body as JSON when it is strict JSON (no NaN or Infinity, so that it can be
    written back as JSON) nested at most `_SHOWN_DEPTH` levels, else as text (undecodable
    bytes replaced)."""
    text = content.decode("utf-8", errors="replace")
    brackets = content.count(b"[") + content.count(b"{")
    if brackets > _SHOWN_DEPTH and deepest_nesting(content) > _SHOWN_DEPTH:
        return text
    try:
        return json.loads(text, parse_constant=_not_a_number) if text else None
    except (ValueError, RecursionError):
        return text


@dataclass
class Ledger:
    """The run's exchanges, in order, and the current context."""

    context: Context = field(default_factory=lambda: Context("session", "preflight", "preflight"))
    exchanges: list[Exchange] = field(default_factory=list)

    def add(
        self, method: str, url: str, headers: dict[str, str], body: bytes, status: int | None
    ) -> Exchange:
        exchange = Exchange(
            len(self.exchanges) + 1, self.context, method, url, headers, body, status
        )
        self.exchanges.append(exchange)
        return exchange

    def mark_failure(self) -> None:
        """Mark the latest request of the current test as the one that showed a failure."""
        for exchange in reversed(self.exchanges):
            if exchange.context != self.context:
                return
            exchange.failed = True
            return

    def of_test(self, test: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.context.test == test]

    def first_failure_request(self) -> int | None:
        """1-based index of the first request marked as showing a failure."""
        return next((e.index for e in self.exchanges if e.failed), None)

    def faults(self) -> list[Exchange]:
        """The requests that met a transport fault, in order."""
        return [e for e in self.exchanges if e.fault is not None]

    def counts(self) -> dict[str, int]:
        """Requests sent per rule key."""
        counts: dict[str, int] = {}
        for exchange in self.exchanges:
            counts[exchange.context.rule] = counts.get(exchange.context.rule, 0) + 1
        return counts
