"""Dates written in free text, moved by the same offset as the record dates.

Each date keeps the way it was written ("9 October 2026", "Oct 9th", "09/10/2026",
"2026-10-09", "Friday 9 October"), with its parts replaced by the moved date's (the weekday
recomputed). ``dateparser`` reads the written forms (month names, abbreviations, ordinals); the
patterns here only find where a date is and remember its shape, so it can be written back alike.

A date of birth is not moved but generalised to its decade (moving it by a few months would
keep it nearly exact). A year written alone moves with the offset when it falls within the
case's own years; an older year, far from the records, becomes its decade.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date, timedelta

import dateparser
import dateparser.date

from .spans import Span

MONTH = (  # full names first; an abbreviation may end with a full stop
    r"(?P<m>january|february|march|april|may|june|july|august|september|october|november|"
    r"december|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?)"
)
WEEKDAY = r"(?:(?P<wd>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?)\.?,?\s+)?"
DAY = r"(?P<d>[0-3]?\d)(?P<o>st|nd|rd|th)?"
YEAR = r"(?P<y>(?:19|20)\d{2}|'\d{2})"
NAMED = [  # most complete first: a pattern that claims text keeps it
    rf"{WEEKDAY}(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH},?\s+{YEAR}",
    rf"{WEEKDAY}{MONTH}\s+(?:the\s+)?{DAY},?\s+{YEAR}",
    rf"{MONTH},?\s+{YEAR}",
    rf"{WEEKDAY}(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH}",
    rf"{WEEKDAY}{MONTH}\s+(?:the\s+)?{DAY}",
]
NAMED_RE = [re.compile(rf"(?i)(?<![\w']){p}(?![\w'])") for p in NAMED]
ISO = re.compile(r"(?<![\d/.-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d])")
NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\d/-]|\.\d)"
)
YEAR_ALONE = re.compile(r"(?<![\w$£€.,/-])(?P<y>(?:19|20)\d{2})(?![\w%-]|[.,/]\d)")
BIRTH = re.compile(
    r"(?i)\b(?:born|b\.|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|year\s+of\s+birth)"
    r"\W*(?:[\w']+\W+){0,3}$"  # up to three words between: "DOB on file: 14 March 1989"
)
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Dates:
    """Finds dates in a text and writes each one moved by ``shift``."""

    def __init__(self, shift: timedelta, reference: date, years: range) -> None:
        self.shift = shift
        self.reference = reference  # where a date without a year most likely falls
        self.years = years  # the case's own years: a year alone among them moves

    def full(self, text: str) -> Iterator[Span]:
        """Dates with at least a day or a month: moved, or generalised if a date of birth."""
        for m in ISO.finditer(text):
            yield from self._numeric(text, m, int(m["y"]), int(m["m"]), int(m["d"]))
        for m in NUMERIC.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            day, month = (b, a) if a <= 12 < b else (a, b)  # day first unless it cannot be
            year = _full_year(m["y"], self.reference)
            yield from self._numeric(text, m, year, month, day)
        for pattern in NAMED_RE:
            for m in pattern.finditer(text):
                yield from self._named(text, m)

    def years_alone(self, text: str) -> Iterator[Span]:
        for m in YEAR_ALONE.finditer(text):
            year = int(m["y"])
            if _birth(text, m.start()):
                before = text[: m.start()].rstrip().lower()
                decade = f"the {year // 10 * 10}s"
                yield Span(
                    m.start(),
                    m.end(),
                    "dates of birth (generalised to the decade)",
                    ("in " if before.endswith("born") else "") + decade,
                )
            elif year in self.years:
                moved = (date(year, 7, 1) + self.shift).year
                yield Span(m.start(), m.end(), "years in the text (moved)", str(moved))
            else:
                yield Span(
                    m.start(), m.end(), "years in the text (generalised to the decade)",
                    f"the {year // 10 * 10}s",
                )  # fmt: skip

    def _numeric(self, text: str, m: re.Match, year: int, month: int, day: int) -> Iterator[Span]:
        try:
            when = date(year, month, day)
        except ValueError:
            return  # not a date ("31/31/2026"): left for the number detectors
        if _birth(text, m.start()):
            yield _birth_span(m, when)
            return
        new = when + self.shift
        if m.re is ISO:
            written = f"{new.year:04d}{m['s']}{new.month:02d}{m['s']}{new.day:02d}"
        else:
            pad = m["a"].startswith("0") or m["b"].startswith("0")  # "09/10": "30/08"
            first, second = (
                (new.day, new.month)
                if (day, month) == (int(m["a"]), int(m["b"]))
                else (new.month, new.day)
            )
            y = f"{new.year % 100:02d}" if len(m["y"]) == 2 else str(new.year)
            fmt = "{:02d}" if pad else "{}"
            written = f"{fmt.format(first)}{m['s']}{fmt.format(second)}{m['s']}{y}"
        yield Span(m.start(), m.end(), "dates in the text (moved)", written)

    def _named(self, text: str, m: re.Match) -> Iterator[Span]:
        groups = m.groupdict()
        when = self._read(groups)
        if when is None:
            return
        if _birth(text, m.start()):
            yield _birth_span(m, when)
            return
        new = when + self.shift
        short_year = (groups.get("y") or "").startswith("'")
        parts = {
            "m": _month(new.month, groups["m"]),
            "d": f"{new.day:02d}" if (groups.get("d") or "")[:1] == "0" else str(new.day),
            "o": _ordinal(new.day),
            "y": f"'{new.year % 100:02d}" if short_year else str(new.year),
            "wd": _weekday(new, groups.get("wd") or ""),
        }
        written = m.group()
        for name in sorted(
            (g for g in parts if groups.get(g)), key=lambda g: m.start(g), reverse=True
        ):
            at, end = m.start(name) - m.start(), m.end(name) - m.start()
            written = written[:at] + _like(parts[name], groups[name]) + written[end:]
        yield Span(m.start(), m.end(), "dates in the text (moved)", written)

    def _read(self, groups: dict) -> date | None:
        """The date the parts stand for, read by dateparser; a missing year is the one that
        puts it nearest the case, a missing day is the middle of the month."""
        day, month, year = groups.get("d") or "15", groups["m"], groups.get("y")
        if year:
            years = [_full_year(year.lstrip("'"), self.reference)]
        else:
            years = [self.reference.year + k for k in (-1, 0, 1)]
        found = [d for y in years if (d := _parse(f"{day} {month.lower()} {y}"))]
        return min(found, key=lambda d: abs((d - self.reference).days), default=None)


@functools.cache
def _parser() -> dateparser.date.DateDataParser:
    return dateparser.date.DateDataParser(languages=["en"], settings={"DATE_ORDER": "DMY"})


@functools.cache
def _parse(written: str) -> date | None:
    parsed = _parser().get_date_data(written).date_obj
    return parsed.date() if parsed else None


def _birth(text: str, at: int) -> bool:
    return bool(BIRTH.search(text[max(0, at - 40) : at]))


def _birth_span(m: re.Match, when: date) -> Span:
    """A date of birth becomes its decade; without a year ("birthday 4th March"), nothing."""
    year = m.groupdict().get("y")
    written = f"[a date in the {when.year // 10 * 10}s]" if year else "[a date of birth]"
    return Span(m.start(), m.end(), "dates of birth (generalised to the decade)", written)


def _full_year(written: str, reference: date) -> int:
    """ "90" is 1990 and "26" 2026: a two-digit year is the one not far after the case."""
    if len(written) == 4:
        return int(written)
    year = 2000 + int(written)
    return year - 100 if year > reference.year + 10 else year


def _month(month: int, written: str) -> str:
    name = MONTHS[month - 1]
    if len(written.rstrip(".")) <= 4 and written.lower().rstrip(".") not in ("june", "july"):
        name = name[:3] + ("." if written.endswith(".") else "")
    return name


def _weekday(day: date, written: str) -> str:
    name = WEEKDAYS[day.weekday()]
    return name if len(written) > 3 and written.lower().endswith("day") else name[:3]


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _like(new: str, old: str) -> str:
    """``new`` in the letter case of ``old`` ("OCT" -> "AUG", "oct" -> "aug")."""
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].islower():
        return new.lower()
    return new
