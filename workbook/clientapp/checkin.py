"""The client's own check-in: two rulers, how each action is going, a note to the practitioner.

:func:`save_self_checkin` is the plain function (values in, an outcome out); the form is a thin
layer of widgets over it. The check-in is saved with ``by: client`` and today's date; the
client chooses nothing else, so the app cannot be used to change any other record.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import NOTHING, InvalidRecord, WorkbookError
from ..forms.fields import ChoiceField, TextField, scale
from ..forms.logic import Outcome
from ..forms.messages import shown, without_commands
from ..forms.record_form import status_html
from ..model.vocab import RULER_RANGE
from ..store import Store

if TYPE_CHECKING:
    from .pages import ClientPages

# Goal attainment scaling in the client's words, best first.
PROGRESS_WORDS: list[tuple[str, int]] = [
    ("much better than I expected", 2),
    ("a little better than I expected", 1),
    ("about as I expected", 0),
    ("a little behind what I expected", -1),
    ("well behind what I expected", -2),
]
# The form's fields, named in words for messages.
FIELD_WORDS = {
    "importance": "How important the change is to you",
    "confidence": "How confident you are",
    "progress": "How your actions are going",
    "notes": "Your note",
}
FIELDS = tuple(FIELD_WORDS)  # what the client answers; the date is today's, never theirs
FIELD_WORDS["date"] = "Today's date"


def _refusal(field: str, message: str) -> Outcome:
    return Outcome(False, f"{FIELD_WORDS.get(field, field)}: {message}", field)


def save_self_checkin(
    store: Store, client: str, values: dict[str, Any], on: date | None = None
) -> Outcome:
    """Save the client's check-in (marked as theirs, dated ``on``, default today).

    ``values`` holds ``importance`` and ``confidence`` (0-10), ``progress`` ({action id: -2..2})
    and ``notes``; each may be left out, but not all of them. Nothing is saved when any value
    is refused; the message names the field in words.
    """
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        return Outcome(False, f"{unknown[0]}: is not something this check-in records.")
    notes = (values.get("notes") or "").strip() if isinstance(values.get("notes"), str) else None
    if values.get("notes") is not None and not isinstance(values.get("notes"), str):
        return _refusal("notes", f"must be text (got {shown(values['notes'])})")
    progress = {k: v for k, v in (values.get("progress") or {}).items() if v is not None}
    data = {
        "date": on or date.today(),
        "importance": values.get("importance"),
        "confidence": values.get("confidence"),
        "progress": progress,
        "notes": notes or None,
        "by": "client",
    }
    if all(data[k] in (None, {}) for k in FIELDS):
        return Outcome(False, "Answer at least one question before saving; nothing was saved.")
    mine = None  # where the new check-in sits in the case: the only record the client typed
    try:
        case = store.load(client)
        mine = f"checkins[{len(case.checkins)}]"
        if not case.client.consent.records:
            return Outcome(
                False,
                "Your practitioner has not yet recorded your agreement to keeping records, "
                "so nothing can be saved here.",
            )
        actions = {a.id for a in (case.plan.actions if case.plan else [])}
        for action in progress:
            if action not in actions:
                return _refusal("progress", f"there is no action {action!r} in your plan")
        store.add(client, "checkins", {k: v for k, v in data.items() if v not in (None, {})})
    except InvalidRecord as exc:  # the model's own rules (a date before the start, a long note)
        # the new check-in alone (``checkins.notes``) or in the case (``checkins[4].notes``)
        own = next((p for p in ("checkins.", mine) if p and exc.path.startswith(p)), None)
        if own is None:
            return Outcome(False, PRACTITIONERS_RECORDS)
        rest = exc.path[len(own) :].lstrip(".")
        field = next((f for f in (*FIELDS, "date") if rest.startswith(f)), "")
        got = "" if exc.value is NOTHING else f" (got {shown(exc.value)})"  # shortened
        return _refusal(field, exc.message + got) if field else Outcome(False, exc.message)
    except WorkbookError as exc:  # e.g. the client removed meanwhile: no commands to a client
        return Outcome(False, without_commands(str(exc)))
    return Outcome(
        True,
        f"Thank you: your check-in of {data['date'].strftime('%d %B %Y').lstrip('0')} is saved. "
        "Your practitioner will see it.",
    )


# A rule broken elsewhere in the case (text an older version allowed, say): nothing the client
# typed, and nothing they can change here.
PRACTITIONERS_RECORDS = (
    "Your check-in could not be saved because something in your practitioner's records needs "
    "their attention first (nothing you typed). Please let your practitioner know; your answers "
    "are still on this page."
)


class SelfCheckinForm:
    """The widgets over :func:`save_self_checkin`, for one client's app."""

    def __init__(self, pages: ClientPages):
        self.pages = pages
        ruler = scale(*RULER_RANGE)
        self.importance = ChoiceField(
            "importance",
            "How important is this change to you right now? (0 = not at all, 10 = very)",
            ruler,
        )
        self.confidence = ChoiceField(
            "confidence",
            "How confident are you that you can make it? (0 = not at all, 10 = very)",
            ruler,
        )
        self.actions = [
            ChoiceField(f"progress-{a.id}", f"{a.text}", PROGRESS_WORDS, blank="— (skip this one)")
            for a in pages.open_actions()
        ]
        self.notes = TextField(
            "notes",
            "A note to your practitioner, in your own words",
            "what went well, what got in the way, what would help",
            long=True,
        )
        for f in (self.importance, self.confidence, *self.actions, self.notes):
            f.tag("selfcheckin")
        self.save_button = w.Button(description="Save my check-in", button_style="primary")
        self.save_button.add_class("wb-selfcheckin-save")
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML()
        self.status.add_class("wb-selfcheckin-status")
        heading = (
            "<h4>How is each of your actions going?</h4>"
            if self.actions
            else "<p>Your plan has no open actions yet.</p>"
        )
        self.widget = w.VBox(
            [
                self.importance.box,
                self.confidence.box,
                w.HTML(heading),
                *(f.box for f in self.actions),
                self.notes.box,
                self.save_button,
                self.status,
            ]
        )
        self.widget.add_class("wb-form-selfcheckin")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def values(self) -> dict[str, Any]:
        return {
            "importance": self.importance.get(),
            "confidence": self.confidence.get(),
            "progress": {f.name.removeprefix("progress-"): f.get() for f in self.actions},
            "notes": self.notes.get(),
        }

    def save(self) -> Outcome:
        fields = {"importance": self.importance, "confidence": self.confidence}
        fields |= {"notes": self.notes}
        for f in (*fields.values(), *self.actions):
            f.show_error(None)
        outcome = save_self_checkin(
            self.pages.store, self.pages.client, self.values(), self.pages.today
        )
        if not outcome.ok and outcome.field in fields:
            fields[outcome.field].show_error(outcome.message)
        if outcome.ok:
            for f in (*fields.values(), *self.actions):
                f.clear()
        self.status.value = status_html(outcome)
        return outcome
