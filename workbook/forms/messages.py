"""What a form says: a record named by its id, a field by its label, and never a command.

The store and the importer name a problem by its path in the case file (``plan.actions[2].due``),
which suits a file and a terminal. A form speaks to someone filling it in, so here that path
becomes the form's own words ("Action a3, Due: ...") and any advice meant for the command line
(a backticked command, an option such as ``--replace``) is left out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import NOTHING, ClientExists, ClientNotFound, InvalidRecord, WorkbookError
from ..model import Case
from ..model.validate import NO_CONSENT
from ..store import RecordNotFound

# The forms' labels (workbook/forms/specs.py), by record kind or section and field name; a test
# keeps each form's labels starting with these words.
WORDS: dict[str, dict[str, str]] = {
    "client": {
        "id": "Id",
        "name": "Name",
        "started": "Started",
        "consent": "Consent",
        "records": "Consent to keep records",
        "share_deidentified": "Consent to share a de-identified copy",
        "situation": "Current situation",
        "history": "Some history",
        "aspirations": "Aspirations",
        "challenges": "Challenges",
        "goal": "The change the client wants, in their words",
    },
    "attempts": {
        "date": "When",
        "text": "What the client tried or considered",
        "outcome": "What came of it",
    },
    "stories": {
        "id": "Id",
        "title": "Title",
        "text": "The story",
        "felt_good": "Did the client feel good about it?",
        "life_role": "Life role",
        "skills": "Skills this story shows",
    },
    "permission": {"asked": "Asked on", "granted": "Did the client agree to hear your ideas?"},
    "ideas": {
        "id": "Id",
        "text": "The idea",
        "source": "Whose idea",
        "added": "Added on",
        "fit": "Fit with the client's strengths",
        "interest": "The client's interest",
        "feasibility": "Feasibility",
        "status": "Status",
    },
    "interviews": {
        "id": "Id",
        "date": "Date",
        "person": "Who",
        "role": "Their role",
        "organisation": "Organisation",
        "referred_by": "Referred by",
        "insights": "What the client learned",
        "strengths": "Strengths of the client's it confirmed",
        "ideas": "Ideas it tested",
    },
    "plan": {"goal": "The goal", "target": "Target date", "actions": "Actions"},
    "actions": {
        "id": "Id",
        "text": "The action",
        "owner": "Who does it",
        "due": "Due",
        "status": "Status",
        "ideas": "Ideas it carries out",
        "skills": "Skills it uses",
    },
    "checkins": {
        "date": "Date",
        "importance": "How important is this change to the client now?",
        "confidence": "How confident are they that they can make it?",
        "buy_in": "Does the client still want this plan?",
        "understands_plan": "Can they say the plan's stages in their own words?",
        "supports": "Supports",
        "progress": "Progress on each action",
        "notes": "Notes",
        "by": "Recorded by",
    },
    "reflections": {"date": "Date", "model": "Reflection model", "entries": "Your reflection"},
}

NOUNS = {
    "stories": "story",
    "checkins": "check-in",
    "attempts": "attempt",
    "reflections": "reflection",
    "ideas": "idea",
    "interviews": "interview",
    "actions": "action",
}
SECTIONS = {"client": "Intake", "permission": "Permission", "plan": "The plan"}
IDS = ("stories", "ideas", "interviews", "actions")
PLURAL = {
    "stories": "Stories",
    "checkins": "Check-ins",
    "attempts": "Attempts",
    "reflections": "Reflections",
    "ideas": "Ideas",
    "interviews": "Interviews",
    "actions": "Plan actions",
}

# A record being saved: its kind, its place once saved, and the values it was saved with.
Pending = tuple[str, int | None, dict[str, Any]]


def record_name(kind: str, record: Any, index: int) -> str:
    """``idea i1``; records without an id by their date (``the check-in of 2026-10-06``) or,
    for an undated attempt, by their place in the list (``attempt 2``)."""
    noun = NOUNS[kind]
    ident = _get(record, "id")
    if ident:
        return f"{noun} {ident}"
    when = _get(record, "date")
    if isinstance(when, date):
        return f"the {noun} of {when.isoformat()}"
    return f"{noun} {index + 1}"


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: dates ISO, yes/no for booleans, long text cut short."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(shown(v, limit) for v in value) or "nothing"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def cap(text: str) -> str:
    """The first letter upper-case, the rest as it is (ids stay as written)."""
    return text[:1].upper() + text[1:]


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def _items(case: Case, kind: str) -> list[Any]:
    if kind == "actions":
        return case.plan.actions if case.plan else []
    return list(getattr(case, kind))


def _split(path: str) -> tuple[str, int | None, list[str]]:
    """``plan.actions[2].due`` -> (``actions``, 2, [``due``]); ``client.name`` -> (client, None,
    [name]); ``ideas.fit`` (the record being saved) -> (ideas, None, [fit])."""
    if path.startswith("plan.actions"):
        path = path.removeprefix("plan.")
    m = re.match(r"([a-z_]+)(?:\[(\d+)\])?\.?(.*)", path)
    if not m:
        return "", None, []
    rest = [p for p in re.split(r"\.|\[\d+\]", m[3]) if p]
    return m[1], (int(m[2]) if m[2] is not None else None), rest


def whose(path: str, case: Case | None, pending: Pending | None = None) -> tuple[str, bool]:
    """Who a path points at, in words, and whether that is the record being saved."""
    kind, index, rest = _split(path)
    if kind == "plan" and not rest and pending and pending[0] == "actions":
        kind = "actions"  # an action added to a plan that cannot be kept
    if case is None:  # a client being created: no record yet, the field alone says it
        return "", False
    if kind in SECTIONS:
        return SECTIONS[kind], bool(pending and pending[0] == kind)
    if kind not in NOUNS:
        return "", False
    records = _items(case, kind)
    if pending and pending[0] == kind and index in (None, pending[1]):
        at = pending[1] if pending[1] is not None else len(records)
        data = dict(pending[2])
        if kind in IDS and not data.get("id"):
            if at >= len(records):
                return f"The new {NOUNS[kind]}", True
            data["id"] = records[at].id
        return cap(record_name(kind, data, at)), True
    if index is not None and index < len(records):
        return cap(record_name(kind, records[index], index)), False
    return PLURAL[kind], False


def field_words(path: str) -> str:
    """The label of the field a path ends in: ``ideas[0].fit`` -> Fit with the client's..."""
    kind, _, rest = _split(path)
    if kind == "client" and rest[:1] == ["consent"] and len(rest) > 1:
        rest = rest[1:]
    if not rest:
        return ""
    words = WORDS.get(kind, {}).get(rest[0], rest[0].replace("_", " "))
    if rest[0] in ("progress", "entries") and len(rest) > 1:
        words += f" ({rest[1].replace('_', ' ')})"
    return words


