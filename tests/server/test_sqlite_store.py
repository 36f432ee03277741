"""The SQLite store: reports that survive restarts and kill -9, shared by the workers of one
file, with an exact cap, commits that never sleep in the event loop, and checkpoints off the
commit path."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import os
import sqlite3
import struct
import threading
import time
from pathlib import Path

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import (
    DEFAULT_STORE_CAP,
    ServerSettings,
    SqliteStore,
    StoredReport,
    create_app,
)
from immoteur_contract.server.sqlite_store import CHECKPOINT_PERIOD, TRIM_CHUNK

from .conftest import AUTH, TOKEN, numbered_report, spec_examples, spec_reports

REPORTS = spec_reports()
WAIT_DEADLINE = 30.0
"""Seconds a test waits for something that should happen at once before it fails (a deadline
against hangs, not a speed bound)."""


def _rows_in_file(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM reports").fetchone()
    return int(count)


def test_sqlite_store_survives_a_reopen_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    first = SqliteStore(path)
    for report in REPORTS:
        first.add(report)
    first.close()
    second = SqliteStore(path)
    assert second.list() == REPORTS
    second.add(StoredReport("00000000-0000-4000-8000-0000000000ff", "2026-02-01T00:00:00Z", {}))
    second.close()
    with contextlib.closing(SqliteStore(path)) as third:
        assert len(third.list()) == len(REPORTS) + 1


def test_sqlite_store_repr_names_the_file_only(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "r.sqlite3")
    assert repr(store) == f"SqliteStore({str(tmp_path / 'r.sqlite3')!r}, cap={DEFAULT_STORE_CAP})"
    store.close()


def test_sqlite_store_keeps_its_dropped_count_across_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    first = SqliteStore(path, cap=2)
    for n in range(5):
        first.add(numbered_report(n))
    first.close()
    second = SqliteStore(path, cap=2)
    assert (len(second), second.dropped) == (2, 3)
    second.close()


@pytest.mark.anyio
async def test_sqlite_store_keeps_reports_across_a_server_restart(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite3"
    created: list[str] = []
    for _ in range(2):  # two server lifetimes on the same file
        store = SqliteStore(path)
        app = create_app(ServerSettings(token=TOKEN), store=store)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            for body in spec_examples().values():
                response = await client.post(CONTRACT.endpoint_path, json=body, headers=AUTH)
                created.append(response.json()["reportId"])
            listing = (await client.get("/_mock/reports")).json()
        store.close()
        assert [r["reportId"] for r in listing["reports"]] == created
    assert len(set(created)) == len(created) == 2 * len(spec_examples())
    with contextlib.closing(SqliteStore(path)) as reopened:
        assert [r.body for r in reopened.list()] == 2 * list(spec_examples().values())


@pytest.mark.anyio
async def test_sqlite_store_commits_the_reports_of_one_loop_turn_together(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "r.sqlite3", cap=None)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)  # what SQLite is asked to run
    await asyncio.gather(*(store.add_together(numbered_report(n)) for n in range(20)))
    assert statements.count("COMMIT") == 1
    assert [r.body for r in store.list()] == [{"n": n} for n in range(20)]
    store.close()


@pytest.mark.anyio
async def test_sqlite_store_added_together_fails_only_the_duplicate(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "r.sqlite3", cap=3)
    store.add(numbered_report(0))
    outcomes = await asyncio.gather(
        *(store.add_together(numbered_report(n)) for n in (1, 0, 2, 3)), return_exceptions=True
    )
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "NoneType",
        "IntegrityError",
        "NoneType",
        "NoneType",
    ]
    assert ([r.body["n"] for r in store.list()], store.dropped) == ([1, 2, 3], 1)
    store.close()


def test_the_cap_is_exact_for_readers_while_the_oldest_rows_go_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    cap = 2 * TRIM_CHUNK
    with contextlib.closing(SqliteStore(path, cap=cap)) as store:
        in_file = []
        for n in range(cap + 3 * TRIM_CHUNK + 7):
            store.add(numbered_report(n))
            if n >= cap:
                in_file.append(_rows_in_file(path))
        kept = store.list()
        assert (len(store), store.dropped, len(kept)) == (cap, 3 * TRIM_CHUNK + 7, cap)
        assert [r.body["n"] for r in kept] == list(range(3 * TRIM_CHUNK + 7, 5 * TRIM_CHUNK + 7))
        assert (
            store.get(numbered_report(3 * TRIM_CHUNK + 6).report_id) is None
        )  # dropped, still in file
        assert store.position(numbered_report(3 * TRIM_CHUNK + 6).report_id) is None
        assert store.rows_after(0, 1)[0].report_id == kept[0].report_id
    # the file never held more than a chunk past the cap, and the oldest went more than once
    assert max(in_file) <= cap + TRIM_CHUNK
    assert sum(1 for before, after in itertools.pairwise(in_file) if after < before) >= 3


def test_a_file_opened_with_a_lower_cap_shows_only_its_newest_reports(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    with contextlib.closing(SqliteStore(path, cap=None)) as store:
        for n in range(10):
            store.add(numbered_report(n))
    with contextlib.closing(SqliteStore(path, cap=4)) as store:
        assert (len(store), store.dropped) == (4, 6)
        assert [r.body["n"] for r in store.list()] == [6, 7, 8, 9]
        store.clear()
        assert (len(store), store.dropped, store.list()) == (0, 0, [])


@pytest.mark.anyio
async def test_a_busy_file_never_stops_the_event_loop_and_its_reports_commit_together(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.sqlite3"
    store = SqliteStore(path, cap=None)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)  # what SQLite is asked to run
    other_worker = os.open(f"{path}.lock", os.O_RDWR)
    fcntl.flock(other_worker, fcntl.LOCK_EX)  # another process is writing
    # should the store wait for the lock inside the loop, the test would stop here: the other
    # worker then lets go after WAIT_DEADLINE, and the test fails instead of hanging
    rescue = threading.Timer(WAIT_DEADLINE, fcntl.flock, (other_worker, fcntl.LOCK_UN))
    rescue.start()
    first = [asyncio.ensure_future(store.add_together(numbered_report(n))) for n in range(5)]
    for _ in range(15):  # the loop goes on while the file is busy
        await asyncio.sleep(0.01)
    later = [asyncio.ensure_future(store.add_together(numbered_report(n))) for n in range(5, 8)]
    for _ in range(5):
        await asyncio.sleep(0.01)
    loop_went_on = rescue.is_alive()
    rescue.cancel()
    assert loop_went_on, "the event loop stopped while the file was busy"
    assert not any(task.done() for task in first + later)  # nothing acknowledged before commit
    fcntl.flock(other_worker, fcntl.LOCK_UN)
    os.close(other_worker)
    await asyncio.wait_for(asyncio.gather(*first, *later), timeout=WAIT_DEADLINE)
    assert statements.count("COMMIT") == 1  # those that came while waiting joined the first
    assert [r.body["n"] for r in store.list()] == list(range(8))
    store.close()


def _wal_frames(path: Path) -> tuple[int, int]:
    """(frames in the WAL, frames checkpointed back) from the WAL index (`PATH-shm`), read
    without taking part: the header's mxFrame (offset 16) and nBackfill (offset 96), both in
    the machine's byte order."""
    index = Path(f"{path}-shm").read_bytes()[:100]
    (frames,) = struct.unpack_from("=I", index, 16)
    (copied,) = struct.unpack_from("=I", index, 96)
    return frames, copied


def test_commits_leave_checkpoints_to_the_checkpoint_thread(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    before = set(threading.enumerate())
    store = SqliteStore(path, cap=None)
    (autocheckpoint,) = store._db.execute("PRAGMA wal_autocheckpoint").fetchone()
    assert autocheckpoint == 0  # never inside a commit, under the file's lock
    for n in range(50):
        store.add(numbered_report(n))
    deadline = time.monotonic() + WAIT_DEADLINE
    while (frames := _wal_frames(path))[1] < frames[0] and time.monotonic() < deadline:
        time.sleep(CHECKPOINT_PERIOD / 2)  # until the checkpoint thread has copied every frame
    assert frames[0] > 0
    assert frames[1] == frames[0], f"the checkpoint thread copied {frames[1]} of {frames[0]}"
    with contextlib.closing(sqlite3.connect(path)) as db:
        # (busy, frames in the WAL, frames copied back): the file is not held by a checkpoint
        busy, in_wal, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, copied) == (0, in_wal)
    (own,) = [thread for thread in threading.enumerate() if thread not in before]
    assert own.name == "store-checkpoint"
    store.close()
    assert not own.is_alive()
