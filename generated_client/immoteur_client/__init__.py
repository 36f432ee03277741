"""A client library for accessing Immoteur Public API - Issue reports"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
