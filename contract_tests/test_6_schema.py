"""Schema conformance with schemathesis: examples, coverage and fuzzing phases, every check.

Seeded and deterministic, no example database, no response cache and no error feedback, so a
run does not adapt to the server. Requests go through the run's guarded transport (a requests
session adapter). Cases with a Content-Type other than application/json are not sent: the
contract leaves that reaction open. Against a remote target without --allow-writes, requests
the target would accept are not sent (the transport refuses them). Every check runs except
ignored_auth, whose probes bypass the transport (test_1_auth_protocol.py covers it).
"""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth

from immoteur_contract.rules import CONTRACT
from immoteur_contract.runner.client import requests_session
from immoteur_contract.runner.plugin import Api, RunState, current_state
from immoteur_contract.runner.transport import WriteBlockedError

LAYER = "schema"
SENDS = "open"

# ignored_auth re-sends the request without credentials on a session of its own, past the
# guarded transport (budget, rate, write safety); the auth-protocol layer makes those requests.
_RESENDING_CHECKS = [ignored_auth]


def _schema() -> Any:
    state = current_state()
    target = state.target
    base_url = target.base_url if target is not None else CONTRACT.base_path
    token = target.token if target is not None else "none"
    config = SchemathesisConfig.from_dict(
        {
            "seed": state.options.seed,
            "cache": {"enabled": False},
            "base-url": base_url,
            "auth": {"openapi": {"BearerAuth": {"bearer": token}}},
            "generation": {
                "mode": "all",
                "max-examples": state.options.examples,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {
                    "enabled": True,
                    "error-feedback": {"enabled": False},
                    "extra-data-sources": {"responses": False},
                },
                "stateful": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_dict(copy.deepcopy(dict(CONTRACT.document)), config=config)


schema = _schema()


@schema.parametrize()  # type: ignore[untyped-decorator]
def test_schema_conformance(case: Any, contract_state: RunState) -> None:
    assert contract_state.target is not None
    api = Api(contract_state, contract_state.target)
    media_type = str(case.media_type or "application/json").split(";")[0].strip().lower()
    if media_type != "application/json":
        return
    session = requests_session(api.target)
    try:
        response = case.call(session=session)
    except WriteBlockedError:
        return
    transport = {"session": session, "base_url": api.target.base_url}
    api.expect(case.validate_response, response, None, None, _RESENDING_CHECKS, None, transport)
