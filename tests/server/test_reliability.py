"""The mock command under the probes of long-lived use, over loopback: every connection is bounded
in time and size, every stored report was answered, and a crash loses nothing acknowledged.

The servers run with short timeouts (TIMEOUT seconds, set by option) so that the module takes
seconds; the defaults are documented in the README and checked in test_limits.py. The tests
assert behaviour only (what is answered, what is closed, what is stored); how soon is measured in
bench/server_limits.py. Every wait has a deadline (WAIT_DEADLINE), so that a dead server or
thread fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import json
import resource
import select
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from immoteur_contract.rules import CONTRACT
from immoteur_contract.server import SqliteStore

from .conftest import AUTH, TOKEN, valid_body
from .live import LOOPBACK, MockProcess, mock_process

TIMEOUT = 0.5
"""The idle, header and body timeouts of the servers under test, in seconds."""

WAIT_DEADLINE = 30.0
"""Seconds a test waits for what should happen at once (a guard against hangs, not a speed
bound: a connection the server never closes, a thread that never answers)."""

SHORT_TIMEOUTS = [
    *("--idle-timeout", str(TIMEOUT)),
    *("--header-timeout", str(TIMEOUT)),
    *("--body-timeout", str(TIMEOUT)),
    *("--log-level", "warning"),
]

BODY = json.dumps(valid_body()).encode()
REQUEST = (
    b"POST %s HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
    % (CONTRACT.endpoint_path.encode(), TOKEN.encode(), len(BODY), BODY)
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MockProcess, Path]]:
    """One mock with short timeouts and a SQLite store the tests can count."""
    store = tmp_path_factory.mktemp("reliability") / "reports.db"
    with mock_process(
        [*SHORT_TIMEOUTS, "--store", str(store)], {"IMMOTEUR_MOCK_TOKEN": TOKEN}
    ) as mock:
        mock.wait_ready()
        yield mock, store


def _address(mock: MockProcess) -> tuple[str, int]:
    return LOOPBACK, int(mock.base_url.rsplit(":", 1)[1])


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection; fails the test when the
    server has not closed it within WAIT_DEADLINE."""
    sock.settimeout(WAIT_DEADLINE)
    received = b""
    try:
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
    except TimeoutError:
        pytest.fail(f"the server did not close the connection within {WAIT_DEADLINE} s")
    return received


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else 0


def _post(mock: MockProcess) -> httpx.Response:
    return httpx.post(mock.base_url + CONTRACT.endpoint_path, json=valid_body(), headers=AUTH)


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        pytest.param(b"", 0, id="idle-connection-closed-silently"),
        pytest.param(b"POST /public/v1/issues HTTP/1.1\r\nHost: te", 408, id="headers-stop"),
        pytest.param(REQUEST[:-10], 408, id="body-shorter-than-content-length"),
    ],
)
def test_connection_that_stops_sending_is_closed_after_its_timeout(
    server: tuple[MockProcess, Path], sent: bytes, status: int
) -> None:
    mock, _ = server
    with socket.create_connection(_address(mock)) as sock:
        sock.sendall(sent)
        response = _read_until_closed(sock)
    assert _status(response) == status


def test_slowloris_headers_are_cut_at_the_header_timeout(
    server: tuple[MockProcess, Path],
) -> None:
    mock, _ = server
    lines = 0
    with socket.create_connection(_address(mock)) as sock:
        sock.sendall(b"GET /_mock/reports HTTP/1.1\r\n")
        deadline = time.monotonic() + WAIT_DEADLINE
        with contextlib.suppress(OSError):
            # a header line every 50 ms, never the blank line, until the server answers
            while not select.select([sock], [], [], 0.05)[0] and time.monotonic() < deadline:
                sock.sendall(b"X: y\r\n")
                lines += 1
        response = _read_until_closed(sock)
    assert _status(response) == 408
    assert lines > 0  # cut while the headers still trickled in, not for sending nothing


