"""An https:// upstream: verified against the CA bundle given (`--cacert`), refused (502)
without it."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from immoteur_contract.proxy.session import running_proxy

from .wire_upstream import GZIPPED, wire_upstream

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


@pytest.fixture(scope="module")
def https_upstream(certificate: tuple[Path, Path]) -> Iterator[str]:
    key, cert = certificate
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        wire_upstream,
        lifespan="off",
        log_level="critical",
        ssl_keyfile=str(key),
        ssl_certfile=str(cert),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the https upstream did not start"
        time.sleep(0.01)
    yield f"https://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_https_upstream_verified_with_the_ca_given(
    https_upstream: str, certificate: tuple[Path, Path]
) -> None:
    verify = ssl.create_default_context(cafile=str(certificate[1]))
    with (
        running_proxy(https_upstream, verify=verify) as session,
        httpx.Client() as client,
        client.stream("GET", session.url + "/gzip") as response,
    ):
        raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert raw == GZIPPED


def test_https_upstream_without_its_ca_is_a_502_naming_it(https_upstream: str) -> None:
    with running_proxy(https_upstream) as session, httpx.Client() as client:
        response = client.get(session.url + "/gzip")
    assert response.status_code == 502
    assert https_upstream in response.json()["message"]
    assert "CERTIFICATE_VERIFY_FAILED" in response.json()["message"]
