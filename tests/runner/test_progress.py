"""The progress line: what it says, the rate it measures, and how often it speaks off a terminal."""

from __future__ import annotations

import io
import itertools
import time

import pytest

from immoteur_contract.runner.progress import Progress, Status, status_line


@pytest.mark.parametrize(
    ("status", "rate", "line"),
    [
        pytest.param(
            Status(57, 200, "rules (generated)", 0),
            2.0,
            "57/200 requests | rules (generated) | 0 failures | 1m12s left at 2.0/s",
            id="remote-rate",
        ),
        pytest.param(
            Status(3, 523, "leading probes", 1),
            None,
            "3/523 requests | leading probes | 1 failure",
            id="no-rate-yet",
        ),
        pytest.param(
            Status(10, 20_000, "schema (schemathesis)", 2),
            1.0,
            "10/20000 requests | schema (schemathesis) | 2 failures | 5h33m left at 1.0/s",
            id="hours",
        ),
    ],
)
def test_status_line_says_sent_total_layer_failures_and_time_left(
    status: Status, rate: float | None, line: str
) -> None:
    assert status_line(status, rate) == line


def test_progress_rate_is_measured_over_recent_requests() -> None:
    sent = iter([0, 2, 4, 40])
    ticks = iter([0.0, 1.0, 2.0, 30.0])
    progress = Progress(
        lambda: Status(next(sent), 100, "x", 0),
        stream=io.StringIO(),
        live=False,
        clock=lambda: next(ticks),
    )
    assert progress.rate() is None  # one sample
    assert progress.rate() == 2.0
    assert progress.rate() == 2.0
    assert progress.rate() == pytest.approx(36 / 28)  # the samples older than 10 s are gone


def test_progress_off_a_terminal_prints_a_line_every_interval_and_on_layer_change() -> None:
    stream = io.StringIO()
    counter = itertools.count()
    progress = Progress(
        lambda: Status(next(counter), 100, "rules", 0), stream=stream, live=False, interval=0.01
    )
    progress.layer("rules (deterministic)")
    progress.layer("rules (deterministic)")  # the same layer: no second line
    progress.start()
    deadline = time.monotonic() + 10
    while stream.getvalue().count("/100 requests") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("] rules (deterministic)")
    assert sum("/100 requests | rules | 0 failures" in line for line in lines) >= 2


def test_progress_on_a_terminal_draws_one_live_line_and_clears_it() -> None:
    stream = io.StringIO()
    progress = Progress(lambda: Status(5, 10, "schema", 0), stream=stream, live=True)
    progress.layer("schema")  # live: the layer is in the line, not a line of its own
    progress.start()
    progress.stop()
    drawn = stream.getvalue()
    assert "5/10 requests | schema | 0 failures" in drawn
    assert "] schema" not in drawn
    assert "\x1b[2K" in drawn  # the line is erased at the end (transient)
