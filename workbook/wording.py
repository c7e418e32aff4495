"""How a client's workbook words its values: one date style, statuses as words, and client text
escaped for HTML (:func:`esc`, the one way client text reaches a page).

The store keeps the contract's short codes (``todo``, ``2026-10-09``); a reader should meet
words ("to do", "9 October 2026"). Every table, sentence and chart of the workbook goes
through these functions, so a date or a status reads the same wherever it appears.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

ACTION_STATUS = {"todo": "to do", "doing": "doing", "done": "done", "dropped": "dropped"}
IDEA_STATUS = {
    "open": "open",
    "shortlisted": "shortlisted",
    "chosen": "chosen",
    "dropped": "dropped",
}
OWNER = {"client": "client", "practitioner": "practitioner", "shared": "shared"}
MISSING = "—"
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def day(value: Any, sep: str = " ") -> str:
    """``9 October 2026`` (``sep`` between month and year: a line break on chart ticks);
    a dash for a missing date (None or pandas' NaT)."""
    # pandas' NaT is a datetime that differs from itself (pandas is not imported here: the
    # client app's pages use these words without it)
    if value is None or not isinstance(value, date) or value != value:
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {value:%B}{sep}{value.year}"


def esc(value: Any) -> str:
    """Client text for HTML: escaped, and isolated so right-to-left text keeps its order."""
    if value is None or value == "":
        return f'<span class="wb-muted">{MISSING}</span>'
    return f'<bdi dir="auto">{html.escape(str(value))}</bdi>'


def action_status(code: Any) -> str:
    return ACTION_STATUS.get(str(code), str(code))


def idea_status(code: Any) -> str:
    return IDEA_STATUS.get(str(code), str(code))


def owner(code: Any) -> str:
    return OWNER.get(str(code), str(code))


def dates_in(text: str) -> str:
    """``text`` with each ISO date in it (as messages from the checks give them) worded."""

    def word(match: re.Match) -> str:
        try:
            return day(date.fromisoformat(match.group(0)))
        except ValueError:
            return match.group(0)

    return ISO_DATE.sub(word, text)
