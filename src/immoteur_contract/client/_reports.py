"""Report builders: one constructor per issue kind, whose parameters follow the documented rules.

`DataReport` has facets and no clustering action, `ClusteringReport` has an action, `OtherReport`
needs a comment: the rules that tie fields to a kind are met by the shape of the constructors.
The rules that depend on values (UUIDs, enums, lengths, blank comments, two clustering targets)
are checked by `rules.RULES`, the one implementation of the contract's rules, when a report is
built; a violation raises `ReportRuleError` naming the rule ids and field keys.

Ids may be `str` or `uuid.UUID`; facets and actions may be the generated enums or their values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from immoteur_client.models import ClusteringAction, IssueFacet

from ..rules import RULES
from ._errors import ReportRuleError

__all__ = [
    "ClusteringReport",
    "DataReport",
    "OtherReport",
    "Report",
    "check_body",
    "report_body",
]

Ids = Sequence[str | UUID]
"""Property or classified ids: strings or `uuid.UUID`s."""


def check_body(body: object) -> None:
    """Raise `ReportRuleError` when `body` breaks any rule of the contract."""
    violations = RULES.violations(body)
    if violations:
        raise ReportRuleError(violations)


def _frozen(report: object, *names: str) -> None:
    """Store list arguments as tuples (a lone string is kept, so the array rule names it)."""
    for name in names:
        value = getattr(report, name)
        if not isinstance(value, str):
            object.__setattr__(report, name, tuple(value))


def _json(value: Sequence[object] | str) -> object:
    """A sequence of ids or enum values as the JSON array to send."""
    if isinstance(value, str):
        return value
    return [_scalar(item) for item in value]


def _scalar(item: object) -> object:
    if isinstance(item, Enum):
        return item.value
    return str(item) if isinstance(item, UUID) else item


def _body(kind: str, report: DataReport | ClusteringReport | OtherReport) -> dict[str, Any]:
    body: dict[str, Any] = {"propertyIds": _json(report.property_ids), "issueKind": kind}
    if report.classified_ids:
        body["classifiedIds"] = _json(report.classified_ids)
    return body


@dataclass(frozen=True)
class DataReport:
    """Some facts of a listing are wrong: `facets` (at least one) name which parts."""

    property_ids: Ids
    facets: Sequence[IssueFacet | str]
    classified_ids: Ids = ()
    comment: str | None = None
    kind: ClassVar[str] = "data"

    def __post_init__(self) -> None:
        """Freeze the sequences and check the rules, so a bad report fails where it is built."""
        _frozen(self, "property_ids", "facets", "classified_ids")
        check_body(self.to_body())

    def to_body(self) -> dict[str, Any]:
        """The JSON request body of this report."""
        body = _body(self.kind, self)
        if self.comment is not None:
            body["comment"] = self.comment
        body["issueFacets"] = _json(self.facets)
        return body


@dataclass(frozen=True)
class ClusteringReport:
    """The targets are grouped wrongly: `action` (merge or split) says what should happen.

    At least two targets in all are needed, across `property_ids` and `classified_ids`.
    """

    property_ids: Ids
    action: ClusteringAction | str
    classified_ids: Ids = ()
    comment: str | None = None
    kind: ClassVar[str] = "clustering"

    def __post_init__(self) -> None:
        """Freeze the sequences and check the rules, so a bad report fails where it is built."""
        _frozen(self, "property_ids", "classified_ids")
        check_body(self.to_body())

    def to_body(self) -> dict[str, Any]:
        """The JSON request body of this report."""
        body = _body(self.kind, self)
        body["clusteringAction"] = _scalar(self.action)
        if self.comment is not None:
            body["comment"] = self.comment
        return body


@dataclass(frozen=True)
class OtherReport:
    """Anything else, explained in `comment` (required, not blank)."""

    property_ids: Ids
    comment: str
    classified_ids: Ids = ()
    kind: ClassVar[str] = "other"

    def __post_init__(self) -> None:
        """Freeze the sequences and check the rules, so a bad report fails where it is built."""
        _frozen(self, "property_ids", "classified_ids")
        check_body(self.to_body())

    def to_body(self) -> dict[str, Any]:
        """The JSON request body of this report."""
        body = _body(self.kind, self)
        body["comment"] = self.comment
        return body


Report = DataReport | ClusteringReport | OtherReport
"""Any report the builders make."""


def report_body(report: Report | Mapping[str, Any]) -> object:
    """The body to send: a report's, or a raw body as given (for fields the builders lack).

    A raw body is returned unchanged, so that `check_body` judges exactly what was passed (a
    list, for instance, breaks body-is-object).
    """
    if isinstance(report, DataReport | ClusteringReport | OtherReport):
        return report.to_body()
    return report
