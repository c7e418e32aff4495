"""What the forms do, as plain functions (no widgets): testable on their own.

A form gathers *values* (what its fields hold: text, dates, numbers, lists); these functions turn
them into a record, apply the method's rules, save through the store and say what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import ClientExists, InvalidRecord, WorkbookError
from ..model import Case, Checkin
from ..model.vocab import SKILLS_FOR_SUCCESS
from ..sample import sample_case
from ..store import Store
from . import messages
from .messages import record_name

ID_PREFIX = {"stories": "s", "ideas": "i", "interviews": "v", "actions": "a"}


@dataclass(frozen=True)
class Outcome:
    """The result of a save or delete: ``field`` names the field to show ``message`` beside."""

    ok: bool
    message: str
    field: str | None = None
    key: str | int | None = None


NO_CLIENT = Outcome(
    False, "Choose or create a client first, in the start-here notebook; nothing was saved."
)


def items(case: Case, kind: str) -> list[Any]:
    if kind == "actions":
        return case.plan.actions if case.plan else []
    return list(getattr(case, kind))


def next_id(case: Case, kind: str) -> str:
    """The next free id for a record of ``kind``: s5 after s1..s4, unique in the whole case."""
    prefix = ID_PREFIX[kind]
    taken = {r.id for k in ID_PREFIX for r in items(case, k)}
    n = 1 + max(
        (int(m[1]) for r in items(case, kind) if (m := re.fullmatch(rf"{prefix}(\d+)", r.id))),
        default=0,
    )
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form values -> record data: text trimmed, empty optional fields left out."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None, [], {}):
            continue
        data[name] = value
    return data


def split_tags(text: str) -> list[str]:
    """``"a, b\\nc"`` -> ``["a", "b", "c"]``: free tags typed one per line or comma-separated."""
    return [t.strip() for t in re.split(r"[,\n]", text or "") if t.strip()]


def field_of(path: str) -> str:
    """The form field an error path points at: ``stories[4].title`` or ``ideas.fit`` -> title/fit.

    ``checkins[0].progress.a1`` -> ``progress``; ``reflections.entries`` -> ``entries``.
    """
    parts = [p for p in re.split(r"\.|\[\d+\]", path) if p]
    if parts and parts[0] == "plan":
        parts = parts[1:]
    if parts[:2] == ["client", "consent"]:
        parts = parts[1:]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "")


def practitioner_ideas_blocked(case: Case) -> str | None:
    """Why the practitioner may not add ideas yet, or None when the client has said yes."""
    p = case.permission
    if p is None or p.asked is None:
        return (
            "Ask the client first whether they would like to hear your ideas, and record the "
            "answer in step 1. Until then the list holds only the client's own ideas."
        )
    if not p.granted:
        return (
            "The client has not (yet) agreed to hear your ideas; keep to theirs, or ask again "
            "and record the new answer in step 1."
        )
    return None


def check_method(case: Case, kind: str, data: dict[str, Any]) -> Outcome | None:
    """Rules of the method that a form enforces on top of the record rules."""
    if kind == "ideas" and data.get("source") == "practitioner":
        reason = practitioner_ideas_blocked(case)
        if reason:
            return Outcome(False, reason, "source")
    return None


def save_record(
    store: Store,
    client: str,
    kind: str,
    values: dict[str, Any],
    key: str | int | None = None,
    loaded: dict[str, Any] | None = None,
) -> Outcome:
    """Add (``key`` None) or replace a record from form values; nothing is saved if invalid.

    ``loaded`` is the record as the form loaded it: a record kept by its place in the list (a
    check-in, an attempt, a reflection) is replaced only if that place still holds it.
    """
    data = clean_values(values)
    try:
        case = store.load(client)
        records = items(case, kind)
        index = len(records) if key is None else _place(records, kind, key, loaded)
        pending = (kind, index, data)
        refused = check_method(case, kind, data)
        if refused:
            return refused
        record = (
            store.add(client, kind, data)
            if key is None
            else store.update(client, kind, key if isinstance(key, str) else index, data)
        )
    except InvalidRecord as exc:
        return _refused(exc, case, pending)
    except WorkbookError as exc:
        return Outcome(False, messages.plain(exc))
    name = record_name(kind, record, index)
    new_key = getattr(record, "id", None)
    return Outcome(
        True,
        f"Saved {name}." if key is None else f"Saved changes to {name}.",
        key=index if new_key is None else new_key,
    )


def delete_record(
    store: Store, client: str, kind: str, key: str | int, loaded: dict[str, Any] | None = None
) -> Outcome:
    """Delete one record; refused, with the record that still uses it, while another names it."""
    try:
        case = store.load(client)
        index = _place(items(case, kind), kind, key, loaded)
        name = record_name(kind, items(case, kind)[index], index)
        store.remove(client, kind, index)
    except InvalidRecord as exc:
        if "names no" not in exc.message:
            return _refused(exc, case)
        after = case.model_copy(deep=True)
        del (after.plan.actions if kind == "actions" else getattr(after, kind))[index]
        user = messages.whose(exc.path, after)[0]
        words = messages.field_words(exc.path)
        return Outcome(
            False,
            f"{messages.cap(name)} is still used by {user[:1].lower()}{user[1:]}"
            f" ({words}); change that first.",
        )
    except WorkbookError as exc:
        return Outcome(False, messages.plain(exc))
    return Outcome(True, f"Deleted {name}.")


class Gone(WorkbookError):
    """The record a form loaded is no longer where it was: changed or deleted elsewhere."""


def _place(records: list[Any], kind: str, key: str | int, loaded: dict[str, Any] | None) -> int:
    """Where the record ``key`` is now; a record kept by place must still be the one loaded."""
    if isinstance(key, str):
        for i, r in enumerate(records):
            if r.id == key:
                return i
    elif 0 <= key < len(records) and (loaded is None or records[key].model_dump() == loaded):
        return key
    what = (
        f"{messages.NOUNS[kind]} {key}" if isinstance(key, str) else f"that {messages.NOUNS[kind]}"
    )
    raise Gone(
        f"{messages.cap(what)} was changed or deleted elsewhere (another tab, the app or "
        "the command line); the form now shows the current records."
    )


def explain(exc: WorkbookError, case: Case | None = None) -> str:
    """Any error of the package as a form says it: in words, without command-line advice."""
    if isinstance(exc, InvalidRecord):
        return messages.refusal(exc, case)[0]
    return messages.plain(exc)


def _refused(exc: InvalidRecord, case: Case, pending: messages.Pending | None = None) -> Outcome:
    message, own = messages.refusal(exc, case, pending)
    return Outcome(False, message, field_of(exc.path) if own else None)


def client_skills(case: Case) -> list[str]:
    """The client's own skills: those their stories show, then strengths from interviews."""
    found = [k for s in case.stories for k in s.skills]
    found += [k for v in case.interviews for k in v.strengths]
    return list(dict.fromkeys(found))


