"""Where accepted reports go: an in-memory store (default) or a SQLite file that survives restarts.

A store holds `StoredReport`s in acceptance order. `SqliteStore` commits each insert on its own,
with the report id as primary key, so a report acknowledged with 201 is in the file before the
answer is sent and a restart, or a kill -9 of any process using the file, neither loses nor
duplicates it.

Both are bounded: past `cap` reports (DEFAULT_STORE_CAP unless told otherwise; None for no cap)
the oldest is dropped as each new one is kept, and `dropped` counts them since the last `clear`.
Both list in pages (`position` of a report, then `rows_after` a position): the rows are the
stored JSON text, so the inspection API streams them without decoding and re-encoding.
"""

from __future__ import annotations

import asyncio
import builtins
import ctypes
import ctypes.util
import fcntl
import gc
import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

__all__ = [
    "DEFAULT_STORE_CAP",
    "MemoryStore",
    "ReportStore",
    "Row",
    "SqliteStore",
    "StoredReport",
]

DEFAULT_STORE_CAP = 100_000
"""Reports a store keeps by default before dropping the oldest (about 50 MiB of small reports
in memory, measured with bench/store_memory.py)."""


class Row(NamedTuple):
    """A stored report as kept: its position (increasing in acceptance order), id, time, and body
    as compact ASCII JSON text."""

    position: int
    report_id: str
    created_at: str
    body_json: str


@dataclass(frozen=True)
class StoredReport:
    """An accepted report: the id and time the server answered with, and the body as decoded."""

    report_id: str
    created_at: str
    body: dict[str, Any]
    text: str | None = field(default=None, repr=False, compare=False)
    """The body as received, when the caller has it: JSON text that decodes to `body`, kept as
    is instead of encoding `body` again (that encoding was an eighth of the server's cost)."""

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
        self._rows.append(Row(position, report.report_id, report.created_at, _text(report)))
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
        return None if row is None else _report(*row[1:])

    def list(self) -> list[StoredReport]:
        """Every report, oldest first."""
        return [_report(*row[1:]) for row in self._rows[self._head :] if row is not None]

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


def _text(report: StoredReport) -> str:
    """What a store keeps of the body: the text as received, else its compact encoding."""
    return _encode(report.body) if report.text is None else report.text


def _encode(body: dict[str, Any]) -> str:
    """Compact, ASCII-escaped JSON (lone surrogates in accepted strings survive)."""
    return _ENCODER.encode(body)


