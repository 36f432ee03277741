"""The inspection API's guard (server/guard.py): only the server's own Host names, no
cross-site requests, JSON for POST and DELETE, and the admin token when one is set."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from immoteur_contract.server import MemoryStore, ServerSettings, create_app
from immoteur_contract.server.command import ADMIN_TOKEN_ENV
from immoteur_contract.server.guard import MockGuard, host_name

from .asgi_driver import ENDPOINT, call
from .conftest import AUTH, TOKEN, valid_body
from .live import mock_process

pytestmark = pytest.mark.anyio

JSON = ("content-type", "application/json")
ADMIN = "admin-token-for-the-guard-tests"


def _guarded(**options: object) -> MockGuard:
    app = create_app(ServerSettings(token=TOKEN), store=MemoryStore())
    return MockGuard(app, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        pytest.param("localhost:8080", "localhost", id="name-port"),
        pytest.param("LOCALHOST", "localhost", id="uppercase"),
        pytest.param("[::1]:8080", "::1", id="ipv6-port"),
        pytest.param("127.0.0.1", "127.0.0.1", id="ipv4"),
        pytest.param("evil.example:80", "evil.example", id="foreign"),
    ],
)
def test_guard_host_name_drops_port_and_brackets(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "127.0.0.2", "app.localhost:8080"],
)
async def test_guard_answers_loopback_host_names(host: str) -> None:
    reply = await call(_guarded(), "GET", "/_mock/reports", headers=[("host", host)])
    assert reply.status == 200


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("attacker.example:8080", id="dns-rebinding"),
        pytest.param("192.168.1.10:8080", id="private-address"),
        pytest.param("", id="no-host"),
    ],
)
async def test_guard_refuses_a_foreign_host_header(host: str) -> None:
    headers = [("host", host)] if host else []
    reply = await call(_guarded(), "DELETE", "/_mock/reports", headers=[*headers, JSON])
    assert reply.status == 403
    assert "names the server was started for" in reply.json()["message"]


async def test_guard_answers_a_host_it_was_started_for() -> None:
    guard = _guarded(hosts=["mock.internal"])
    reply = await call(guard, "GET", "/_mock/", headers=[("host", "MOCK.internal:8080")])
    assert reply.status == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/_mock/faults"), ("DELETE", "/_mock/reports"), ("DELETE", "/_mock/faults")],
)
@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param(None, id="none"),
        pytest.param("text/plain", id="text-plain"),
        pytest.param("application/x-www-form-urlencoded", id="form"),
        pytest.param("multipart/form-data; boundary=x", id="multipart"),
    ],
)
async def test_guard_refuses_a_write_a_browser_could_send_without_preflight(
    method: str, path: str, content_type: str | None
) -> None:
    headers = [("host", "127.0.0.1:8080")]
    if content_type is not None:
        headers.append(("content-type", content_type))
    reply = await call(_guarded(), method, path, [b'{"next": 1, "status": 503}'], headers)
    assert reply.status == 415


async def test_guard_lets_a_json_write_through() -> None:
    headers = [("host", "127.0.0.1:8080"), ("content-type", "application/json; charset=utf-8")]
    reply = await call(_guarded(), "POST", "/_mock/faults", [b'{"status": 503}'], headers)
    assert reply.status == 200
    assert reply.json()["queue"][0]["status"] == 503


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://attacker.example", id="other-site"),
        pytest.param("null", id="null-origin"),
        pytest.param("http://127.0.0.1.attacker.example", id="lookalike"),
    ],
)
async def test_guard_refuses_a_cross_site_origin(origin: str) -> None:
    headers = [("host", "127.0.0.1:8080"), ("origin", origin), JSON]
    reply = await call(_guarded(), "DELETE", "/_mock/reports", headers=headers)
    assert reply.status == 403
    assert "another site" in reply.json()["message"]


async def test_guard_accepts_a_same_site_origin() -> None:
    headers = [("host", "localhost:8080"), ("origin", "http://localhost:8080"), JSON]
    reply = await call(_guarded(), "DELETE", "/_mock/reports", headers=headers)
    assert reply.status == 204


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        pytest.param(None, 401, id="none"),
        pytest.param(f"Bearer {TOKEN}", 401, id="the-api-token"),
        pytest.param(f"Bearer {ADMIN}x", 401, id="wrong"),
        pytest.param(f"Bearer {ADMIN}", 200, id="admin"),
    ],
)
async def test_guard_with_an_admin_token_requires_it(
    authorization: str | None, status: int
) -> None:
    headers = [("host", "127.0.0.1")]
    if authorization is not None:
        headers.append(("authorization", authorization))
    reply = await call(_guarded(admin_token=ADMIN), "GET", "/_mock/", headers=headers)
    assert reply.status == status
    assert ADMIN not in repr(_guarded(admin_token=ADMIN))


async def test_guard_leaves_the_public_api_alone() -> None:
    """The endpoint is judged by the contract alone: any Host, any Origin, its own token."""
    headers = [("host", "attacker.example"), ("origin", "https://attacker.example"), JSON]
    body = [json.dumps(valid_body()).encode()]
    reply = await call(
        _guarded(admin_token=ADMIN), "POST", ENDPOINT, body, [*headers, *AUTH.items()]
    )
    assert reply.status == 201


# -- over a socket, as `immoteur-contract mock` serves it ------------------------------------


def test_mock_command_refuses_a_cross_site_text_plain_post_and_a_foreign_host() -> None:
    """What a web page in the user's browser can send, directly or by DNS rebinding, changes
    nothing: the fault is not queued and the stored reports are not wiped."""
    with mock_process([], {"IMMOTEUR_MOCK_TOKEN": TOKEN}) as mock:
        mock.wait_ready()
        created = httpx.post(mock.base_url + ENDPOINT, json=valid_body(), headers=AUTH)
        assert created.status_code == 201
        cross_site = httpx.post(
            mock.base_url + "/_mock/faults",
            content=b'{"next": 5, "status": 503}',
            headers={"content-type": "text/plain", "origin": "https://attacker.example"},
        )
        rebound = httpx.delete(
            mock.base_url + "/_mock/reports",
            headers={"host": "attacker.example", "content-type": "application/json"},
        )
        queue = httpx.get(mock.base_url + "/_mock/faults").json()["queue"]
        count = httpx.get(mock.base_url + "/_mock/").json()["count"]
    assert (cross_site.status_code, rebound.status_code) == (403, 403)
    assert (queue, count) == ([], 1)


def test_mock_command_admin_token_protects_the_inspection_api() -> None:
    env = {"IMMOTEUR_MOCK_TOKEN": TOKEN, ADMIN_TOKEN_ENV: ADMIN}
    with mock_process(["--admin-token"], env) as mock:
        _wait_listening(mock.base_url)
        without = httpx.get(mock.base_url + "/_mock/")
        with_admin = httpx.get(
            mock.base_url + "/_mock/", headers={"authorization": f"Bearer {ADMIN}"}
        )
        stdout, stderr = mock.stop()
    assert (without.status_code, with_admin.status_code) == (401, 200)
    assert ADMIN not in stdout + stderr


def _wait_listening(base_url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(base_url + "/_mock/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError("the mock command did not start listening")
