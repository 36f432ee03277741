from enum import StrEnum


class IssueFacet(StrEnum):
    ATTRIBUTES = "attributes"
    CONTACT = "contact"
    DESCRIPTION = "description"
    LINK = "link"
    LOCATION = "location"
    MEDIA = "media"
    OTHER = "other"
    PRICE = "price"
    PUBLISHER = "publisher"
    STATUS = "status"

    def __str__(self) -> str:
        return str(self.value)
