"""A de-identified copy of a case, for supervision.

Everything that could identify the client or anyone named in the records is replaced: names
(the client's, interview contacts', and every name written in the text, in any form) and
organisations become consistent placeholders; links, e-mail addresses, handles and phone
numbers become placeholders too; street addresses, house numbers, postcodes and long numbers
are removed. Dates, in the records and written in the text, move by one secret offset, so the
intervals between them stay true; a date of birth is generalised to its decade. Record ids are
renumbered (an id may hold a name). The copy is refused unless the client consented.

Two passes over the case: the first learns every name (a name written capitalised in one field
is then found in lower case in another), the second replaces. What was replaced is counted by
kind, never recorded by value, for the report written beside the copy.

Detection leans on two well-kept libraries that need nothing downloaded at run time:
``phonenumbers`` (Google's libphonenumber rules) for phone numbers, ``dateparser`` to read
dates written in words. Presidio was weighed and left out: its recognisers need a spaCy model,
and spaCy's models are published outside PyPI (only unofficial re-uploads are there);
scrubadub pins a textblob of 2019 and pulls scikit-learn, for detectors that are regular
expressions and ``phonenumbers`` again. The names of the case are known to the case itself,
which no general detector is: those rules stay here.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import date, timedelta
from typing import Any

from ..errors import InvalidRecord, WorkbookError
from ..model import Case, validate_case
from .contacts import Contacts, id_numbers, long_numbers, named_streets, places
from .dates import Dates
from .names import Register, fold, letters
from .spans import Span, choose, mask, rebuild

# Keys whose values are enumerations or ids, not free text ("ideas" holds records at the top,
# where their texts are walked, and ids in interviews and actions, renumbered already).
NOT_TEXT = {"id", "source", "status", "owner", "life_role", "model", "format", "by"}
NOT_TEXT |= {"referred_by", "ideas"}
RECORD_DATES = "record dates (moved)"


class NotConsented(WorkbookError):
    pass


def deidentify(case: Case, shift_days: int | None = None) -> Case:
    """A de-identified copy of ``case``; refused without consent to share."""
    return deidentify_with_counts(case, shift_days)[0]


def deidentify_with_counts(case: Case, shift_days: int | None = None) -> tuple[Case, Counter[str]]:
    """The copy, and how many things of each kind were replaced (kinds only, no values)."""
    if not case.client.consent.share_deidentified:
        raise NotConsented(
            f"{case.client.id}: the client has not consented to a de-identified copy being "
            "shared (client.consent.share_deidentified is false); record their consent first"
        )
    if shift_days is None:
        shift_days = -(30 + secrets.randbelow(335))  # one secret offset, never stored
    data = case.model_dump(mode="python")
    _renumber(data)
    scrubber = Scrubber(case, timedelta(days=shift_days))
    scrubber.learn(list(_texts(data, "")))
    out = scrubber.walk(data, "")
    out["client"]["id"] = "deidentified"
    out["client"]["name"] = "The client"
    return _fitted(out, scrubber.counts), scrubber.counts


SHORTENED = "texts shortened to fit (placeholders are longer than the names they replace)"
_TOO_LONG = re.compile(r"^is too long: \d+ characters, at most (\d+)$")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _fitted(data: dict[str, Any], counts: Counter[str]) -> Case:
    """The copy validated; a text its placeholders made longer than its field allows is cut
    to fit, ending in an ellipsis (cutting only ever removes text), and counted."""
    for _ in range(10_000):  # each pass cuts one field: at most every text of the case
        try:
            return validate_case(data)
        except InvalidRecord as exc:
            limit = _TOO_LONG.match(exc.message)
            if not limit or not isinstance(exc.value, str):
                raise
            _put(data, exc.path, exc.value[: int(limit.group(1)) - 1].rstrip() + "…")
            counts[SHORTENED] += 1
    raise WorkbookError("the de-identified copy could not be made to fit its fields")


def _put(data: Any, path: str, value: str) -> None:
    steps = [name or int(index) for name, index in _STEP.findall(path)]
    for step in steps[:-1]:
        data = data[step]
    data[steps[-1]] = value


class Scrubber:
    """Learns the names of one case, then replaces what identifies anyone in its texts."""

    def __init__(self, case: Case, shift: timedelta) -> None:
        self.shift = shift
        self.counts: Counter[str] = Counter()
        self.register = Register()
        self.register.client(case.client.name, case.client.id)
        for v in case.interviews:
            self.register.person(v.person)
        for v in case.interviews:
            if v.organisation:
                self.register.organisation(v.organisation)
        self._placeholders: dict[tuple[str, str], str] = {}
        self._numbers: Counter[str] = Counter()
        dates = sorted(_record_dates(case.model_dump(mode="python")))
        middle = dates[len(dates) // 2] if dates else case.client.started
        self.dates = Dates(shift, middle, range(dates[0].year, dates[-1].year + 1))
        contacts = Contacts(self._placeholder)
        self.patterns = [
            contacts.links_and_emails,
            self.dates.full,
            places,
            id_numbers,
            contacts.phones,
            self.dates.years_alone,
            long_numbers,
        ]

    def _placeholder(self, value: str, label: str) -> str:
        key = (label, fold(value))
        if key not in self._placeholders:
            self._numbers[label] += 1
            self._placeholders[key] = f"{label} {letters(self._numbers[label])}"
        return self._placeholders[key]

    def learn(self, texts: list[str]) -> None:
        masked = [mask(t, choose(t, self.patterns)) for t in texts]
        for text in masked:
            for start, end in named_streets(text):
                self.register.street(text[start:end].rstrip("."))
        self.register.discover(masked)

    def scrub(self, text: str) -> str:
        spans: list[Span] = choose(text, [*self.patterns, self.register.spans])
        self.counts.update(s.kind for s in spans)
        return rebuild(text, spans)

    def walk(self, value: Any, key: str) -> Any:
        if isinstance(value, dict):
            return {k: self.walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, key) for v in value]
        if isinstance(value, date):
            self.counts[RECORD_DATES] += 1
            return value + self.shift
        if isinstance(value, str) and key not in NOT_TEXT:
            return self.scrub(value)
        return value


def _texts(value: Any, key: str):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v, key)
    elif isinstance(value, str) and key not in NOT_TEXT:
        yield value


def _record_dates(value: Any):
    if isinstance(value, dict):
        for v in value.values():
            yield from _record_dates(v)
    elif isinstance(value, list):
        for v in value:
            yield from _record_dates(v)
    elif isinstance(value, date):
        yield value


def _renumber(data: dict) -> None:
    """Ids become s1, i1, v1, a1... in record order (an id such as "call-doreen" names
    someone); every reference follows its record."""
    plan = data.get("plan") or {}
    groups = {
        "s": data["stories"],
        "i": data["ideas"],
        "v": data["interviews"],
        "a": plan.get("actions", []),
    }
    new: dict[str, dict[str, str]] = {}
    for prefix, records in groups.items():
        new[prefix] = {r["id"]: f"{prefix}{n}" for n, r in enumerate(records, 1)}
        for r in records:
            r["id"] = new[prefix][r["id"]]
    for v in data["interviews"]:
        v["ideas"] = [new["i"][i] for i in v["ideas"]]
        if v.get("referred_by"):
            v["referred_by"] = new["v"][v["referred_by"]]
    for a in groups["a"]:
        a["ideas"] = [new["i"][i] for i in a["ideas"]]
    for k in data["checkins"]:
        k["progress"] = {new["a"][a]: p for a, p in k["progress"].items()}
