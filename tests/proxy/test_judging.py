"""Judging in a process of its own (the `proxy` command's way): every forwarded exchange is
counted, those the judge took are judged with the same rule ids, those it could not take are
counted as unjudged, and a judge that is gone is an error of the run, never a divergence."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from immoteur_contract.proxy import judging
from immoteur_contract.proxy.forwarding import Upstream
from immoteur_contract.proxy.judging import JudgeProcess, JudgingStoppedError
from immoteur_contract.proxy.serving import ProxyServer, serve_in_thread
from immoteur_contract.server import reference_app, serving
from immoteur_contract.verdicts import agreeing_verdicts

from .support import TOKEN, no_delay

_AUTH = {"authorization": f"Bearer {TOKEN}"}
_VALID = next(r for r in agreeing_verdicts() if r.valid)
_NO_FACETS = next(r for r in agreeing_verdicts() if r.rules == ("data-requires-issue-facets",))


@contextmanager
def _judge() -> Iterator[tuple[str, JudgeProcess]]:
    """A judging process for the reference server (closed at the end of the block) and the
    server's URL."""
    with serving(reference_app(TOKEN)) as upstream:
        judge = JudgeProcess(upstream)
        try:
            yield upstream, judge
        finally:
            judge.close()


def _through_proxy(upstream: str, judge: JudgeProcess, *bodies: object) -> list[int]:
    """Send `bodies` through a proxy whose exchanges go to `judge`; the proxy has stopped
    when this returns (the judge still runs). The statuses answered."""
    with serve_in_thread(ProxyServer(Upstream(upstream), judge), host="127.0.0.1") as port:
        return _send(f"http://127.0.0.1:{port}/public/v1", *bodies)


def _send(base_url: str, *bodies: object) -> list[int]:
    with httpx.Client(base_url=base_url, transport=no_delay(), timeout=10) as client:
        return [client.post("/issues", json=body, headers=_AUTH).status_code for body in bodies]


def test_judging_report_holds_every_exchange_and_its_failures() -> None:
    with _judge() as (upstream, judge):
        assert _through_proxy(upstream, judge, _VALID.body, _NO_FACETS.body) == [201, 422]
        report = judge.report(1.0)
    assert report.proxy["forwarded"] == 2
    assert report.proxy["endpoint"] == 2
    assert report.proxy["not_judged_queue_full"] == 0
    assert [(f.layer, f.rule) for f in report.failures] == [
        ("caller", "data-requires-issue-facets")
    ]
    assert TOKEN.encode() not in pickle.dumps(report)


def test_judging_batches_the_judge_cannot_take_are_counted_unjudged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(judging, "_OUTGOING_LIMIT", 16)  # no batch fits: all dropped
    with _judge() as (upstream, judge):
        bodies = (_VALID.body, _NO_FACETS.body, _VALID.body)
        assert _through_proxy(upstream, judge, *bodies) == [201, 422, 201]
        report = judge.report(1.0)
    assert report.proxy["forwarded"] == 3
    assert report.proxy["not_judged_queue_full"] == 3
    assert report.proxy["endpoint"] == 0
    assert report.failures == []


def test_judging_a_judge_gone_is_an_error_of_the_run() -> None:
    with _judge() as (upstream, judge):
        _through_proxy(upstream, judge, _VALID.body)
        judge._process.kill()
        judge._process.wait()
        with pytest.raises(JudgingStoppedError, match="judging process"):
            judge.report(1.0)
