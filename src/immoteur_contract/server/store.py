"""Where accepted reports go: what every store offers (`ReportStore`), and the in-memory store.

A store holds `StoredReport`s in acceptance order: `MemoryStore` here (the default), or
`SqliteStore` (sqlite_store.py), a file that survives restarts and is shared by workers.

Both are bounded: past `cap` reports (DEFAULT_STORE_CAP unless told otherwise; None for no cap)
the oldest is dropped as each new one is kept, and `dropped` counts them since the last `clear`.
Both list in pages (`position` of a report, then `rows_after` a position): the rows are the
stored JSON text, so the inspection API streams them without decoding and re-encoding.
"""

from __future__ import annotations

import builtins
import ctypes
import ctypes.util
import gc
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

__all__ = [
    "DEFAULT_STORE_CAP",
    "MemoryStore",
    "ReportStore",
    "Row",
    "StoredReport",
    "release_memory",
    "stored_json",
    "stored_report",
]

DEFAULT_STORE_CAP = 100_000
"""Reports a store keeps by default before dropping the oldest (tens of MiB of small reports in
memory; bench/store_memory.py measures the memory per report)."""


class Row(NamedTuple):
    """A stored report as kept: its position (increasing in acceptance order), id, time, and body
    as UTF-8 JSON text: the bytes as received, or, when the caller gave none, the body's compact
    ASCII-escaped encoding."""

    position: int
    report_id: str
    created_at: str
    body_json: bytes


@dataclass(frozen=True)
class StoredReport:
    """An accepted report: the id and time the server answered with, and the body as decoded."""

    report_id: str
    created_at: str
    body: dict[str, Any]
    raw: bytes | None = field(default=None, repr=False, compare=False)
    """The body as received, when the caller has it: UTF-8 JSON text that decodes to `body`,
    kept as is instead of encoding `body` again (that encoding was an eighth of the server's
    cost). Bytes, not str: one character above U+FFFF makes a Python string 4 bytes per
    character, so 500 reports of 916 KiB with astral characters took 1.8 GiB as str."""

    def to_json(self) -> dict[str, Any]:
        """The report as the inspection API shows it."""
        return {"reportId": self.report_id, "createdAt": self.created_at, "body": self.body}


@runtime_checkable
class ReportStore(Protocol):
    """Storage of accepted reports, in acceptance order."""

    def add(self, report: StoredReport) -> None:
        """Keep `report`; its id is new."""

    def get(self, report_id: str) -> StoredReport | None:
        """The report with this id, or None."""

    def list(self) -> list[StoredReport]:
        """Every report, oldest first."""

    def clear(self) -> None:
        """Forget every report."""

    def __len__(self) -> int:
        """How many reports are kept."""

    @property
    def cap(self) -> int | None:
        """The most reports kept (the oldest are dropped past it), or None."""

    @property
    def dropped(self) -> int:
        """Reports dropped by the cap since the store was made or last cleared."""

    def position(self, report_id: str) -> int | None:
        """The position of the report with this id, or None when it is not kept."""

    def rows_after(self, position: int, limit: int) -> builtins.list[Row]:
        """At most `limit` kept reports whose position is greater than `position`, oldest first
        (position 0: from the oldest)."""


class MemoryStore:
    """Reports in memory, gone when the process ends (the default), at most `cap` of them.

    Each report is kept as its id, time and compact JSON text: an immutable copy (a caller that
    mutates a body after `add` or after `get` changes nothing stored), and plain strings that the
    garbage collector does not have to walk, which keeps a long-running mock fast. Rows sit in a
    list in acceptance order (position = index + offset), so dropping the oldest, finding a
    page and fetching by id are all O(1).
    """

    def __init__(self, *, cap: int | None = DEFAULT_STORE_CAP) -> None:
        if cap is not None and cap < 1:
            raise ValueError("cap must be >= 1 report (or None for no cap)")
        self._cap = cap
        self._dropped = 0
        self._index: dict[str, int] = {}
        self._rows: list[Row | None] = []
        self._head = 0  # index in _rows of the oldest kept row
        self._offset = 1  # position of _rows[0]; positions never restart, not even on clear

    @property
    def cap(self) -> int | None:
        """The most reports kept, or None."""
        return self._cap

    @property
    def dropped(self) -> int:
        """Reports dropped by the cap since the store was made or last cleared."""
        return self._dropped

    def add(self, report: StoredReport) -> None:
        """Keep `report` (dropping the oldest past the cap); an id seen before is an error,
        never a silent overwrite."""
        if report.report_id in self._index:
            raise KeyError(f"duplicate report id {report.report_id}")
        position = self._offset + len(self._rows)
        self._rows.append(Row(position, report.report_id, report.created_at, stored_json(report)))
        self._index[report.report_id] = position
        if self._cap is not None and len(self._index) > self._cap:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        while (row := self._rows[self._head]) is None:
            self._head += 1
        self._rows[self._head] = None
        self._head += 1
        del self._index[row.report_id]
        self._dropped += 1
        if self._head >= 1024 and 2 * self._head >= len(self._rows):
            del self._rows[: self._head]  # amortised O(1): at most once per len/2 drops
            self._offset += self._head
            self._head = 0

    def get(self, report_id: str) -> StoredReport | None:
        """The report with this id, or None."""
        position = self._index.get(report_id)
        if position is None:
            return None
        row = self._rows[position - self._offset]
        return None if row is None else stored_report(*row[1:])

    def list(self) -> list[StoredReport]:
        """Every report, oldest first."""
        return [stored_report(*row[1:]) for row in self._rows[self._head :] if row is not None]

    def position(self, report_id: str) -> int | None:
        """The position of the report with this id, or None."""
        return self._index.get(report_id)

    def rows_after(self, position: int, limit: int) -> builtins.list[Row]:
        """At most `limit` kept reports after `position`, oldest first."""
        index = max(position + 1 - self._offset, self._head)
        end = len(self._rows)
        rows: builtins.list[Row] = []
        while len(rows) < limit and index < end:
            row = self._rows[index]
            index += 1
            if row is not None:
                rows.append(row)
        return rows

    def clear(self) -> None:
        """Forget every report, and give the memory back to the operating system."""
        self._offset += len(self._rows)
        self._rows = []
        self._index = {}
        self._head = 0
        self._dropped = 0
        release_memory()

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"MemoryStore(cap={self._cap}, reports={len(self._index)})"


def release_memory() -> None:
    """Return freed memory to the operating system: collect, then ask glibc to trim its heap
    (`malloc_trim`), which it otherwise keeps for reuse; a no-op where glibc is not the
    allocator. Without this, RSS after DELETE /_mock/reports stays near its peak."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def stored_json(report: StoredReport) -> bytes:
    """What a store keeps of the body: the UTF-8 bytes as received, else its compact encoding."""
    return _encode(report.body).encode("ascii") if report.raw is None else report.raw


def _encode(body: dict[str, Any]) -> str:
    """Compact, ASCII-escaped JSON (lone surrogates in accepted strings survive)."""
    return _ENCODER.encode(body)


_ENCODER = json.JSONEncoder(separators=(",", ":"))
"""Built once: json.dumps with separators builds a new encoder on every call."""


def stored_report(report_id: str, created_at: str, body_json: bytes | str) -> StoredReport:
    decoded: dict[str, Any] = json.loads(body_json)
    return StoredReport(report_id=report_id, created_at=created_at, body=decoded)
