"""Report ids and timestamps: a random version-4 UUID and an RFC 3339 UTC time per report."""

from __future__ import annotations

import uuid
from datetime import datetime

from immoteur_contract.server.stamps import Clock, new_report_id


def test_report_ids_are_distinct_version_4_uuids_in_canonical_form() -> None:
    ids = [new_report_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for report_id in ids:
        parsed = uuid.UUID(report_id)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == report_id
    # every variant digit (8, 9, a, b) occurs: the two random bits after the variant are used
    assert {report_id[19] for report_id in ids} == set("89ab")


def test_clock_gives_rfc3339_utc_with_microseconds() -> None:
    stamp = Clock().now()
    assert stamp.endswith("Z")
    offset = datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 0
