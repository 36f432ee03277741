"""The spec changes the kit is tried on: each a name, one edit of openapi.yaml, and what follows.

A scenario is one change a person makes to openapi.yaml (a facet added, a limit lowered, ...),
written as a function that edits the loaded YAML document in place. It records what the kit must
do on the edited copy, part by part (see `PARTS`):

- `follows`: the parts that pick the change up with no hand edit (their tests pass on the copy,
  and the probe bodies get the copy's verdict from them);
- `message`: for the other parts, the one line the kit must print instead, naming what a person
  has to write (None when every part follows);
- `stale_rows`: verdict-table rows whose verdict really changed, each reported once by the
  table's own test and used by no other test;
- `probes`: request bodies whose verdict the change flips on today's openapi.yaml (the server
  and the facade must give the copy's JSON Schema verdict on them, whatever it is);
- `api_change`: what the change means for people who call the API, in issue 10's words
  ("breaking for callers", "breaking for implementations", "compatible"), for tools that
  classify spec changes (`spec-diff`) to be checked against.

`SCENARIOS` lists them; `edited(scenario, document)` returns an edited deep copy. tests/
spec_change/test_spec_change.py runs the kit on each (see its docstring); other tests may import
this module to try their own tool on the same copies.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "PARTS",
    "SCENARIOS",
    "Scenario",
    "edited",
    "operation_of",
    "request_of",
    "schemas_of",
]

Document = dict[str, Any]

PARTS = ("client", "verdicts", "server", "strategies", "facade", "suite")
"""The kit's parts, as the scenario test runs them on a copy:

- client: openapi-python-client with the project's config (`make client`) into a temporary folder;
- verdicts: the verdict table's tests (tests/test_verdicts.py);
- server: the reference server on the table and on the probes (tests/server/test_verdict_table.py);
- strategies: the strategies' and rules' tests (tests/test_strategies.py, tests/test_rules.py);
- facade: the client facade's tests on the regenerated client (tests/client/test_facade.py,
  tests/client/test_reports.py) and on the probes;
- suite: `immoteur-contract run` against the reference server in-process.
"""

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@dataclass(frozen=True)
class Scenario:
    """One change to openapi.yaml and what the kit must do with it (see the module docstring)."""

    name: str
    change: str
    edit: Callable[[Document], None] = field(repr=False)
    api_change: str
    follows: tuple[str, ...] = PARTS
    message: str | None = None
    stale_rows: tuple[str, ...] = ()
    probes: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.follows) - set(PARTS)
        if unknown:
            raise ValueError(f"{self.name}: unknown parts {sorted(unknown)}; parts are {PARTS}")
        if (self.message is None) != (set(self.follows) == set(PARTS)):
            raise ValueError(
                f"{self.name}: a message is expected exactly when a part cannot follow"
            )


def edited(scenario: Scenario, document: Document) -> Document:
    """A deep copy of `document` with the scenario's change made."""
    changed = copy.deepcopy(document)
    scenario.edit(changed)
    return changed


# -- the edits ---------------------------------------------------------------------------------


def schemas_of(document: Document) -> dict[str, Any]:
    """The document's component schemas, for edits."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def request_of(document: Document) -> dict[str, Any]:
    """The request body's schema (IssueReportRequest), for edits."""
    request: dict[str, Any] = schemas_of(document)["IssueReportRequest"]
    return request


def operation_of(document: Document) -> dict[str, Any]:
    """The endpoint's operation (POST /issues), for edits."""
    operation: dict[str, Any] = document["paths"]["/issues"]["post"]
    return operation


def _add_facet(document: Document) -> None:
    schemas_of(document)["IssueFacet"]["enum"].append("heating")


def _remove_facet(document: Document) -> None:
    schemas_of(document)["IssueFacet"]["enum"].remove("location")


