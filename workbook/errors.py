"""One exception hierarchy. Every message says what is wrong, where, and what to do."""

from __future__ import annotations

import re
from datetime import date
from typing import Any


class WorkbookError(Exception):
    """Base of every error the user may see; ``str()`` is the one line the CLI prints."""


class InvalidRecord(WorkbookError):
    """A value broke a rule of the case-file contract.

    ``path`` is the field path inside the case (``ideas[2].fit``), ``value`` the offending value
    and ``source`` the file it came from, when there is one.
    """

    def __init__(
        self,
        path: str,
        value: Any,
        message: str,
        source: str | None = None,
        line: int | None = None,
    ):
        self.path = path
        self.value = value
        self.message = message
        self.source = source
        self.line = line
        super().__init__(str(self))

    def located(self, source: str, line: int | None = None) -> InvalidRecord:
        return InvalidRecord(self.path, self.value, self.message, source, line or self.line)

    def __str__(self) -> str:
        where = self.source or "case"
        if self.line:
            where += f", line {self.line}"
        field = f"{_escaped(self.path)}: " if self.path else ""  # a key may hold a line break
        shown = "" if self.value is _NOTHING else f" (got {_show(self.value)})"
        return f"{where}: {field}{self.message}{shown}"


class CaseFileError(WorkbookError):
    """The file itself cannot be read as a case file (encoding, YAML syntax, size, aliases)."""


class ClientNotFound(WorkbookError):
    def __init__(self, client_id: str):
        self.client_id = client_id
        super().__init__(
            f"no client {client_id!r} in this practice; `workbook clients` lists the ones there are"
        )


class ClientExists(WorkbookError):
    def __init__(self, client_id: str, source: str | None = None):
        self.client_id = client_id
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}client.id: a client {client_id!r} is already in this practice; "
            "use --replace to overwrite it"
        )


class StoreError(WorkbookError):
    """The database cannot be opened or used."""


class _Nothing:
    def __repr__(self) -> str:  # pragma: no cover - only for debugging
        return "<nothing>"


_NOTHING: Any = _Nothing()
NOTHING = _NOTHING


def _escaped(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``), so it stays one line."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: repr(m.group())[1:-1], text)


def _show(value: Any, limit: int = 60) -> str:
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
