"""Report ids and timestamps: a time-ordered UUIDv7 and an RFC 3339 UTC time per report."""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime

from immoteur_contract.server.stamps import Clock, new_report_id


def test_report_ids_are_distinct_version_7_uuids_in_canonical_form() -> None:
    ids = [new_report_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for report_id in ids:
        parsed = uuid.UUID(report_id)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == report_id
    # every variant digit (8, 9, a, b) occurs: the two random bits after the variant are used
    assert {report_id[19] for report_id in ids} == set("89ab")


def test_report_ids_start_with_the_unix_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_report_id() for _ in range(200)]
    after = time.time_ns() // 1_000_000
    stamps = [uuid.UUID(report_id).int >> 80 for report_id in ids]
    assert all(before <= stamp <= after for stamp in stamps)
    assert stamps == sorted(stamps)  # time order, what keeps the SQLite id index append-only


def test_a_forked_process_never_gives_its_parents_ids() -> None:
    new_report_id()  # the parent has drawn random tails it has not used yet
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send its ids and leave at once
        os.write(writer, ",".join(new_report_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        child = pipe.read().split(",")
    os.waitpid(pid, 0)
    parent = [new_report_id() for _ in range(50)]
    assert len(child) == 50
    tails = {report_id[14:] for report_id in child + parent}  # the random part of each id
    assert len(tails) == 100


def test_clock_gives_rfc3339_utc_with_microseconds() -> None:
    stamp = Clock().now()
    assert stamp.endswith("Z")
    offset = datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 0
