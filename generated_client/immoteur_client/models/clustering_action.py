from enum import StrEnum


class ClusteringAction(StrEnum):
    MERGE = "merge"
    SPLIT = "split"

    def __str__(self) -> str:
        return str(self.value)
