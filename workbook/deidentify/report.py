"""What a de-identified copy replaced, by kind and count: never a value, nor the date offset.

The report is for the practitioner to check the copy before sharing it; it says what the tool
cannot see, so a person reads the copy once before it leaves the practice.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

ORDER = [
    "the client's name",
    "names of other people",
    "organisations",
    "other names",
    "street names",
    "street addresses",
    "house numbers",
    "postcodes",
    "e-mail addresses",
    "phone numbers",
    "links",
    "social media handles",
    "other identifying numbers",
    "dates of birth (generalised to the decade)",
    "dates in the text (moved)",
    "years in the text (moved)",
    "years in the text (generalised to the decade)",
    "record dates (moved)",
]
LIMITS = (
    "Read the copy once before sharing it. A name written only in lower case and nowhere with "
    "a capital or in a record's name field, a nickname, or a name opening a sentence and "
    "written nowhere else cannot be recognised; neither can a place described in words."
)


def report_path(copy: Path) -> Path:
    """Where the report of ``copy`` goes: beside it, ``NAME.report.txt``."""
    return copy.with_name(f"{copy.stem}.report.txt")


def _kinds(counts: Counter[str]) -> list[str]:
    return [k for k in ORDER if counts[k]] + sorted(k for k in counts if k not in ORDER)


def report_text(counts: Counter[str]) -> str:
    width = max((len(k) for k in _kinds(counts)), default=0)
    lines = [
        # the copy is named by its place, not its file name, which may hold the client's name
        "De-identification report for the copy written beside this file",
        "",
        "Replaced, by kind (how many times; the values themselves are never written here):",
        *(f"  {kind:<{width}}  {counts[kind]}" for kind in _kinds(counts)),
        "",
        "Every other date, in the records and in the text, moved by one offset that is not",
        "kept. Record ids were renumbered.",
        "",
        textwrap.fill(LIMITS, 90),
    ]
    if not _kinds(counts):
        lines[3:3] = ["  nothing"]
    return "\n".join(lines) + "\n"


def summary(counts: Counter[str]) -> str:
    """One line for the terminal."""
    total = sum(counts[k] for k in _kinds(counts) if k != "record dates (moved)")
    named = sum(
        counts[k]
        for k in ("the client's name", "names of other people", "other names", "organisations")
    )
    return (
        f"replaced {total} identifying details in the text ({named} names and organisations) "
        f"and moved {counts['record dates (moved)']} record dates"
    )
