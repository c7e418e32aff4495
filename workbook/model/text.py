"""The rules every piece of typed text obeys, wherever it is typed: a case file, a form, the
client's own check-in, a roster.

Two lengths. A *line* (a name, a title, a person, a role, a skill or support tag) holds at most
:data:`SHORT` characters; a *free text* (a situation, a story, an idea, an action, a note, a
reflection's stage) at most :data:`LONG`, about eight printed pages, far more than a session
note needs, and small enough that the workbook's PDF still prints in seconds. The limits are
checked here, before any database sees the value, so SQLite and PostgreSQL refuse the same.

Line breaks and tabs are allowed in every field (a Windows ``\\r\\n`` or an old ``\\r`` is kept
as ``\\n``); every other control character (U+0000-U+001F, U+007F-U+009F) is refused, as is half
of a surrogate pair: PostgreSQL refuses NUL where SQLite keeps it, and a terminal obeys the
escapes that ``show`` would print. Right-to-left text, emoji and their joiners are ordinary text.

The one surprising choice: these rules apply to text coming *in*. Text read back from a
database (validation context ``{"stored": True}``) is taken as it is, so records made by an
older version with looser limits stay readable; the next save of that case names the field.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

SHORT = 200  # a line: a name, a title, a tag
LONG = 20_000  # a free text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("workbook", message)


def control_message(char: str) -> str:
    """The one message for a character no text may hold (the importer's YAML reader uses it)."""
    if "\ud800" <= char <= "\udfff":
        return f"holds U+{ord(char):04X}, half of a surrogate pair, which is not a character"
    return (
        f"holds a control character (U+{ord(char):04X}); "
        "only line breaks and tabs are allowed in text"
    )


def length_message(length: int, limit: int) -> str:
    return f"is too long: {length} characters, at most {limit}"


def problem(value: str, limit: int) -> str | None:
    """What is wrong with ``value`` (already normalised) as text of at most ``limit``."""
    bad = _CONTROL.search(value)
    if bad:
        return control_message(bad.group(0))
    if len(value) > limit:
        return length_message(len(value), limit)
    return None


def normalise(value: str) -> str:
    """Line breaks as ``\\n``, whatever the system that typed them."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def _stored(info: ValidationInfo | None) -> bool:
    return bool(info and isinstance(info.context, dict) and info.context.get("stored"))


def checker(limit: int, required: bool):
    """A validator for text of at most ``limit`` characters; ``required`` refuses blank text."""

    def check(value: str, info: ValidationInfo) -> str:
        value = normalise(value)
        if _stored(info):
            return value
        bad = _CONTROL.search(value)
        if bad:
            raise invalid(control_message(bad.group(0)))
        if required and not value.strip():
            raise invalid("must not be empty")
        if len(value) > limit:
            raise invalid(length_message(len(value), limit))
        return value

    return check


def no_control(value: Any, info: ValidationInfo) -> Any:
    """Before an id's own rule: a control character gets the same message as anywhere else."""
    if isinstance(value, str) and not _stored(info):
        bad = _CONTROL.search(value)
        if bad:
            raise invalid(control_message(bad.group(0)))
    return value
