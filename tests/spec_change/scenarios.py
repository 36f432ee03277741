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

Every edit and every expected text is derived from the spec the kit runs on (openapi.yaml of
this checkout): a facet that is not there yet, half the current comment limit, a field name not
taken. So the scenarios still change something, and expect the right text, on a spec that has
already changed (`make spec-change-check` runs the whole of `make test` on such a copy).

`SCENARIOS` lists them; `edited(scenario, document)` returns an edited deep copy. tests/
spec_change/test_spec_change.py runs the kit on each (see its docstring); other tests may import
this module to try their own tool on the same copies.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from immoteur_contract.spec import PACKAGED_SPEC_PATH

__all__ = [
    "PARTS",
    "SCENARIOS",
    "Scenario",
    "edited",
    "first_not_in",
    "new_facet",
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


def first_not_in(taken: Iterable[str], candidates: Iterable[str]) -> str:
    """The first of `candidates` not in `taken` (a name the spec does not use yet)."""
    used = set(taken)
    return next(name for name in candidates if name not in used)


def _facets(document: Document) -> list[str]:
    facets: list[str] = schemas_of(document)["IssueFacet"]["enum"]
    return facets


def new_facet(document: Document) -> str:
    """A facet `document` does not have yet."""
    return first_not_in(_facets(document), ("heating", "energy", "parking", "garden", "noise"))


def removed_facet(document: Document) -> str:
    """The facet the facet-removed scenario takes away: 'location' (a verdict-table row uses
    it, see that scenario's stale_rows) while the spec has it, else its last facet."""
    facets = _facets(document)
    return "location" if "location" in facets else facets[-1]


def _add_facet(document: Document) -> None:
    _facets(document).append(new_facet(document))


def _remove_facet(document: Document) -> None:
    _facets(document).remove(removed_facet(document))


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


def new_request_field(document: Document) -> str:
    """A request property name `document` does not use yet."""
    return first_not_in(request_of(document)["properties"], ("source", "channel", "origin"))


def new_rule_id(document: Document) -> str:
    """An x-rules id `document` does not use yet."""
    ids = [rule["id"] for rule in request_of(document)["x-rules"]]
    return first_not_in(ids, ("comment-no-urls", "comment-no-emails", "comment-no-phones"))


def new_response_field(document: Document) -> str:
    """A property name IssueReportCreated does not have yet."""
    created = schemas_of(document)["IssueReportCreated"]["properties"]
    return first_not_in(created, ("status", "reviewState", "queuePosition"))


def new_operation_id(document: Document) -> str:
    """An operationId other than the endpoint's current one."""
    current = operation_of(document)["operationId"]
    return first_not_in([current], ("createIssueReport", "fileIssueReport"))


def _add_optional_request_field(document: Document) -> None:
    request_of(document)["properties"][new_request_field(document)] = {
        "description": "Where the report was made (app, web, ...).",
        "type": "string",
        "maxLength": 40,
    }


def _add_rule_without_check(document: Document) -> None:
    request_of(document)["x-rules"].append(
        {"id": new_rule_id(document), "field": "comment", "statement": "comment has no URL."}
    )


def _add_response_field(document: Document) -> None:
    schemas_of(document)["IssueReportCreated"]["properties"][new_response_field(document)] = {
        "description": "Where the report is in its review.",
        "type": "string",
    }


def _rename_operation(document: Document) -> None:
    operation_of(document)["operationId"] = new_operation_id(document)


def _data(**fields: Any) -> dict[str, Any]:
    return {"propertyIds": [UUID], "issueKind": "data", "issueFacets": ["price"], **fields}


_SPEC: Document = yaml.safe_load(PACKAGED_SPEC_PATH.read_text(encoding="utf-8"))
"""The spec the scenarios start from: every name and number below is read from it."""
_FACET = new_facet(_SPEC)
_GONE = removed_facet(_SPEC)
_MAX = int(request_of(_SPEC)["properties"]["comment"]["maxLength"])
_LOWER, _HIGHER = _MAX // 2, _MAX + 1000
_FIELD = new_request_field(_SPEC)
_RULE = new_rule_id(_SPEC)
_OPERATION = operation_of(_SPEC)["operationId"]

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "facet-added",
        f"IssueFacet gains {_FACET!r}",
        _add_facet,
        api_change="breaking for implementations",  # they must now accept it
        probes=(_data(issueFacets=[_FACET]),),
    ),
    Scenario(
        "facet-removed",
        f"IssueFacet loses {_GONE!r}",
        _remove_facet,
        api_change="breaking for callers",  # a report on it was valid and is not any more
        stale_rows=("clustering-with-comment-and-facets",) if _GONE == "location" else (),
        probes=(_data(issueFacets=[_GONE]),),
    ),
    Scenario(
        "comment-max-lowered",
        f"comment maxLength halved ({_MAX} -> {_LOWER} today)",
        _comment_max_length(lambda old: old // 2),
        api_change="breaking for callers",
        probes=(_data(comment="a" * (_LOWER + 1)), _data(comment="\U0001f3e0" * _LOWER)),
    ),
    Scenario(
        "comment-max-raised",
        f"comment maxLength raised by 1000 ({_MAX} -> {_HIGHER} today)",
        _comment_max_length(lambda old: old + 1000),
        api_change="breaking for implementations",
        probes=(_data(comment="a" * (_MAX + 1)), _data(comment="\U0001f3e0" * (_HIGHER + 1))),
    ),
    Scenario(
        "optional-request-field-added",
        f"IssueReportRequest gains an optional string property {_FIELD!r}",
        _add_optional_request_field,
        api_change="compatible",
        follows=("client",),
        message=(
            f"request field {_FIELD!r} has constraints but no x-rules entry names it: state its"
            f" rules in x-rules (id, field: {_FIELD}, statement) and write a check for each"
        ),
    ),
    Scenario(
        "rule-without-check",
        f"x-rules gains {_RULE!r}, which rules.py has no check for",
        _add_rule_without_check,
        api_change="breaking for callers",  # a new rule restricts what callers may send
        follows=("client",),
        message=f"x-rules has {_RULE!r} but rules.py has no check for it",
    ),
    Scenario(
        "response-field-added",
        f"IssueReportCreated gains an optional property {new_response_field(_SPEC)!r}",
        _add_response_field,
        api_change="compatible",
    ),
    Scenario(
        "operation-renamed",
        f"operationId {_OPERATION} -> {new_operation_id(_SPEC)}",
        _rename_operation,
        # same method, path and bodies, but the generated client's function is renamed: code
        # that calls it breaks (the facade's own message below shows it)
        api_change="breaking for callers",
        follows=("client", "verdicts", "server", "strategies", "suite"),
        message=(
            "the generated client has no immoteur_client.api.issue.issues_create: openapi.yaml's"
            f" operationId is now {new_operation_id(_SPEC)!r}"
        ),
    ),
)
"""Every scenario, in the order the issue lists the changes."""
