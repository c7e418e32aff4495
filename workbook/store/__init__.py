"""The store: SQLAlchemy over SQLite (default) or PostgreSQL, migrated by Alembic."""

from .engine import head_revision, redact_url, sqlite_url, upgrade
from .store import ClientSummary, RecordNotFound, Store

__all__ = [
    "ClientSummary",
    "RecordNotFound",
    "Store",
    "head_revision",
    "redact_url",
    "sqlite_url",
    "upgrade",
]
