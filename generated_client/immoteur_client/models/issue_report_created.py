from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IssueReportCreated")


@_attrs_define
class IssueReportCreated:
    """The stored report (D10). Extra fields may be added.

    Attributes:
        created_at (datetime.datetime): Timestamp when the issue report was created, RFC 3339 with an offset.
        report_id (UUID): A UUID in the hyphenated 8-4-4-4-12 hex form, either case, any version or
            variant, nil included (D7). The length bounds keep engines whose `$` also
            matches before a final newline exact.
    """

    created_at: datetime.datetime
    report_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        report_id = str(self.report_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "reportId": report_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        report_id = UUID(d.pop("reportId"))

        issue_report_created = cls(
            created_at=created_at,
            report_id=report_id,
        )

        issue_report_created.additional_properties = d
        return issue_report_created

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