def skill_choices(case: Case) -> list[str]:
    """Skills offered for tagging a story: Skills for Success, then the client's own tags."""
    return list(dict.fromkeys([*SKILLS_FOR_SUCCESS, *client_skills(case)]))


def previous_checkin(case: Case, on: date | None = None) -> tuple[Checkin | None, int | None]:
    """The latest check-in on or before ``on`` (default today) and the days since it."""
    on = on or date.today()
    earlier = [k for k in case.checkins if k.date <= on]
    if not earlier:
        return None, None
    last = max(earlier, key=lambda k: k.date)
    return last, (on - last.date).days


def copy_sample(store: Store, client_id: str, name: str) -> Case:
    """Copy the sample case, Lana, into a new client of the trainee's own to practise on."""
    case = sample_case().model_copy(deep=True)
    case.client.id, case.client.name = client_id, name
    from ..model import validate_case

    checked = validate_case(case.model_dump())
    store.save(checked)
    return checked


# -------------------------------------------------------------------------------------- tables

COLUMNS = {
    "attempts": ["date", "text", "outcome"],
    "stories": ["id", "title", "felt_good", "life_role", "skills", "text"],
    "ideas": ["id", "text", "source", "added", "fit", "interest", "feasibility", "status"],
    "interviews": [
        "id",
        "date",
        "person",
        "role",
        "organisation",
        "referred_by",
        "ideas",
        "strengths",
        "insights",
    ],
    "actions": ["id", "text", "owner", "due", "status", "ideas", "skills"],
    "checkins": [
        "date",
        "importance",
        "confidence",
        "buy_in",
        "understands_plan",
        "progress",
        "supports",
        "notes",
        "by",
    ],
    "reflections": ["date", "model", "entries"],
}


def records_table(case: Case, kind: str) -> list[dict[str, str]]:
    """A client's records of one kind as rows of text for display (lists joined, case order).

    Plain rows, not a DataFrame: the forms run in every step notebook's kernel, and pandas
    alone would double that kernel's memory (bench/kernel_memory.py measures it).
    """
    return [{c: cell(r.model_dump().get(c)) for c in COLUMNS[kind]} for r in items(case, kind)]


