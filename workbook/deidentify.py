"""A de-identified copy of a case, for supervision.

Names (the client's, interview contacts' and other names found in the text), organisations,
e-mail addresses and phone numbers become consistent placeholders: the same person keeps the
same placeholder throughout. Dates move by one secret offset, so intervals between them stay
true. The copy is refused unless the client consented to de-identified sharing.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

from .errors import WorkbookError
from .model import Case, validate_case
from .model.vocab import SKILLS_FOR_SUCCESS

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(?:\+?\d[\d ().-]{6,}\d)(?!\w)")
# Capitalised words that are not names (sentence starts are skipped separately).
COMMON = {
    "i",
    "a",
    "an",
    "the",
    "she",
    "he",
    "they",
    "her",
    "his",
    "their",
    "we",
    "you",
    "it",
    "my",
    "our",
    "this",
    "that",
    "these",
    "those",
    "and",
    "or",
    "but",
    "if",
    "when",
    "by",
    "for",
    "in",
    "on",
    "at",
    "to",
    "of",
    "with",
    "no",
    "not",
    "both",
    "one",
    "two",
    "three",
    "four",
    "five",
    "hr",
    "ok",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "step",
    "gibbs",
    "driscoll",
    "kolb",
    "smart",
    *(w.lower() for s in SKILLS_FOR_SUCCESS for w in s.split()),
}
CAPITALISED = re.compile(
    r"(?<![\w@.])([A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|de|van|von|la)"
    r")*(?:\s+[A-Z][\w'’-]*)?)"
)
_FREE_TEXT_SKIP = {"id", "source", "status", "owner", "life_role", "model", "format"}


class NotConsented(WorkbookError):
    pass


class Placeholders:
    """Hands out placeholders, the same one every time for the same name."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def get(self, text: str, kind: str) -> str:
        key = " ".join(text.lower().split())
        if key not in self.known:
            n = self.counts[kind] = self.counts.get(kind, 0) + 1
            self.known[key] = f"{kind} {_letters(n)}"
        return self.known[key]

    def alias(self, text: str, same_as: str) -> None:
        """``text`` (a first name, say) stands for the same one as ``same_as``."""
        self.known.setdefault(" ".join(text.lower().split()), same_as)


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _seed(case: Case, ph: Placeholders) -> None:
    client = case.client.name
    ph.known[" ".join(client.lower().split())] = "the client"
    for part in [*client.split(), case.client.id]:
        if len(part) > 2:
            ph.alias(part, "the client")
    for v in case.interviews:
        person = ph.get(v.person, "Person")
        for part in v.person.split():
            if len(part) > 2:
                ph.alias(part, person)
        if v.organisation:
            ph.get(v.organisation, "Organisation")


def _scrub(text: str, ph: Placeholders) -> str:
    text = EMAIL.sub(lambda m: ph.get(m.group(), "email"), text)
    text = PHONE.sub(lambda m: _phone(m.group(), ph), text)
    for name in sorted(ph.known, key=len, reverse=True):  # longest first: full names, then parts
        if ph.known[name].startswith(("email", "phone")):
            continue
        text = re.sub(
            rf"(?<![\w@]){re.escape(name)}(?:'s|’s)?(?!\w)",
            lambda m, n=name: ph.known[n] + (m.group()[len(n) :] or ""),
            text,
            flags=re.IGNORECASE,
        )
    return CAPITALISED.sub(lambda m: _other_name(m, text, ph), text)


def _phone(found: str, ph: Placeholders) -> str:
    """A run of digits that is a phone number (seven digits or more, not a date)."""
    if sum(c.isdigit() for c in found) < 7 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", found):
        return found
    return ph.get(found, "phone")


def _other_name(match: re.Match, text: str, ph: Placeholders) -> str:
    words = match.group(1)
    if re.match(r"(Person|Organisation|Name) [A-Z]+\b", words):
        return words  # a placeholder already
    before = text[: match.start()].rstrip()
    sentence_start = not before or before[-1] in '.!?:;\n"“(' or before.endswith("-")
    first, *rest = words.split()
    if first.lower() in COMMON or (sentence_start and not rest):
        return words
    if sentence_start and rest:  # "Marcus agreed": keep checking the words after the first
        tail = " ".join(rest)
        if tail.split()[0].lower() in COMMON or tail[0].islower():
            return words
        return first + " " + ph.get(tail, "Name")
    return ph.get(words, "Name")


def _walk(value: Any, key: str, ph: Placeholders, shift: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, k, ph, shift) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, key, ph, shift) for v in value]
    if isinstance(value, date):
        return value + shift
    if isinstance(value, str) and key not in _FREE_TEXT_SKIP:
        return _scrub(value, ph)
    return value


def deidentify(case: Case, shift_days: int | None = None) -> Case:
    """A de-identified copy of ``case``; refused without consent to share."""
    if not case.client.consent.share_deidentified:
        raise NotConsented(
            f"{case.client.id}: the client has not consented to a de-identified copy being "
            "shared (client.consent.share_deidentified is false); record their consent first"
        )
    if shift_days is None:
        shift_days = -(30 + secrets.randbelow(335))  # one secret offset, never stored
    ph = Placeholders()
    _seed(case, ph)
    data = case.model_dump(mode="python")
    out = _walk(data, "", ph, timedelta(days=shift_days))
    out["client"]["id"] = "deidentified"
    out["client"]["name"] = "The client"
    return validate_case(out)
