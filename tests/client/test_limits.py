"""Tests of the bounds of one call (`_limits.py`): an answer's body is read up to the limit (its
decoded size included) and the connection closed past it; a call ends by its total deadline even
when the target sends a byte at a time; Retry-After is not waited past the deadline or the cap.

The hostile targets are real loopback sockets (hostile.py); each gives up by itself after a while,
so a bound that does not work fails its test rather than hanging it. No test asserts a duration.
"""

from __future__ import annotations

import gzip
import json

import httpcore
import httpx
import pytest

from immoteur_contract.client import (
    APITimeoutError,
    DataReport,
    IssueReports,
    RateLimitedError,
    ResponseTooLargeError,
)
from immoteur_contract.client._limits import DEADLINE, _DeadlineBackend, install_deadline

from .hostile import GIVE_UP, answer, drip, endless_body, gzip_answer, hostile
from .support import PROPERTY, REPORT_ID, TOKEN, Filer, Script

REPORT = DataReport([PROPERTY], ["price"])
CREATED = json.dumps({"reportId": REPORT_ID, "createdAt": "2025-01-02T03:04:05Z"}).encode()


@pytest.mark.parametrize("status", [201, 422])
def test_endless_body_stops_at_the_limit_and_closes_the_connection(
    filer: Filer, status: int
) -> None:
    with hostile(endless_body(status)) as target:
        with pytest.raises(ResponseTooLargeError) as raised:
            filer.create(REPORT, base_url=target.base_url, max_response_bytes=4096)
        assert target.client_closed.wait(GIVE_UP), "the client kept the connection open"
    error = raised.value
    assert (error.status, error.limit, error.request_sent) == (status, 4096, True)
    assert f"the {status} answer is larger than 4096 bytes" in str(error)
    assert ("probably filed" in str(error)) is (status == 201)
    assert target.requests == 1  # an answer too large is not retried


def test_default_limit_is_one_mebibyte(filer: Filer) -> None:
    with hostile(endless_body()) as target, pytest.raises(ResponseTooLargeError) as raised:
        filer.create(REPORT, base_url=target.base_url)
    assert raised.value.limit == 1024 * 1024


def test_gzip_answer_not_asked_for_is_decoded_within_the_limit(filer: Filer) -> None:
    with hostile(gzip_answer(201, CREATED)) as target:
        created = filer.create(REPORT, base_url=target.base_url, max_response_bytes=4096)
    assert str(created.report_id) == REPORT_ID


def test_gzip_bomb_is_stopped_at_the_limit_of_its_decoded_size(filer: Filer) -> None:
    bomb = b"{" + b" " * (64 * 1024 * 1024)  # 64 MiB that compress to about 64 KiB
    assert len(gzip.compress(bomb)) < 1024 * 1024  # so only the decoded bound can stop it
    with hostile(gzip_answer(201, bomb)) as target, pytest.raises(ResponseTooLargeError):
        filer.create(REPORT, base_url=target.base_url, max_response_bytes=1024 * 1024)


def test_answer_of_exactly_the_limit_is_read(filer: Filer) -> None:
    head = (
        f"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {len(CREATED)}"
    )
    raw = f"{head}\r\nConnection: close\r\n\r\n".encode() + CREATED
    with hostile(answer(raw)) as target:
        created = filer.create(REPORT, base_url=target.base_url, max_response_bytes=len(CREATED))
    assert str(created.report_id) == REPORT_ID


@pytest.mark.parametrize("head_first", [False, True], ids=["status-line-drip", "body-drip"])
def test_drip_target_ends_at_the_total_deadline(filer: Filer, head_first: bool) -> None:
    """One byte every 0.2 s keeps every read within its 30 s timeout; the deadline ends it."""
    with hostile(drip(0.2, head_first=head_first)) as target:
        with pytest.raises(APITimeoutError) as raised:
            filer.create(REPORT, base_url=target.base_url, deadline=1.0)
        assert target.client_closed.wait(GIVE_UP) or target.requests == 1
    message = str(raised.value)
    assert "no complete answer within the total deadline of 1 s" in message
    assert raised.value.request_sent is True
    assert target.requests == 1  # sent, so not retried


def test_numeric_timeout_is_also_the_total_deadline(filer: Filer) -> None:
    with hostile(drip(0.2)) as target, pytest.raises(APITimeoutError) as raised:
        filer.create(REPORT, base_url=target.base_url, timeout=1)
    assert "total deadline of 1 s" in str(raised.value)


def test_retry_after_past_the_deadline_is_not_waited(filer: Filer) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "30"}, json={"message": "Slow down."})
    script = Script([limited])
    with pytest.raises(RateLimitedError) as raised:
        filer.create(REPORT, transport=script.transport(), deadline=5)
    assert filer.sleeps == []
    assert len(script.requests) == 1
    assert "not retried: waiting 30 s would pass the total deadline of 5 s" in str(raised.value)


def test_retry_after_over_the_cap_is_not_waited_and_says_so(filer: Filer) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "3600"}, json={"message": "Later."})
    script = Script([limited])
    with pytest.raises(RateLimitedError) as raised:
        filer.create(REPORT, transport=script.transport(), max_retry_after=10)
    assert filer.sleeps == []
    assert raised.value.retry_after == 3600
    assert "retry after 3600 s, more than the 10 s this client waits: not retried" in str(
        raised.value
    )


def test_deadline_backend_is_installed_under_httpx_own_transports() -> None:
    """Guards the one private layout the facade relies on (httpx.HTTPTransport._pool's network
    backend): when httpx moves it, this test names it."""
    with httpx.Client(mounts={"http://10.0.0.1": httpx.HTTPTransport()}) as client:
        assert install_deadline(client), (
            "httpx.HTTPTransport no longer has _pool._network_backend: the facade's total"
            " deadline falls back to a check between body chunks"
        )
        pools = [client._transport._pool, *(t._pool for t in client._mounts.values() if t)]  # type: ignore[attr-defined]
        assert all(isinstance(pool._network_backend, _DeadlineBackend) for pool in pools)


def test_facade_installs_the_deadline_only_on_its_own_transport() -> None:
    mock = httpx.MockTransport(lambda request: httpx.Response(201, content=CREATED))
    with IssueReports(TOKEN, base_url="http://127.0.0.1:9", transport=mock) as client:
        assert client._http._transport is mock
    with IssueReports(TOKEN, base_url="http://127.0.0.1:9") as client:
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool._network_backend, _DeadlineBackend)


def test_deadline_backend_refuses_a_wait_once_the_deadline_passed() -> None:
    backend = _DeadlineBackend(httpcore.SyncBackend())
    token = DEADLINE.set(0.0)  # long past on the monotonic clock
    try:
        with pytest.raises(httpcore.ConnectTimeout):
            backend.connect_tcp("127.0.0.1", 9, timeout=5.0)
    finally:
        DEADLINE.reset(token)
