"""The private part of uvicorn that server/protocol.py builds on is still there: the installed
uvicorn is within the range pyproject.toml declares, and `HttpToolsProtocol` still has every
attribute and method the guarded protocol uses or overrides. When uvicorn moves them, this
fails in one line naming what moved, rather than the server breaking at its first request."""

from __future__ import annotations

import asyncio
import importlib.metadata
import inspect
import re
import tomllib

from packaging.requirements import Requirement
from uvicorn.config import Config
from uvicorn.protocols.http import httptools_impl
from uvicorn.server import ServerState

from immoteur_contract.server.limits import ConnectionLimits
from immoteur_contract.server.protocol import guarded_protocol

from ..packaging.support import ROOT

# what protocol.py overrides or calls on HttpToolsProtocol (methods, class-level)
_METHODS = (
    "connection_made", "connection_lost", "eof_received", "data_received", "on_message_begin",
    "on_url", "on_header", "on_headers_complete", "on_message_complete", "on_response_complete",
    "_unset_keepalive_if_required", "timeout_keep_alive_handler",
)  # fmt: skip
# what it reads or sets on an instance (set in HttpToolsProtocol.__init__ or connection_made)
_STATE = ("timeout_keep_alive", "timeout_keep_alive_task", "parser", "cycle", "pipeline",
          "flow", "url", "loop", "logger", "transport")  # fmt: skip


def _declared_uvicorn() -> Requirement:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (declared,) = [
        Requirement(dep)
        for dep in project["optional-dependencies"]["server"]
        if dep.startswith("uvicorn")
    ]
    return declared


def test_protocol_uvicorn_installed_version_is_within_the_declared_range() -> None:
    installed = importlib.metadata.version("uvicorn")
    declared = _declared_uvicorn()
    assert declared.specifier.contains(installed), f"uvicorn {installed} not in {declared}"


def test_protocol_uvicorn_private_surface_is_still_there() -> None:
    base = httptools_impl.HttpToolsProtocol
    missing = [name for name in _METHODS if not callable(getattr(base, name, None))]
    assert not missing, f"uvicorn's HttpToolsProtocol lost {missing}: review server/protocol.py"
    assert isinstance(httptools_impl.STATUS_LINE.get(431), bytes), "uvicorn's STATUS_LINE moved"
    init = set(inspect.signature(base.__init__).parameters)
    assert {"config", "server_state", "app_state"} <= init, (
        f"HttpToolsProtocol.__init__ takes {init} now"
    )
    source = inspect.getsource(base)
    absent = [name for name in _STATE if not re.search(rf"self\.{name}\b", source)]
    assert not absent, f"HttpToolsProtocol no longer sets {absent}: review server/protocol.py"


async def _app(scope: object, receive: object, send: object) -> None:
    """An ASGI app that is never called: the test only builds the protocol."""


def test_protocol_uvicorn_guarded_protocol_builds_on_the_installed_uvicorn() -> None:
    config = Config(app=_app, http="httptools", lifespan="off")
    config.load()
    protocol_class = guarded_protocol(ConnectionLimits())

    async def build() -> asyncio.Protocol:  # uvicorn's protocol takes the running loop
        return protocol_class(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]

    protocol = asyncio.run(build())
    assert isinstance(protocol, httptools_impl.HttpToolsProtocol)
    assert protocol.timeout_keep_alive == ConnectionLimits().idle_timeout
