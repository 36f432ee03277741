"""The token never shows: not in a repr or str of any public object, not in a log record at DEBUG
(httpx, httpcore, this client), not in an exception message or formatted traceback, even when the
server echoes it back."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

import httpx
import pytest

from immoteur_contract.client import (
    AsyncIssueReports,
    ClusteringReport,
    DataReport,
    ImmoteurError,
    IssueReports,
    MissingTokenError,
    OtherReport,
    Secret,
)
from immoteur_contract.client._facade import _BearerAuth
from immoteur_contract.server import ServerSettings, create_app

from .support import PROPERTY, PROPERTY_2, TOKEN, Filer, Script, created, seed_failing, serving

REPORT = DataReport([PROPERTY], ["price"])
ECHO = {"message": f"Bad token {TOKEN}.", "errors": {"token": [f"{TOKEN} is revoked."]}}


def _texts(value: object, depth: int = 3) -> Iterator[str]:
    """repr and str of `value` and, recursively, of its attributes."""
    yield repr(value)
    yield str(value)
    if depth == 0:
        return
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        for item in attributes.values():
            yield from _texts(item, depth - 1)


def test_public_objects_never_show_the_token() -> None:
    with (
        IssueReports(TOKEN, transport=Script([created()]).transport()) as client,
        IssueReports(Secret(TOKEN)) as from_secret,
    ):
        created_report = client.create(REPORT)
        objects: list[object] = [
            client,
            from_secret,
            AsyncIssueReports(TOKEN),
            Secret(TOKEN),
            _BearerAuth(Secret(TOKEN)),
            client._client,  # the private generated AuthenticatedClient
            client._http,
            client._http.headers,
            created_report,
            REPORT,
            ClusteringReport([PROPERTY, PROPERTY_2], "split"),
            OtherReport([PROPERTY], "x"),
        ]
        for value in objects:
            for text in _texts(value):
                assert TOKEN not in text, type(value).__name__
    assert "token='***'" in repr(client)


def _raise_each_kind() -> Iterator[ImmoteurError]:
    """One error of every kind, the server's bodies echoing the token where there is one."""
    answers: list[httpx.Response | Exception] = [
        httpx.Response(400, json=ECHO),
        httpx.Response(401, json=ECHO),
        httpx.Response(403, text=f"forbidden for {TOKEN}"),
        httpx.Response(422, json=ECHO),
        httpx.Response(429, json=ECHO, headers={"Retry-After": "3600"}),
        httpx.Response(500, json=ECHO),
        httpx.Response(418, json=ECHO),
        httpx.Response(201, json=ECHO),
        httpx.Response(201, json={"reportId": PROPERTY, "createdAt": TOKEN}),
        httpx.ConnectError(f"refused {TOKEN}"),
        httpx.ReadTimeout(f"slow {TOKEN}"),
        httpx.RemoteProtocolError(f"closed {TOKEN}"),
    ]
    for answer in answers:
        with IssueReports(TOKEN, transport=Script([answer]).transport(), sleep=float) as client:
            try:
                client.create(REPORT)
            except ImmoteurError as error:
                yield error
    try:
        DataReport([PROPERTY], [])
    except ImmoteurError as error:
        yield error
    try:
        IssueReports()
    except MissingTokenError as error:
        yield error


def test_errors_never_show_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMMOTEUR_TOKEN", raising=False)
    errors = list(_raise_each_kind())
    assert len({type(e) for e in errors}) == 12
    for error in errors:
        text = "".join(traceback.format_exception(error))
        assert TOKEN not in text, type(error).__name__
        assert TOKEN not in repr(error)
        for value in (error.body, getattr(error, "errors", None)):
            assert TOKEN not in repr(value)
        response = getattr(error, "response", None)
        if response is not None:
            assert TOKEN not in repr(response.request.headers)
            assert TOKEN not in repr(response.headers)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_debug_logs_never_show_the_token(
    flavour: str, caplog: pytest.LogCaptureFixture, portal: object
) -> None:
    seed = seed_failing([True, False], rate=0.5)  # one 503, so the retry is logged too
    app = create_app(ServerSettings(token=TOKEN, fail_rate=0.5, seed=seed))
    for name in ("httpx", "httpcore", "immoteur_contract", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    filer = Filer(flavour, portal)  # type: ignore[arg-type]
    with serving(app) as base_url:
        filer.create(REPORT, base_url=base_url)
        with pytest.raises(ImmoteurError):
            filer.create({"propertyIds": ["nope"], "issueKind": "data"}, base_url=base_url)
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpx", "httpcore", "immoteur_contract"} <= loggers  # every logger was heard
    assert TOKEN not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)