def _comment_max_length(new: Callable[[int], int]) -> Callable[[Document], None]:
    """An edit that sets comment maxLength to `new(current)`, in the schema and in the texts
    that state it (the property's description, the rule statements)."""

    def edit(document: Document) -> None:
        comment = request_of(document)["properties"]["comment"]
        old = comment["maxLength"]
        comment["maxLength"] = new(old)
        comment["description"] = comment["description"].replace(str(old), str(new(old)))
        for rule in request_of(document)["x-rules"]:
            rule["statement"] = rule["statement"].replace(str(old), str(new(old)))

    return edit


def _add_optional_request_field(document: Document) -> None:
    request_of(document)["properties"]["source"] = {
        "description": "Where the report was made (app, web, ...).",
        "type": "string",
        "maxLength": 40,
    }


def _add_rule_without_check(document: Document) -> None:
    request_of(document)["x-rules"].append(
        {"id": "comment-no-urls", "field": "comment", "statement": "comment has no URL."}
    )


def _add_response_field(document: Document) -> None:
    schemas_of(document)["IssueReportCreated"]["properties"]["status"] = {
        "description": "Where the report is in its review.",
        "type": "string",
    }


def _rename_operation(document: Document) -> None:
    operation_of(document)["operationId"] = "createIssueReport"


def _data(**fields: Any) -> dict[str, Any]:
    return {"propertyIds": [UUID], "issueKind": "data", "issueFacets": ["price"], **fields}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "facet-added",
        "IssueFacet gains 'heating'",
        _add_facet,
        api_change="breaking for implementations",  # they must now accept it
        probes=(_data(issueFacets=["heating"]),),
    ),
    Scenario(
        "facet-removed",
        "IssueFacet loses 'location'",
        _remove_facet,
        api_change="breaking for callers",  # a report on location was valid and is not any more
        stale_rows=("clustering-with-comment-and-facets",),
        probes=(_data(issueFacets=["location"]),),
    ),
    Scenario(
        "comment-max-lowered",
        "comment maxLength halved (4000 -> 2000 today)",
        _comment_max_length(lambda old: old // 2),
        api_change="breaking for callers",
        probes=(_data(comment="a" * 2001), _data(comment="\U0001f3e0" * 2000)),
    ),
    Scenario(
        "comment-max-raised",
        "comment maxLength raised by 1000 (4000 -> 5000 today)",
        _comment_max_length(lambda old: old + 1000),
        api_change="breaking for implementations",
        probes=(_data(comment="a" * 4001), _data(comment="\U0001f3e0" * 5001)),
    ),
    Scenario(
        "optional-request-field-added",
        "IssueReportRequest gains an optional string property 'source'",
        _add_optional_request_field,
        api_change="compatible",
        follows=("client",),
        message=(
            "request field 'source' has constraints but no x-rules entry names it: state its"
            " rules in x-rules (id, field: source, statement) and write a check for each"
        ),
    ),
    Scenario(
        "rule-without-check",
        "x-rules gains 'comment-no-urls', which rules.py has no check for",
        _add_rule_without_check,
        api_change="breaking for callers",  # a new rule restricts what callers may send
        follows=("client",),
        message="x-rules has 'comment-no-urls' but rules.py has no check for it",
    ),
    Scenario(
        "response-field-added",
        "IssueReportCreated gains an optional property 'status'",
        _add_response_field,
        api_change="compatible",
    ),
    Scenario(
        "operation-renamed",
        "operationId issuesCreate -> createIssueReport",
        _rename_operation,
        # same method, path and bodies, but the generated client's function is renamed: code
        # that calls it breaks (the facade's own message below shows it)
        api_change="breaking for callers",
        follows=("client", "verdicts", "server", "strategies", "suite"),
        message=(
            "the generated client has no immoteur_client.api.issue.issues_create: openapi.yaml's"
            " operationId is now 'createIssueReport'"
        ),
    ),
)
"""Every scenario, in the order the issue lists the changes."""
