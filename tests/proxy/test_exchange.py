"""An exchange crosses to the judging process as plain values and comes back the same."""

from __future__ import annotations

import pickle

from immoteur_contract.proxy.bounded import BoundedBody, CaptureBudget
from immoteur_contract.proxy.exchange import Seen


def test_exchange_record_restores_the_same_exchange() -> None:
    budget = CaptureBudget()
    sent = BoundedBody(budget, limit=4)
    sent.add(b'{"a": 1}')  # over the limit: kept in part
    seen = Seen(7, "POST", "/public/v1/issues", "q=1", [("content-type", "application/json")], sent)
    seen.url = "http://upstream/public/v1/issues?q=1"
    seen.status = 201
    seen.response_headers = [("content-length", "2")]
    seen.response_body = BoundedBody(budget)
    seen.response_body.add(b"{}")
    seen.cut, seen.seconds = True, 0.25

    back = Seen.restored(pickle.loads(pickle.dumps(seen.record())))

    assert (back.index, back.method, back.path, back.query, back.url) == (
        7,
        "POST",
        "/public/v1/issues",
        "q=1",
        "http://upstream/public/v1/issues?q=1",
    )
    assert back.request_headers == seen.request_headers
    assert (back.request_body.content(), back.request_body.size) == (b'{"a"', 8)
    assert back.request_body.truncated
    assert back.status == 201
    assert back.response_headers == [("content-length", "2")]
    assert back.response_body is not None
    assert back.response_body.content() == b"{}"
    assert not back.response_body.truncated
    assert (back.cut, back.client_gone, back.upstream_failed, back.seconds) == (
        True,
        False,
        False,
        0.25,
    )