def in_words(text: str, case: Case | None) -> str:
    """Paths quoted inside a message (``is already the id of stories[1]``) said in words."""
    text = text.replace(
        "(client.consent.records is false)", f"({WORDS['client']['records']} is no)"
    )
    if case is None:
        return text

    def name(m: re.Match) -> str:
        kind = "actions" if m[1] == "plan.actions" else m[1]
        records = _items(case, kind)
        i = int(m[2])
        return record_name(kind, records[i], i) if i < len(records) else m[0]

    pattern = r"\b(stories|ideas|interviews|plan\.actions|checkins|attempts|reflections)\[(\d+)\]"
    return re.sub(pattern, name, text)


def refusal(
    exc: InvalidRecord, case: Case | None, pending: Pending | None = None
) -> tuple[str, bool]:
    """A refused value as one sentence for a form, and whether it is about the pending record."""
    who, own = whose(exc.path, case, pending)
    words = field_words(exc.path)
    got = "" if exc.value is NOTHING else f" (got {shown(exc.value)})"
    what = ", ".join(p for p in (who, words) if p)
    message = in_words(exc.message, case)
    if exc.message == NO_CONSENT:
        message += "; record the client's consent in the intake first"
        got = ""
    return (f"{what}: {message}{got}." if what else f"{cap(message)}{got}."), own


def plain(exc: WorkbookError) -> str:
    """Any other error the store raises, for a form: no command-line advice."""
    if isinstance(exc, ClientExists):
        return f"A client {exc.client_id!r} is already in this practice; choose another id."
    if isinstance(exc, RecordNotFound):
        return (
            "That record was changed or deleted elsewhere (another tab, the app or the command "
            "line); the form now shows the current records."
        )
    if isinstance(exc, ClientNotFound):
        return (
            f"There is no client {exc.client_id!r} in this practice any more (deleted "
            "elsewhere?); choose or create one in the start-here notebook."
        )
    return without_commands(str(exc))


def without_commands(text: str) -> str:
    """Drop the clauses of a message that tell the reader to type a command."""
    clauses = [c for c in re.split(r";\s*|,\s*or\s+", text) if not _is_command(c)]
    kept = "; ".join(c.strip() for c in clauses if c.strip()) or "Something went wrong"
    kept = cap(kept)
    return kept if kept.endswith(".") else kept + "."


def _is_command(clause: str) -> bool:
    return "`" in clause or bool(re.search(r"(^|\s)--[a-z]|\bworkbook [a-z]", clause))
