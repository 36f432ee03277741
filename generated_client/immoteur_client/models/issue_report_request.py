from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.clustering_action import ClusteringAction
from ..models.issue_facet import IssueFacet
from ..models.issue_kind import IssueKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="IssueReportRequest")


@_attrs_define
class IssueReportRequest:
    """Public issue-report request. issueKind controls the conditional rules:
    data requires at least one issueFacets value and cannot set clusteringAction;
    clustering requires clusteringAction and at least two explicit targets across
    propertyIds and classifiedIds; other requires a non-blank comment and cannot
    set issueFacets or clusteringAction. Provide at least one target overall
    through propertyIds or classifiedIds (always met, D1). Unknown extra fields
    are allowed (D8).

        Attributes:
            property_ids (list[UUID]): Explicit property targets identified by UUID (D1, D2, D7).
            issue_kind (IssueKind): What the report is about; controls the conditional rules.
            classified_ids (list[UUID] | Unset): Explicit classified targets identified by UUID; may be empty, not null (D2,
                D7, D9).
            clustering_action (ClusteringAction | None | Unset): Required when issueKind is clustering; null means absent
                (D3).
            comment (str | Unset): Optional details for data, required details for other, and optional
                details for clustering. At most 4000 Unicode code points (D6); not null (D9).
            issue_facets (list[IssueFacet] | Unset): Required when issueKind is data; must be absent for other (D4).
    """

    property_ids: list[UUID]
    issue_kind: IssueKind
    classified_ids: list[UUID] | Unset = UNSET
    clustering_action: ClusteringAction | None | Unset = UNSET
    comment: str | Unset = UNSET
    issue_facets: list[IssueFacet] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        property_ids = []
        for property_ids_item_data in self.property_ids:
            property_ids_item = str(property_ids_item_data)
            property_ids.append(property_ids_item)

        issue_kind = self.issue_kind.value

        classified_ids: list[str] | Unset = UNSET
        if not isinstance(self.classified_ids, Unset):
            classified_ids = []
            for classified_ids_item_data in self.classified_ids:
                classified_ids_item = str(classified_ids_item_data)
                classified_ids.append(classified_ids_item)

        clustering_action: None | str | Unset
        if isinstance(self.clustering_action, Unset):
            clustering_action = UNSET
        elif isinstance(self.clustering_action, ClusteringAction):
            clustering_action = self.clustering_action.value
        else:
            clustering_action = self.clustering_action

        comment = self.comment

        issue_facets: list[str] | Unset = UNSET
        if not isinstance(self.issue_facets, Unset):
            issue_facets = []
            for issue_facets_item_data in self.issue_facets:
                issue_facets_item = issue_facets_item_data.value
                issue_facets.append(issue_facets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "propertyIds": property_ids,
                "issueKind": issue_kind,
            }
        )
        if classified_ids is not UNSET:
            field_dict["classifiedIds"] = classified_ids
        if clustering_action is not UNSET:
            field_dict["clusteringAction"] = clustering_action
        if comment is not UNSET:
            field_dict["comment"] = comment
        if issue_facets is not UNSET:
            field_dict["issueFacets"] = issue_facets

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        property_ids = []
        _property_ids = d.pop("propertyIds")
        for property_ids_item_data in _property_ids:
            property_ids_item = UUID(property_ids_item_data)

            property_ids.append(property_ids_item)

        issue_kind = IssueKind(d.pop("issueKind"))

        _classified_ids = d.pop("classifiedIds", UNSET)
        classified_ids: list[UUID] | Unset = UNSET
        if _classified_ids is not UNSET:
            classified_ids = []
            for classified_ids_item_data in _classified_ids:
                classified_ids_item = UUID(classified_ids_item_data)

                classified_ids.append(classified_ids_item)

        def _parse_clustering_action(data: object) -> ClusteringAction | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                clustering_action_type_0 = ClusteringAction(data)

                return clustering_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClusteringAction | None | Unset, data)

        clustering_action = _parse_clustering_action(d.pop("clusteringAction", UNSET))

        comment = d.pop("comment", UNSET)

        _issue_facets = d.pop("issueFacets", UNSET)
        issue_facets: list[IssueFacet] | Unset = UNSET
        if _issue_facets is not UNSET:
            issue_facets = []
            for issue_facets_item_data in _issue_facets:
                issue_facets_item = IssueFacet(issue_facets_item_data)

                issue_facets.append(issue_facets_item)

        issue_report_request = cls(
            property_ids=property_ids,
            issue_kind=issue_kind,
            classified_ids=classified_ids,
            clustering_action=clustering_action,
            comment=comment,
            issue_facets=issue_facets,
        )

        issue_report_request.additional_properties = d
        return issue_report_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
