from enum import StrEnum


class IssueKind(StrEnum):
    CLUSTERING = "clustering"
    DATA = "data"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)
