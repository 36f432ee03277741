"""Tests of the report builders: the bodies they make, and every rule they refuse at build time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from immoteur_client.models import ClusteringAction, IssueFacet

from immoteur_contract.client import (
    ClusteringReport,
    DataReport,
    OtherReport,
    Report,
    ReportRuleError,
)
from immoteur_contract.rules import CONTRACT

from .support import CLASSIFIED, PROPERTY, PROPERTY_2

REQUEST_SCHEMA = CONTRACT.validator("IssueReportRequest")


@pytest.mark.parametrize(
    ("build", "body"),
    [
        pytest.param(
            lambda: DataReport([PROPERTY], ["price", "description"]),
            {
                "propertyIds": [PROPERTY],
                "issueKind": "data",
                "issueFacets": ["price", "description"],
            },
            id="data-strings",
        ),
        pytest.param(
            lambda: DataReport(
                [UUID(PROPERTY)], [IssueFacet.MEDIA], classified_ids=[CLASSIFIED], comment=""
            ),
            {
                "propertyIds": [PROPERTY],
                "issueKind": "data",
                "classifiedIds": [CLASSIFIED],
                "comment": "",
                "issueFacets": ["media"],
            },
            id="data-enums-uuids-empty-comment",
        ),
        pytest.param(
            lambda: ClusteringReport([PROPERTY], "merge", classified_ids=[CLASSIFIED]),
            {
                "propertyIds": [PROPERTY],
                "issueKind": "clustering",
                "classifiedIds": [CLASSIFIED],
                "clusteringAction": "merge",
            },
            id="clustering-across-arrays",
        ),
        pytest.param(
            lambda: ClusteringReport([PROPERTY, PROPERTY_2], ClusteringAction.SPLIT, comment="x"),
            {
                "propertyIds": [PROPERTY, PROPERTY_2],
                "issueKind": "clustering",
                "clusteringAction": "split",
                "comment": "x",
            },
            id="clustering-enum",
        ),
        pytest.param(
            lambda: OtherReport([PROPERTY], "Scam listing."),
            {"propertyIds": [PROPERTY], "issueKind": "other", "comment": "Scam listing."},
            id="other",
        ),
    ],
)
def test_builders_make_the_documented_body(
    build: Callable[[], Report], body: dict[str, Any]
) -> None:
    report = build()
    assert report.to_body() == body
    assert REQUEST_SCHEMA.is_valid(body)


def test_builders_freeze_their_sequences() -> None:
    ids = [PROPERTY]
    report = DataReport(ids, ["price"])
    ids.append("not-a-uuid")
    assert report.property_ids == (PROPERTY,)
    assert hash(report) == hash(DataReport([PROPERTY], ("price",)))


@pytest.mark.parametrize(
    ("build", "rule_ids", "keys"),
    [
        pytest.param(
            lambda: DataReport([], ["price"]),
            {"property-ids-min-items"},
            {"propertyIds"},
            id="no-property",
        ),
        pytest.param(
            lambda: DataReport(PROPERTY, ["price"]),
            {"property-ids-array"},
            {"propertyIds"},
            id="property-ids-a-string",
        ),
        pytest.param(
            lambda: DataReport(["{" + PROPERTY + "}"], ["price"]),
            {"property-ids-uuid"},
            {"propertyIds.0"},
            id="braced-uuid",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY, "x"], ["price"]),
            {"property-ids-uuid"},
            {"propertyIds.1"},
            id="second-id-bad",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], ["price"], classified_ids=["x"]),
            {"classified-ids-uuid"},
            {"classifiedIds.0"},
            id="classified-bad",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], ["price"], classified_ids=PROPERTY),
            {"classified-ids-array"},
            {"classifiedIds"},
            id="classified-a-string",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], []),
            {"issue-facets-min-items"},
            {"issueFacets"},
            id="no-facet",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], ["Price"]),
            {"issue-facets-enum"},
            {"issueFacets.0"},
            id="facet-capitalised",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], "price"),
            {"issue-facets-array"},
            {"issueFacets"},
            id="facets-a-string",
        ),
        pytest.param(
            lambda: DataReport(
                [PROPERTY], ["price"], comment="x" * (CONTRACT.comment_max_length + 1)
            ),
            {"comment-max-length"},
            {"comment"},
            id="comment-too-long",
        ),
        pytest.param(
            lambda: DataReport([PROPERTY], ["price"], comment=3),  # type: ignore[arg-type]
            {"comment-string"},
            {"comment"},
            id="comment-not-string",
        ),
        pytest.param(
            lambda: ClusteringReport([PROPERTY], "merge"),
            {"clustering-requires-two-targets"},
            {"propertyIds"},
            id="one-target",
        ),
        pytest.param(
            lambda: ClusteringReport([PROPERTY, PROPERTY_2], "Merge"),
            {"clustering-action-enum"},
            {"clusteringAction"},
            id="action-capitalised",
        ),
        pytest.param(
            lambda: ClusteringReport([PROPERTY, PROPERTY_2], None),  # type: ignore[arg-type]
            {"clustering-requires-clustering-action"},
            {"clusteringAction"},
            id="action-none",
        ),
        pytest.param(
            lambda: OtherReport([PROPERTY], ""),
            {"other-requires-comment"},
            {"comment"},
            id="other-empty-comment",
        ),
        pytest.param(
            lambda: OtherReport([PROPERTY], "\u3000\ufeff\t"),
            {"other-requires-comment"},
            {"comment"},
            id="other-blank-comment",
        ),
        pytest.param(
            lambda: OtherReport(["x"], " "),
            {"property-ids-uuid", "other-requires-comment"},
            {"propertyIds.0", "comment"},
            id="two-rules-at-once",
        ),
    ],
)
def test_builders_refuse_rule_violations(
    build: Callable[[], Report], rule_ids: set[str], keys: set[str]
) -> None:
    with pytest.raises(ReportRuleError) as raised:
        build()
    assert set(raised.value.rule_ids) == rule_ids
    assert set(raised.value.errors) == keys
    for rule_id in rule_ids:
        assert rule_id in str(raised.value)
    for key in keys:
        assert key in str(raised.value)


def test_rule_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="property-ids-min-items"):
        OtherReport([], "x")
