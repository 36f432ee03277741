"""Where accepted reports go: an in-memory store (default) or a SQLite file that survives restarts.

A store holds `StoredReport`s in acceptance order. `SqliteStore` commits each insert on its own,
with the report id as primary key, so a report acknowledged with 201 is in the file before the
answer is sent and a restart, or a kill -9 of any process using the file, neither loses nor
duplicates it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["MemoryStore", "ReportStore", "SqliteStore", "StoredReport"]


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


class MemoryStore:
    """Reports in memory, gone when the process ends (the default).

    Each report is kept as its id, time and compact JSON text: an immutable copy (a caller that
    mutates a body after `add` or after `get` changes nothing stored), and plain strings that the
    garbage collector does not have to walk, which keeps a long-running mock fast.
    """

    def __init__(self) -> None:
        self._reports: dict[str, tuple[str, str]] = {}

    def add(self, report: StoredReport) -> None:
        """Keep `report`; an id seen before is an error, never a silent overwrite."""
        if report.report_id in self._reports:
            raise KeyError(f"duplicate report id {report.report_id}")
        self._reports[report.report_id] = (report.created_at, _text(report))

    def get(self, report_id: str) -> StoredReport | None:
        """The report with this id, or None."""
        found = self._reports.get(report_id)
        return None if found is None else _report((report_id, *found))

    def list(self) -> list[StoredReport]:
        """Every report, oldest first."""
        return [_report((report_id, *found)) for report_id, found in self._reports.items()]

    def clear(self) -> None:
        """Forget every report."""
        self._reports.clear()

    def __len__(self) -> int:
        return len(self._reports)


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


class SqliteStore:
    """Reports in a SQLite file: one committed transaction per insert, id as primary key.

    The connection is shared by the server's threads behind a lock; writes are synchronous on
    purpose (a mock favours "acknowledged means stored" over throughput). WAL with
    synchronous=NORMAL: a commit is in the WAL file before `add` returns, which survives the
    crash of any process (the workers of `--workers` each open their own connection); only an
    operating-system crash or power cut can lose the last commits. FULL would fsync every
    report (about 145 reports per second on this project's machine instead of thousands).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)

    def add(self, report: StoredReport) -> None:
        """Insert and commit `report`; a duplicate id raises sqlite3.IntegrityError."""
        row = (report.report_id, report.created_at, _text(report))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO reports (report_id, created_at, body) VALUES (?, ?, ?)", row
                )
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
        return None if row is None else _report(row)

    def list(self) -> list[StoredReport]:
        """Every report, oldest first (rowid order is insertion order)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT report_id, created_at, body FROM reports ORDER BY rowid"
            ).fetchall()
        return [_report(row) for row in rows]

    def clear(self) -> None:
        """Delete every report, committed."""
        with self._lock:
            self._db.execute("DELETE FROM reports")

    def close(self) -> None:
        """Close the connection (the server does this at shutdown)."""
        with self._lock:
            self._db.close()

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM reports").fetchone()
        return int(count)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"


def _report(row: tuple[str, str, str]) -> StoredReport:
    report_id, created_at, body = row
    decoded: dict[str, Any] = json.loads(body)
    return StoredReport(report_id=report_id, created_at=created_at, body=decoded)
