"""Validation in one place: every entry point (importer, store edits, forms) goes through here.

Besides each record's own rules, a case obeys rules that span records: ids and references
(:func:`check_references`), and the rules of the method (:func:`check_rules`): nothing dated
before the client started, and nothing kept at all for a client who has not consented to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError

from ..errors import NOTHING, InvalidRecord
from .records import Case, Record

R = TypeVar("R", bound=Record)

_TYPE_WORDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "date_type": "must be a date written YYYY-MM-DD",
    "none_required": "must be empty",
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``('ideas', 2, 'fit')`` -> ``ideas[2].fit``. A key is kept as typed, so that its line
    can be found; a message shows its control characters as escapes (``errors._escaped``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _from_pydantic(error: dict[str, Any]) -> InvalidRecord:
    kind, loc = error["type"], tuple(error["loc"])
    # Mapping keys add a "[key]" step to loc; the key itself is already there.
    loc = tuple(p for p in loc if p != "[key]")
    value = error.get("input", NOTHING)
    if kind == "missing":
        return InvalidRecord(field_path(loc), NOTHING, "is required")
    if kind == "extra_forbidden":
        return InvalidRecord(field_path(loc), NOTHING, "is not a known key here")
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "")
        if loc == ("format",):
            return InvalidRecord("format", value, "is not a supported format version; use 1")
        return InvalidRecord(field_path(loc), value, f"must be one of {expected}")
    if value is None and (kind in _TYPE_WORDS or kind == "literal_error"):
        return InvalidRecord(field_path(loc), NOTHING, "is required")
    if kind == "workbook":
        return InvalidRecord(field_path(loc), value, error["msg"])
    if kind in _TYPE_WORDS:
        return InvalidRecord(field_path(loc), value, _TYPE_WORDS[kind])
    return InvalidRecord(field_path(loc), value, error["msg"][:1].lower() + error["msg"][1:])


def parse(model: type[R], data: Any, prefix: str = "", *, stored: bool = False) -> R:
    """Validate ``data`` as one record; raise the first problem as :class:`InvalidRecord`.
    ``stored``: records a database kept (text an older version allowed is taken as it is)."""
    try:
        return model.model_validate(data, context={"stored": True} if stored else None)
    except ValidationError as exc:
        first = _from_pydantic(exc.errors(include_url=False)[0])
        if prefix:
            first.path = f"{prefix}.{first.path}" if first.path else prefix
        raise first from None


def validate_case(data: Any, *, stored: bool = False) -> Case:
    """Validate a whole case: each record, then ids and references across records.

    ``stored``: a case a database kept, as a backup carries it. The rules an older version did
    not have yet (text limits, dates before the start) are not applied to it, as they are not
    when the store reads it: it is restored as it was, and its next edit is checked in full.
    """
    if not isinstance(data, dict):
        raise InvalidRecord("", type(data).__name__, "a case must be a mapping of keys to values")
    case = parse(Case, data, stored=stored)
    if not stored:
        check_rules(case)
    check_references(case)
    return case


# What a client who has not consented to records being kept may still hold: who they are.
IDENTITY = ("id", "name", "started", "consent")
NO_CONSENT = (
    "cannot be kept while the client has not consented to records being kept "
    "(client.consent.records is false)"
)


def check_rules(case: Case) -> None:
    """The method's rules across a case: consent first, then dates after the start date."""
    _consented(case)
    _not_before_start(case)


def _consented(case: Case) -> None:
    """Without consent to keep records, a case holds the client's identity and nothing else."""
    if case.client.consent.records:
        return
    for name, value in case.client:
        if name not in IDENTITY and value is not None:
            raise InvalidRecord(f"client.{name}", value, NO_CONSENT)
    for name in Case.model_fields:
        if name not in ("format", "client") and getattr(case, name):
            raise InvalidRecord(name, NOTHING, NO_CONSENT)


def dated_fields(case: Case) -> list[tuple[str, date | None]]:
    """Every date that cannot fall before the client's start date, by its field path."""
    actions = case.plan.actions if case.plan else []
    return [
        ("plan.target", case.plan.target if case.plan else None),
        *((f"plan.actions[{i}].due", a.due) for i, a in enumerate(actions)),
        *((f"checkins[{i}].date", k.date) for i, k in enumerate(case.checkins)),
        *((f"interviews[{i}].date", v.date) for i, v in enumerate(case.interviews)),
        *((f"ideas[{i}].added", idea.added) for i, idea in enumerate(case.ideas)),
    ]


def _not_before_start(case: Case) -> None:
    started = case.client.started
    for path, when in dated_fields(case):
        if when is not None and when < started:
            raise InvalidRecord(
                path, when, f"falls before the client's start date ({started.isoformat()})"
            )


def _unique(items: list[Any], collection: str, taken: dict[str, str]) -> set[str]:
    """Ids are unique across the whole case, so ``i1`` can name one record only."""
    ids: set[str] = set()
    for i, item in enumerate(items):
        if item.id in taken:
            raise InvalidRecord(
                f"{collection}[{i}].id", item.id, f"is already the id of {taken[item.id]}"
            )
        taken[item.id] = f"{collection}[{i}]"
        ids.add(item.id)
    return ids


def _refer_all(path: str, refs: list[str], known: set[str], kind: str) -> None:
    for j, ref in enumerate(refs):
        _refer(f"{path}[{j}]", ref, known, kind)
        if ref in refs[:j]:
            raise InvalidRecord(f"{path}[{j}]", ref, "is listed twice")


def _refer(path: str, ref: str, known: set[str], kind: str) -> None:
    if ref not in known:
        raise InvalidRecord(path, ref, f"names no {kind} in this case")


def check_references(case: Case) -> None:
    """Ids unique per record type; every reference names an id in the same case."""
    actions = case.plan.actions if case.plan else []
    taken: dict[str, str] = {}
    _unique(case.stories, "stories", taken)
    ideas = _unique(case.ideas, "ideas", taken)
    interviews = _unique(case.interviews, "interviews", taken)
    action_ids = _unique(actions, "plan.actions", taken)
    for i, interview in enumerate(case.interviews):
        if interview.referred_by is not None:
            path = f"interviews[{i}].referred_by"
            _refer(path, interview.referred_by, interviews, "interview")
            if interview.referred_by == interview.id:
                raise InvalidRecord(path, interview.referred_by, "an interview cannot refer itself")
        _refer_all(f"interviews[{i}].ideas", interview.ideas, ideas, "idea")
    for i, action in enumerate(actions):
        _refer_all(f"plan.actions[{i}].ideas", action.ideas, ideas, "idea")
    for i, checkin in enumerate(case.checkins):
        for ref in checkin.progress:
            _refer(f"checkins[{i}].progress.{ref}", ref, action_ids, "plan action")
    _no_referral_cycle(case)


def _no_referral_cycle(case: Case) -> None:
    referrer = {v.id: v.referred_by for v in case.interviews}
    for i, interview in enumerate(case.interviews):
        seen, current = {interview.id}, interview.referred_by
        while current is not None:
            if current in seen:
                raise InvalidRecord(
                    f"interviews[{i}].referred_by", interview.referred_by, "makes a referral loop"
                )
            seen.add(current)
            current = referrer.get(current)