def cell(value: Any) -> str:
    """One value as a table shows it: lists joined, mappings as ``key: value``, yes/no."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def record_label(kind: str, index: int, record: Any) -> str:
    """How a record is named in a chooser: ``s2 · The street food drive``; records without an
    id by their date, or by their place for an undated attempt (``#2 · ...``)."""
    text = (
        getattr(record, "title", None)
        or getattr(record, "text", None)
        or getattr(record, "person", None)
        or getattr(record, "model", None)
        or ""
    )
    key = getattr(record, "id", None) or getattr(record, "date", None) or f"#{index + 1}"
    short = " ".join(str(text).split())
    return f"{key} · {short[:50]}{'…' if len(short) > 50 else ''}"


# ------------------------------------------------------------------- one-part sections of a case


def _section_outcome(store: Store, client: str, section: str, action, what: str) -> Outcome:  # noqa: ANN001 - a callable doing the edit
    """Run a section's edit; a refusal names the field in the form's words."""
    try:
        case = store.load(client)
        action()
    except InvalidRecord as exc:
        return _refused(exc, case, (section, None, {}))
    except WorkbookError as exc:
        return Outcome(False, messages.plain(exc))
    return Outcome(True, f"Saved {what}.")


def _merged(existing: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A section's stored data overlaid with the form's values; an emptied field is cleared."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    return existing | {k: (None if v in ("", []) else v) for k, v in cleaned.items()}


def save_client(store: Store, client: str, values: dict[str, Any]) -> Outcome:
    """The intake: the client's name, start date, consent and situation fields."""
    from ..model import Client, parse

    def edit() -> None:
        with store.edit(client) as case:
            data = _merged(case.client.model_dump(), values)
            data["consent"] = {
                "records": bool(values.get("records", case.client.consent.records)),
                "share_deidentified": bool(
                    values.get("share_deidentified", case.client.consent.share_deidentified)
                ),
            }
            data.pop("records", None)
            data.pop("share_deidentified", None)
            data["id"] = client
            case.client = parse(Client, data, "client")

    return _section_outcome(store, client, "client", edit, "the intake")


def create_client(store: Store, values: dict[str, Any]) -> Outcome:
    """A new client from the start-here form: id, name, start date and consent."""
    from ..model import validate_case

    data = clean_values(values)
    client = {k: data.get(k) for k in ("id", "name", "started")}
    client["consent"] = {
        "records": bool(values.get("records")),
        "share_deidentified": bool(values.get("share_deidentified")),
    }
    if not client["consent"]["records"]:
        return Outcome(
            False, "Record the client's consent to keeping records before you start.", "records"
        )
    try:
        case = validate_case(
            {"format": 1, "client": {k: v for k, v in client.items() if v is not None}}
        )
        store.save(case, change="add")
    except InvalidRecord as exc:
        message, _ = messages.refusal(exc, case=None)
        return Outcome(False, message, field_of(exc.path))
    except WorkbookError as exc:
        return Outcome(False, messages.plain(exc), "id" if isinstance(exc, ClientExists) else None)
    return Outcome(True, f"Created client {case.client.id}.", key=case.client.id)


def save_permission(store: Store, client: str, values: dict[str, Any]) -> Outcome:
    from ..model import Permission, parse

    def edit() -> None:
        with store.edit(client) as case:
            existing = case.permission.model_dump() if case.permission else {}
            case.permission = parse(Permission, _merged(existing, values), "permission")

    return _section_outcome(store, client, "permission", edit, "the permission question")


def save_plan(store: Store, client: str, values: dict[str, Any]) -> Outcome:
    """The plan's goal and target date (its actions have their own form)."""
    from ..model import Plan, parse

    def edit() -> None:
        with store.edit(client) as case:
            existing = case.plan.model_dump() if case.plan else {}
            case.plan = parse(Plan, _merged(existing, values), "plan")

    return _section_outcome(store, client, "plan", edit, "the plan's goal")


# ------------------------------------------------------------------------ a record's history

CHANGE_WORDS = {
    "add": "Added",
    "edit": "Changed",
    "delete": "Deleted",
    "import": "Imported from a case file",
    "replace": "Replaced by an import",
    "revert": "Reverted to an earlier version",
    "existing": "Already recorded when the history began",
    "erase": "Erased",
}
SECTION_RECORDS = {"intake": "client", "permission": "permission", "plan": "plan"}


def history_key(kind: str, key: str | int) -> str:
    """How the history names a record: ``stories/s1``; records without an id by their place,
    counted from 1 (``checkins/2``); a section by its name (the intake is ``client``)."""
    if kind in SECTION_RECORDS:
        return SECTION_RECORDS[kind]
    return f"{kind}/{key}" if isinstance(key, str) else f"{kind}/{key + 1}"


def record_history(store: Store, client: str, record: str) -> list[str]:
    """A record's history in words, newest first: what happened, when, who, which fields.

    Records without an id are followed by their place in the list, so the history of
    ``checkins/2`` is that of whichever check-in stood second at each change.
    """
    from ..wording import day

    lines = []
    for e in store.history(client, record):
        what = CHANGE_WORDS.get(e.change, e.change.capitalize())
        when = f"{day(e.at)} at {e.at:%H:%M} UTC"
        fields = ""
        if isinstance(e.before, dict) and isinstance(e.after, dict):
            names = sorted(k for k in e.before | e.after if e.before.get(k) != e.after.get(k))
            fields = f" ({', '.join(n.replace('_', ' ') for n in names)})" if names else ""
        lines.append(f"{what}{fields} on {when} by {e.who} (entry {e.number})")
    return lines