_ENCODER = json.JSONEncoder(separators=(",", ":"))
"""Built once: json.dumps with separators builds a new encoder per call (40% of its time)."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
)
"""
_META_SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)
"""
_ADD_DROPPED = """
INSERT INTO store_meta (name, value) VALUES ('dropped', ?)
ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
"""


class SqliteStore:
    """Reports in a SQLite file: one committed transaction per insert (`add`) or per turn of the
    event loop (`add_together`, what the server uses), id as primary key, at most `cap` of them
    (the oldest rows are deleted in the insert's transaction; the count of dropped reports is kept
    in the file too). Writers take the lock file `PATH.lock` beside it.

    The connection is shared by the server's threads behind a lock; writes are synchronous on
    purpose (a mock favours "acknowledged means stored" over throughput). Positions are rowids.
    WAL with synchronous=NORMAL: a commit is in the WAL file before `add` returns, which survives
    the crash of any process (the workers of `--workers` each open their own connection); only
    an operating-system crash or power cut can lose the last commits. FULL would fsync every
    report (about 145 reports per second on this project's machine instead of thousands).
    """

    def __init__(self, path: str | Path, *, cap: int | None = DEFAULT_STORE_CAP) -> None:
        if cap is not None and cap < 1:
            raise ValueError("cap must be >= 1 report (or None for no cap)")
        self.path = Path(path)
        self._cap = cap
        self._lock = threading.Lock()
        self._waiting: list[tuple[tuple[str, str, str], asyncio.Future[None]]] = []
        self._writer = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.execute(_META_SCHEMA)

    @property
    def cap(self) -> int | None:
        """The most reports kept, or None."""
        return self._cap

    @property
    def dropped(self) -> int:
        """Reports dropped by the cap since the file was made or last cleared."""
        with self._lock:
            row = self._db.execute("SELECT value FROM store_meta WHERE name = 'dropped'").fetchone()
        return 0 if row is None else int(row[0])

    def add(self, report: StoredReport) -> None:
        """Insert and commit `report`, deleting the oldest rows past the cap in the same
        transaction; a duplicate id raises sqlite3.IntegrityError."""
        with self._lock:
            self._insert([(report.report_id, report.created_at, _text(report))])

    async def add_together(self, report: StoredReport) -> None:
        """`add`, committed together with the other reports added in the same turn of the event
        loop: one transaction for all of them, and each caller resumes once it is committed (so
        a 201 sent after this is still sent after its report is in the file). With `--workers`
        this is what lets a second worker help: SQLite takes one writer at a time, and each
        transaction also makes the other processes drop their page cache."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append(((report.report_id, report.created_at, _text(report)), done))
        if len(self._waiting) == 1:
            loop.call_soon(self._commit_waiting)
        await done

    def _commit_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        with self._lock:
            try:
                self._insert([row for row, _ in waiting])
            except sqlite3.IntegrityError:  # a duplicate id: fail only its own caller
                for row, done in waiting:
                    try:
                        self._insert([row])
                    except sqlite3.IntegrityError as error:
                        done.set_exception(error)
                    else:
                        done.set_result(None)
                return
            except BaseException as error:
                for _, done in waiting:
                    done.set_exception(error)
                raise
        for _, done in waiting:
            done.set_result(None)

    def _insert(self, rows: list[tuple[str, str, str]]) -> None:
        """Insert `rows` and drop what passes the cap, in one committed transaction, holding
        the lock on `PATH.lock`: processes sharing the file (`--workers`) queue for it in the
        kernel and the next wakes as soon as it is free, where SQLite's own busy handler would
        sleep 1 to 100 ms between tries."""
        fcntl.flock(self._writer, fcntl.LOCK_EX)
        try:
            self._insert_locked(rows)
        finally:
            fcntl.flock(self._writer, fcntl.LOCK_UN)

    def _insert_locked(self, rows: list[tuple[str, str, str]]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            inserted = None
            for row in rows:
                inserted = self._db.execute(
                    "INSERT INTO reports (report_id, created_at, body) VALUES (?, ?, ?)", row
                ).lastrowid
            if self._cap is not None and inserted is not None and inserted > self._cap:
                # rowids grow by one per insert and rows only go from the oldest end (or
                # all at once), so the newest `cap` rows are those above inserted - cap
                gone = self._db.execute(
                    "DELETE FROM reports WHERE rowid <= ?", (inserted - self._cap,)
                ).rowcount
                if gone > 0:
                    self._db.execute(_ADD_DROPPED, (gone,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, report_id: str) -> StoredReport | None:
        """The report with this id, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT report_id, created_at, body FROM reports WHERE report_id = ?",
                (report_id,),
            ).fetchone()
        return None if row is None else _report(*row)

    def list(self) -> list[StoredReport]:
        """Every report, oldest first (rowid order is insertion order)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT report_id, created_at, body FROM reports ORDER BY rowid"
            ).fetchall()
        return [_report(*row) for row in rows]

    def position(self, report_id: str) -> int | None:
        """The rowid of the report with this id, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT rowid FROM reports WHERE report_id = ?", (report_id,)
            ).fetchone()
        return None if row is None else int(row[0])

    def rows_after(self, position: int, limit: int) -> builtins.list[Row]:
        """At most `limit` reports whose rowid is greater than `position`, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, report_id, created_at, body FROM reports"
                " WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (position, limit),
            ).fetchall()
        return [Row(*row) for row in rows]

    def clear(self) -> None:
        """Delete every report and the count of dropped ones, committed."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM reports")
            self._db.execute("DELETE FROM store_meta WHERE name = 'dropped'")
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (the server does this at shutdown)."""
        with self._lock:
            self._db.close()
            os.close(self._writer)

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM reports").fetchone()
        return int(count)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r}, cap={self._cap})"


def _report(report_id: str, created_at: str, body_json: str) -> StoredReport:
    decoded: dict[str, Any] = json.loads(body_json)
    return StoredReport(report_id=report_id, created_at=created_at, body=decoded)
