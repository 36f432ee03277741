"""`SqliteStore`: accepted reports in a SQLite file that survives restarts and is shared by the
workers of `--workers`.

A report acknowledged with 201 is in a committed transaction before the answer is sent, with
the report id as primary key, so a restart, or a kill -9 of any process using the file, neither
loses nor duplicates it. WAL with synchronous=NORMAL: a commit is in the WAL file before it
returns, which survives the crash of any process; only an operating-system crash or power cut
can lose the last commits. FULL would fsync every report (about 145 reports per second on this
project's machine instead of thousands).

Positions are rowids. SQLite gives each insert the largest rowid plus one and rows only ever go
from the oldest end (the cap) or all at once (`clear`), so the rowids since the last clear are
1..top without a gap: the reports kept are those above `top - cap` (or above the oldest row),
their count is top minus that floor, and the floor is the count of dropped reports. The cap is
therefore exact for every reader while the oldest rows are deleted in chunks (TRIM_CHUNK at most
per delete, so the file holds at most that many rows past the cap), where deleting them with
each commit made every commit of two workers write two more pages.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .store import DEFAULT_STORE_CAP, Row, StoredReport, stored_json, stored_report

__all__ = ["CHECKPOINT_PERIOD", "TRIM_CHUNK", "SqliteStore"]

CHECKPOINT_PERIOD = 0.1
"""Seconds between checkpoints while reports arrive (the WAL grows by a few MiB at most)."""

TRIM_CHUNK = 1024
"""The most rows past the cap left in the file before the oldest are deleted (never shown)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
)
"""
_INSERT = "INSERT INTO reports (report_id, created_at, body) VALUES (?, ?, ?)"
_ENDS = "SELECT (SELECT min(rowid) FROM reports), (SELECT max(rowid) FROM reports)"
"""The oldest and newest rowids (two subqueries: each is one B-tree descent)."""

Values = tuple[str, str, str]
"""A report as inserted: id, time, body text (a TEXT column: SQLite keeps it as UTF-8)."""


def _values(report: StoredReport) -> Values:
    return report.report_id, report.created_at, stored_json(report).decode("utf-8")


class SqliteStore:
    """Reports in a SQLite file, in acceptance order, at most `cap` of them (None: no cap).

    `add` commits one report; `add_together` (what the server uses) commits the reports that
    arrive while the file is busy in one transaction. Writers take the lock file `PATH.lock`
    beside it: processes sharing the file queue for it in the kernel, and the next wakes as soon
    as it is free, where SQLite's own busy handler sleeps 1 to 100 ms between tries. The lock
    only makes writers wait well: correctness stays with SQLite's own write lock (BEGIN
    IMMEDIATE), which also orders this process's writers, whose flock on the same open file
    does not. The connection is shared by the process's threads behind a lock.
    """

    def __init__(self, path: str | Path, *, cap: int | None = DEFAULT_STORE_CAP) -> None:
        if cap is not None and cap < 1:
            raise ValueError("cap must be >= 1 report (or None for no cap)")
        self.path = Path(path)
        self._cap = cap
        self._chunk = min(TRIM_CHUNK, cap) if cap is not None else 0
        self._lock = threading.Lock()
        self._waiting: list[tuple[Values, asyncio.Future[None]]] = []
        self._commit_due = False
        self._lock_waiter: ThreadPoolExecutor | None = None
        self._writer = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA wal_autocheckpoint=0")  # _Checkpointer does it
            self._db.execute(_SCHEMA)
        self._checkpointer = _Checkpointer(self.path)

    @property
    def cap(self) -> int | None:
        """The most reports kept, or None."""
        return self._cap

    # -- writing ------------------------------------------------------------------------------

    def add(self, report: StoredReport) -> None:
        """Insert and commit `report` (a duplicate id raises sqlite3.IntegrityError)."""
        with self._holding_file():
            self._commit([_values(report)])

    @contextlib.contextmanager
    def _holding_file(self) -> Iterator[None]:
        """Hold PATH.lock, waiting for it here (`add_together` never waits in the loop)."""
        fcntl.flock(self._writer, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._writer, fcntl.LOCK_UN)

    async def add_together(self, report: StoredReport) -> None:
        """`add`, committed in one transaction with the other reports added meanwhile; the
        caller resumes once it is committed (a 201 sent after this is sent after its report is
        in the file).

        The commit runs at the end of the event loop's turn when the file's lock is free. When
        another worker holds it, a thread waits for it while the loop goes on reading and
        checking requests, whose reports join the transaction: the loop never sleeps on the
        lock, and the busier the file, the bigger (and fewer) the transactions."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append((_values(report), done))
        if not self._commit_due:
            self._commit_due = True
            loop.call_soon(self._commit_when_free, loop)
        await done

    def _commit_when_free(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            fcntl.flock(self._writer, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self._lock_waiter is None:
                self._lock_waiter = ThreadPoolExecutor(1, thread_name_prefix="store-lock")
            wait = self._lock_waiter
            locked = loop.run_in_executor(wait, fcntl.flock, self._writer, fcntl.LOCK_EX)
            locked.add_done_callback(self._commit_waiting)
            return
        self._commit_waiting(None)

    def _commit_waiting(self, locked: asyncio.Future[None] | None) -> None:
        """With the file's lock held (or its wait failed), commit every waiting report and
        resume the callers; a duplicate id fails only its own caller."""
        waiting, self._waiting = self._waiting, []
        self._commit_due = False
        try:
            if locked is not None:
                locked.result()
            outcomes = self._commit_each([values for values, _ in waiting])
        except BaseException as error:  # the lock or the file failed: every caller hears it
            outcomes = [error] * len(waiting)
        finally:
            fcntl.flock(self._writer, fcntl.LOCK_UN)
        for (_, done), outcome in zip(waiting, outcomes, strict=True):
            if done.done():
                continue  # the request was cancelled (its client left)
            if outcome is None:
                done.set_result(None)
            else:
                done.set_exception(outcome)

    def _commit_each(self, rows: list[Values]) -> list[BaseException | None]:
        """Commit `rows` together; when one id is a duplicate, each row on its own."""
        try:
            self._commit(rows)
        except sqlite3.IntegrityError:
            outcomes: list[BaseException | None] = []
            for row in rows:
                try:
                    self._commit([row])
                except sqlite3.IntegrityError as error:
                    outcomes.append(error)
                else:
                    outcomes.append(None)
            return outcomes
        return [None] * len(rows)

    def _commit(self, rows: list[Values]) -> None:
        """Insert `rows` in one committed transaction (the caller holds PATH.lock), deleting
        the rows past the cap when they reach a chunk."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                top = 0
                for row in rows:
                    top = db.execute(_INSERT, row).lastrowid or top
                if self._cap is not None:
                    floor = top - self._cap
                    # once per chunk of rowids: when this batch crossed a multiple of the chunk
                    if floor > 0 and floor // self._chunk != (floor - len(rows)) // self._chunk:
                        db.execute("DELETE FROM reports WHERE rowid <= ?", (floor,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        self._checkpointer.wanted.set()

    def clear(self) -> None:
        """Delete every report, committed (the dropped count starts again from 0)."""
        with self._holding_file(), self._lock:
            self._db.execute("DELETE FROM reports")

    # -- reading ------------------------------------------------------------------------------

    def _floor(self) -> tuple[int, int]:
        """(floor, top): the reports kept are the rowids above floor up to top (the caller holds
        self._lock, in a read transaction)."""
        oldest, top = self._db.execute(_ENDS).fetchone()
        if top is None:
            return 0, 0
        floor = oldest - 1
        if self._cap is not None:
            floor = max(floor, top - self._cap)
        return floor, top

    @property
    def dropped(self) -> int:
        """Reports dropped by the cap since the file was made or last cleared."""
        with self._lock:
            floor, _ = self._floor()
        return floor

    def __len__(self) -> int:
        with self._lock:
            floor, top = self._floor()
        return top - floor

    def get(self, report_id: str) -> StoredReport | None:
        """The report with this id, or None."""
        with self._lock, self._reading():
            floor, _ = self._floor()
            row = self._db.execute(
                "SELECT report_id, created_at, body FROM reports WHERE report_id = ? AND rowid > ?",
                (report_id, floor),
            ).fetchone()
        return None if row is None else stored_report(*row)

    def list(self) -> list[StoredReport]:
        """Every report, oldest first (rowid order is insertion order)."""
        with self._lock, self._reading():
            floor, _ = self._floor()
            rows = self._db.execute(
                "SELECT report_id, created_at, body FROM reports WHERE rowid > ? ORDER BY rowid",
                (floor,),
            ).fetchall()
        return [stored_report(*row) for row in rows]

    def position(self, report_id: str) -> int | None:
        """The rowid of the report with this id, or None."""
        with self._lock, self._reading():
            floor, _ = self._floor()
            row = self._db.execute(
                "SELECT rowid FROM reports WHERE report_id = ? AND rowid > ?", (report_id, floor)
            ).fetchone()
        return None if row is None else int(row[0])

    def rows_after(self, position: int, limit: int) -> builtins.list[Row]:
        """At most `limit` reports whose rowid is greater than `position`, oldest first."""
        with self._lock, self._reading():
            floor, _ = self._floor()
            rows = self._db.execute(
                "SELECT rowid, report_id, created_at, body FROM reports"
                " WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (max(position, floor), limit),
            ).fetchall()
        return [
            Row(position, report_id, created_at, body.encode())
            for position, report_id, created_at, body in rows
        ]

    def _reading(self) -> _ReadTransaction:
        return _ReadTransaction(self._db)

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (the server does this at shutdown)."""
        if self._lock_waiter is not None:
            self._lock_waiter.shutdown(wait=True)
        self._checkpointer.stop()
        with self._lock:
            self._db.close()
            os.close(self._writer)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r}, cap={self._cap})"


class _ReadTransaction:
    """One snapshot for the statements of a read (the floor and the rows it bounds)."""

    __slots__ = ("_db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(self, *exc_info: object) -> None:
        self._db.execute("COMMIT")


class _Checkpointer:
    """Copies the WAL back into the database file in a thread of its own, on its own connection,
    at most every CHECKPOINT_PERIOD seconds after a commit. SQLite would otherwise checkpoint
    inside a commit once the WAL passes 1000 pages, fsync included, while the writer holds the
    file's lock: every other worker's commit waited for that disk flush. A passive checkpoint
    never blocks a writer; durability is the same (commits are in the WAL either way)."""

    def __init__(self, path: Path) -> None:
        self.wanted = threading.Event()
        self._stopping = threading.Event()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()  # before the checkpoint: a commit meanwhile asks for the next
            if self._stopping.wait(CHECKPOINT_PERIOD):
                return
            with contextlib.suppress(sqlite3.Error):  # busy: the next commit asks again
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def stop(self) -> None:
        """End the thread and close its connection."""
        self._stopping.set()
        self.wanted.set()
        self._thread.join()
        self._db.close()
