"""The model: record types, vocabularies and the one validator every entry point uses."""

from .records import (
    COLLECTIONS,
    Action,
    Attempt,
    Case,
    Checkin,
    Client,
    Consent,
    Idea,
    Interview,
    Permission,
    Plan,
    Record,
    Reflection,
    Story,
)
from .validate import check_references, check_rules, field_path, parse, validate_case

__all__ = [
    "COLLECTIONS",
    "Action",
    "Attempt",
    "Case",
    "Checkin",
    "Client",
    "Consent",
    "Idea",
    "Interview",
    "Permission",
    "Plan",
    "Record",
    "Reflection",
    "Story",
    "check_references",
    "check_rules",
    "field_path",
    "parse",
    "validate_case",
]