@pytest.mark.parametrize(
    ("head", "status"),
    [
        pytest.param(
            b"GET /_mock/reports HTTP/1.1\r\nX: " + b"a" * 5_000_000, 431, id="5mb-header"
        ),
        pytest.param(b"GET /_mock/" + b"a" * 5_000_000, 414, id="5mb-url"),
        pytest.param(b"GET /_mock/" + b"a" * 9_000 + b" HTTP/1.1\r\n\r\n", 414, id="9kb-url"),
        pytest.param(b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n", 431, id="101-headers"),
    ],
)
def test_oversized_head_is_refused_fast_while_a_normal_client_is_served(
    server: tuple[MockProcess, Path], head: bytes, status: int
) -> None:
    mock, _ = server
    answers: list[int] = []
    answered = threading.Condition()
    done = threading.Event()

    def normal_client() -> None:
        with httpx.Client(base_url=mock.base_url, headers=AUTH, timeout=WAIT_DEADLINE) as client:
            while not done.is_set():
                response = client.post(CONTRACT.endpoint_path, json=valid_body())
                with answered:
                    answers.append(response.status_code)
                    answered.notify_all()

    def wait_for_answers(count: int) -> None:
        with answered:
            got = answered.wait_for(lambda: len(answers) >= count, timeout=WAIT_DEADLINE)
        assert got, f"the normal client got {len(answers)} answers, not {count}"

    worker = threading.Thread(target=normal_client, daemon=True)
    worker.start()
    try:
        wait_for_answers(1)
        with socket.create_connection(_address(mock)) as sock:
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                sock.sendall(head)
            response = _read_until_closed(sock)
        wait_for_answers(len(answers) + 5)  # still served after the refusal
    finally:
        done.set()
        worker.join(timeout=WAIT_DEADLINE)
    assert not worker.is_alive()
    assert _status(response) == status
    assert set(answers) == {201}  # the normal client got every 201 while the head was refused


def test_garbage_after_a_valid_request_gets_the_201_first_and_stores_only_that(
    server: tuple[MockProcess, Path],
) -> None:
    mock, store_path = server
    with contextlib.closing(SqliteStore(store_path)) as store:
        before = len(store)
        with socket.create_connection(_address(mock)) as sock:
            sock.sendall(REQUEST + b"\x00 this is not HTTP\r\n\r\n")
            response = _read_until_closed(sock)
        created, _, rest = response.partition(b"\r\n\r\n")
        assert _status(created) == 201
        report_id = json.loads(rest[: rest.index(b"}") + 1])["reportId"]
        assert _status(rest[rest.index(b"}") + 1 :]) == 400
        assert store.get(report_id) is not None
        assert len(store) == before + 1


def test_request_then_half_close_still_gets_its_201(server: tuple[MockProcess, Path]) -> None:
    mock, store_path = server
    with socket.create_connection(_address(mock)) as sock:
        sock.sendall(REQUEST)
        sock.shutdown(socket.SHUT_WR)
        response = _read_until_closed(sock)
    assert _status(response) == 201
    report_id = json.loads(response.partition(b"\r\n\r\n")[2])["reportId"]
    with contextlib.closing(SqliteStore(store_path)) as store:
        assert store.get(report_id) is not None


def test_kill_9_mid_load_loses_and_duplicates_nothing_that_got_a_201(tmp_path: Path) -> None:
    store_path = tmp_path / "reports.db"
    acknowledged: list[str] = []
    enough = threading.Event()
    senders = 8
    with mock_process(
        ["--store", str(store_path), *SHORT_TIMEOUTS], {"IMMOTEUR_MOCK_TOKEN": TOKEN}
    ) as mock:
        mock.wait_ready()

        def send_until_refused() -> None:
            with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:
                while True:
                    try:
                        response = client.post(CONTRACT.endpoint_path, json=valid_body())
                    except httpx.TransportError:
                        return
                    assert response.status_code == 201
                    acknowledged.append(response.json()["reportId"])
                    if len(acknowledged) >= 200:
                        enough.set()

        threads = [threading.Thread(target=send_until_refused, daemon=True) for _ in range(senders)]
        for thread in threads:
            thread.start()
        reached = enough.wait(timeout=WAIT_DEADLINE)
        mock.process.kill()
        for thread in threads:
            thread.join(timeout=WAIT_DEADLINE)
        mock.process.communicate(timeout=WAIT_DEADLINE)
    assert reached, f"only {len(acknowledged)} reports acknowledged before the deadline"
    assert not any(thread.is_alive() for thread in threads)
    with contextlib.closing(SqliteStore(store_path)) as store:
        stored = [report.report_id for report in store.list()]
    assert len(set(stored)) == len(stored)
    assert set(acknowledged) <= set(stored)
    assert len(stored) - len(acknowledged) <= senders  # at most the answers lost in flight


def test_1100_stuck_connections_under_1024_descriptors_are_closed_and_service_resumes(
    tmp_path: Path,
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip(f"this process may open at most {hard} descriptors")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1300), hard))
    stuck: list[socket.socket] = []
    try:
        with mock_process(
            [*SHORT_TIMEOUTS, "--store", str(tmp_path / "r.db")],
            {"IMMOTEUR_MOCK_TOKEN": TOKEN},
            max_open_files=1024,
        ) as mock:
            mock.wait_ready()
            partial = (b"", b"POST /public/v1/issues HTTP/1.1\r\nHost: x\r\n", REQUEST[:-10])
            started = time.monotonic()
            for index in range(1100):
                sock = socket.create_connection(_address(mock))
                sock.sendall(partial[index % 3])
                stuck.append(sock)
            still_open = _closed_by_server_until(stuck, started + WAIT_DEADLINE)
            assert not still_open, f"{still_open} of 1100 connections still open"
            assert _post(mock).status_code == 201
            assert mock.process.poll() is None
    finally:
        for sock in stuck:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_two_workers_share_one_store_without_loss_or_duplicates(tmp_path: Path) -> None:
    store_path = tmp_path / "reports.db"
    ids: list[str] = []
    with mock_process(
        ["--workers", "2", "--store", str(store_path), *SHORT_TIMEOUTS],
        {"IMMOTEUR_MOCK_TOKEN": TOKEN},
    ) as mock:
        mock.wait_ready()

        def send(count: int) -> None:
            with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:
                for _ in range(count):
                    response = client.post(CONTRACT.endpoint_path, json=valid_body())
                    assert response.status_code == 201
                    ids.append(response.json()["reportId"])

        threads = [threading.Thread(target=send, args=(25,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT_DEADLINE)
        assert not any(thread.is_alive() for thread in threads)
        assert len(_children(mock.process.pid)) == 2
        mock.stop()
    assert mock.process.returncode == 0
    with contextlib.closing(SqliteStore(store_path)) as store:
        stored = [report.report_id for report in store.list()]
    assert sorted(stored) == sorted(ids)
    assert len(ids) == 200


def _closed_by_server_until(sockets: list[socket.socket], deadline: float) -> int:
    """Read every socket until the server closes it or `deadline` passes; how many are open."""
    with selectors.DefaultSelector() as selector:
        for each in sockets:
            each.setblocking(False)
            selector.register(each, selectors.EVENT_READ, data=each)
        remaining = len(sockets)
        while remaining and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.1):
                sock: socket.socket = key.data
                try:
                    if sock.recv(65536):
                        continue  # the 408, then the close
                except BlockingIOError:
                    continue
                except OSError:
                    pass  # reset: closed as well
                selector.unregister(sock)
                remaining -= 1
    return remaining


def _children(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found
