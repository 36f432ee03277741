"""`compare`: one change to the spec at a time, each with the lines and the impact it must get.

Requests: what makes a valid request invalid breaks callers; what makes an invalid one valid
breaks implementations (they must accept it). Responses: the reverse. A renamed operation or
path breaks callers (their calls and generated client change)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from immoteur_contract.specdiff import Impact, compare
from immoteur_contract.specdiff.compare import breaks_callers

from ..spec_change.scenarios import first_not_in, operation_of, request_of, schemas_of
from .conftest import SPEC_DOCUMENT

Doc = dict[str, Any]
CALLERS, IMPLEMENTATIONS, COMPATIBLE = Impact.CALLERS, Impact.IMPLEMENTATIONS, Impact.COMPATIBLE

# the edits' names and numbers, read from the spec under test, so that each edit still changes
# something (and each expected line says what) on a spec that has already changed
_FACETS: list[str] = schemas_of(SPEC_DOCUMENT)["IssueFacet"]["enum"]
FACET = first_not_in(_FACETS, ("energy", "heating", "parking", "garden"))
"""A facet the spec does not have: the one `add_facet` adds."""
GONE = "status" if "status" in _FACETS else _FACETS[-1]
"""A facet the spec has: the one `remove_facet` removes."""
LIMIT = int(request_of(SPEC_DOCUMENT)["properties"]["comment"]["maxLength"])
LOWER, HIGHER = LIMIT // 2, LIMIT + 2000
"""The comment limits `lower_comment_limit` and `raise_comment_limit` set."""
LOWERED = f"comment maxLength {LIMIT} -> {LOWER}: breaking for callers"
FACET_ADDED = f"IssueFacet + {FACET}: implementations must accept it"


def add_facet(doc: Doc) -> None:
    schemas_of(doc)["IssueFacet"]["enum"].append(FACET)


def remove_facet(doc: Doc) -> None:
    schemas_of(doc)["IssueFacet"]["enum"].remove(GONE)


def lower_comment_limit(doc: Doc) -> None:
    request_of(doc)["properties"]["comment"]["maxLength"] = LOWER


def raise_comment_limit(doc: Doc) -> None:
    request_of(doc)["properties"]["comment"]["maxLength"] = HIGHER


def raise_property_ids_min_items(doc: Doc) -> None:
    request_of(doc)["properties"]["propertyIds"]["minItems"] = 2


def add_optional_request_field(doc: Doc) -> None:
    request_of(doc)["properties"]["priority"] = {"type": "string", "maxLength": 20}


def add_required_request_field(doc: Doc) -> None:
    request_of(doc)["properties"]["source"] = {"type": "string"}
    request_of(doc)["required"].append("source")


def drop_required_field(doc: Doc) -> None:
    request_of(doc)["required"].remove("issueKind")


def add_rule(doc: Doc) -> None:
    rule = {"id": "comment-no-urls", "field": "comment", "statement": "comment has no URL."}
    request_of(doc)["x-rules"].append(rule)


def restate_rule(doc: Doc) -> None:
    rule = next(r for r in request_of(doc)["x-rules"] if r["id"] == "issue-kind-required")
    rule["statement"] = "issueKind is always present."


def remove_rule(doc: Doc) -> None:
    rules = request_of(doc)["x-rules"]
    rules[:] = [r for r in rules if r["id"] != "other-forbids-clustering-action"]


def remove_conditional(doc: Doc) -> None:
    entries = request_of(doc)["allOf"]
    entries[:] = [e for e in entries if "other-forbids-clustering-action" not in e["$comment"]]


def reorder_conditionals(doc: Doc) -> None:
    request_of(doc)["allOf"].reverse()


def change_conditional(doc: Doc) -> None:
    entry = next(e for e in request_of(doc)["allOf"] if "two-targets" in e["$comment"])
    entry["then"]["anyOf"][0]["properties"]["propertyIds"]["minItems"] = 3


def change_uuid_pattern(doc: Doc) -> None:
    schemas_of(doc)["Uuid"]["pattern"] = "^[0-9a-f-]{36}$"


def forbid_extra_fields(doc: Doc) -> None:
    request_of(doc)["additionalProperties"] = False


def drop_null_clustering_action(doc: Doc) -> None:
    request_of(doc)["properties"]["clusteringAction"]["anyOf"].pop()


def allow_null_comment(doc: Doc) -> None:
    request_of(doc)["properties"]["comment"]["type"] = ["string", "null"]


def drop_created_at_pattern(doc: Doc) -> None:
    del schemas_of(doc)["IssueReportCreated"]["properties"]["createdAt"]["pattern"]


def add_response_field(doc: Doc) -> None:
    schemas_of(doc)["IssueReportCreated"]["properties"]["status"] = {"type": "string"}


def add_required_response_field(doc: Doc) -> None:
    add_response_field(doc)
    schemas_of(doc)["IssueReportCreated"]["required"].append("status")


def remove_response_field(doc: Doc) -> None:
    created = schemas_of(doc)["IssueReportCreated"]
    del created["properties"]["reportId"]
    created["required"].remove("reportId")


def rename_operation(doc: Doc) -> None:
    operation_of(doc)["operationId"] = "issuesFile"


def change_path(doc: Doc) -> None:
    doc["paths"] = {"/reports": doc["paths"]["/issues"]}


def change_method(doc: Doc) -> None:
    doc["paths"]["/issues"] = {"put": operation_of(doc)}


def change_server(doc: Doc) -> None:
    doc["servers"][0]["url"] = "https://api.immoteur.com/public/v2"


def remove_success_status(doc: Doc) -> None:
    responses = operation_of(doc)["responses"]
    responses["200"] = responses.pop("201")


def document_new_error(doc: Doc) -> None:
    operation_of(doc)["responses"]["409"] = {"description": "Conflict"}


def bump_version(doc: Doc) -> None:
    doc["info"]["version"] = "1.2.0"


def reword_descriptions(doc: Doc) -> None:
    request_of(doc)["description"] = "Reworded."
    request_of(doc)["properties"]["comment"]["description"] = "Reworded too."
    operation_of(doc)["summary"] = "File a report"


SCENARIOS = [
    pytest.param(
        add_facet,
        [(FACET_ADDED, IMPLEMENTATIONS)],
        id="facet-added",
    ),
    pytest.param(
        remove_facet, [(f"IssueFacet - {GONE}: breaking for callers", CALLERS)], id="facet-removed"
    ),
    pytest.param(
        lower_comment_limit,
        [(LOWERED, CALLERS)],
        id="limit-lowered",
    ),
    pytest.param(
        raise_comment_limit,
        [
            (
                f"comment maxLength {LIMIT} -> {HIGHER}: implementations must accept it",
                IMPLEMENTATIONS,
            )
        ],
        id="limit-raised",
    ),
    pytest.param(
        raise_property_ids_min_items,
        [("propertyIds minItems 1 -> 2: breaking for callers", CALLERS)],
        id="minimum-raised",
    ),
    pytest.param(
        add_optional_request_field,
        [("IssueReportRequest property + priority: compatible", COMPATIBLE)],
        id="optional-request-field-added",
    ),
    pytest.param(
        add_required_request_field,
        [
            ("IssueReportRequest required + source: breaking for callers", CALLERS),
            ("IssueReportRequest property + source: compatible", COMPATIBLE),
        ],
        id="required-request-field-added",
    ),
    pytest.param(
        drop_required_field,
        [
            (
                "IssueReportRequest required - issueKind: implementations must accept requests"
                " without it",
                IMPLEMENTATIONS,
            )
        ],
        id="required-dropped",
    ),
    pytest.param(
        add_rule, [("rule comment-no-urls added: breaking for callers", CALLERS)], id="rule-added"
    ),
    pytest.param(
        restate_rule,
        [("rule issue-kind-required restated: compatible", COMPATIBLE)],
        id="rule-restated",
    ),
    pytest.param(
        remove_rule,
        [
            (
                "rule other-forbids-clustering-action removed: implementations must accept what"
                " it forbade",
                IMPLEMENTATIONS,
            )
        ],
        id="rule-removed",
    ),
    pytest.param(
        remove_conditional,
        [
            (
                "IssueReportRequest conditional - rule other-forbids-clustering-action:"
                " implementations must accept it",
                IMPLEMENTATIONS,
            )
        ],
        id="conditional-removed",
    ),
    pytest.param(
        change_conditional,
        [
            (
                "rule clustering-requires-two-targets: propertyIds minItems 2 -> 3: breaking for"
                " callers",
                CALLERS,
            )
        ],
        id="conditional-tightened",
    ),
    pytest.param(reorder_conditionals, [], id="conditionals-reordered"),
    pytest.param(
        change_uuid_pattern,
        [
            ("Uuid pattern changed: breaking for callers", CALLERS),
            ("Uuid pattern changed: breaking for callers", CALLERS),
        ],
        id="uuid-pattern-changed",
    ),
    pytest.param(
        forbid_extra_fields,
        [
            (
                "IssueReportRequest additionalProperties (none) -> false: breaking for callers",
                CALLERS,
            )
        ],
        id="extra-fields-forbidden",
    ),
    pytest.param(
        drop_null_clustering_action,
        [("clusteringAction anyOf 2 -> 1 branches: breaking for callers", CALLERS)],
        id="null-no-longer-accepted",
    ),
    pytest.param(
        allow_null_comment,
        [
            (
                'comment type string -> ["string", "null"]: implementations must accept it',
                IMPLEMENTATIONS,
            )
        ],
        id="type-widened",
    ),
    pytest.param(
        drop_created_at_pattern,
        [("createdAt pattern removed: breaking for callers", CALLERS)],
        id="response-pattern-dropped",
    ),
    pytest.param(
        add_response_field,
        [("IssueReportCreated property + status: compatible", COMPATIBLE)],
        id="response-field-added",
    ),
    pytest.param(
        add_required_response_field,
        [
            ("IssueReportCreated required + status: implementations must send it", IMPLEMENTATIONS),
            ("IssueReportCreated property + status: compatible", COMPATIBLE),
        ],
        id="required-response-field-added",
    ),
    pytest.param(
        remove_response_field,
        [
            ("IssueReportCreated required - reportId: breaking for callers", CALLERS),
            ("IssueReportCreated property - reportId: breaking for callers", CALLERS),
        ],
        id="response-field-removed",
    ),
    pytest.param(
        rename_operation,
        [("operationId issuesCreate -> issuesFile: breaking for callers", CALLERS)],
        id="operation-id-renamed",
    ),
    pytest.param(
        change_path,
        [("path /issues -> /reports: breaking for callers", CALLERS)],
        id="path-changed",
    ),
    pytest.param(
        change_method, [("method POST -> PUT: breaking for callers", CALLERS)], id="method-changed"
    ),
    pytest.param(
        change_server,
        [
            (
                "server URL https://api.immoteur.com/public/v1 ->"
                " https://api.immoteur.com/public/v2: breaking for callers",
                CALLERS,
            )
        ],
        id="server-changed",
    ),
    pytest.param(
        remove_success_status,
        [
            ("status + 200: breaking for callers", CALLERS),
            ("status - 201: breaking for callers", CALLERS),
        ],
        id="success-status-changed",
    ),
    pytest.param(
        document_new_error, [("status + 409: compatible", COMPATIBLE)], id="error-status-documented"
    ),
    pytest.param(
        bump_version, [("info.version 1.1.0 -> 1.2.0: compatible", COMPATIBLE)], id="version-bumped"
    ),
    pytest.param(reword_descriptions, [], id="descriptions-reworded"),
]


@pytest.mark.parametrize(("change", "expected"), SCENARIOS)
def test_compare_classifies_a_single_change(
    document: Doc, change: Callable[[Doc], None], expected: list[tuple[str, Impact]]
) -> None:
    new = copy.deepcopy(document)
    change(new)
    changes = compare(document, new)
    assert [(c.line, c.impact) for c in changes] == expected
    assert breaks_callers(changes) == any(impact is CALLERS for _, impact in expected)


def test_compare_of_the_issue_scenario_names_both_changes(document: Doc) -> None:
    new = copy.deepcopy(document)
    add_facet(new)
    lower_comment_limit(new)
    lines = [change.line for change in compare(document, new)]
    assert lines == [LOWERED, FACET_ADDED]


def test_compare_lists_changes_worst_first(document: Doc) -> None:
    new = copy.deepcopy(document)
    for change in (add_response_field, add_facet, remove_facet, restate_rule):
        change(new)
    impacts = [change.impact for change in compare(document, new)]
    assert impacts == sorted(impacts, key=lambda impact: impact.rank)
    assert impacts == [CALLERS, IMPLEMENTATIONS, COMPATIBLE, COMPATIBLE]


def test_compare_says_where_each_change_is(document: Doc) -> None:
    new = copy.deepcopy(document)
    change_uuid_pattern(new)
    assert [change.where for change in compare(document, new)] == ["request", "response 201"]


def test_compare_of_a_document_with_itself_is_empty(document: Doc) -> None:
    assert compare(document, copy.deepcopy(document)) == []
