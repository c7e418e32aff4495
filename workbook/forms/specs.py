"""Which fields each form has, and the prompts beside them, in the project's own words."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..model.vocab import (
    ACTION_STATUSES,
    IDEA_STATUSES,
    LIFE_ROLES,
    OWNERS,
    REFLECTION_MODELS,
)
from . import logic
from .fields import (
    YES_NO,
    ChoiceField,
    DateField,
    EntriesField,
    ManyField,
    ProgressField,
    SkillsField,
    TagsField,
    TextField,
    scale,
)
from .record_form import RecordForm, SectionForm

if TYPE_CHECKING:
    from .workbook import Workbook

STAGE_PROMPTS = {
    "description": "What happened, plainly, without judging it yet.",
    "feelings": "What were you thinking and feeling at the time?",
    "evaluation": "What went well, and what did not?",
    "analysis": "Why did it go that way? What helps explain it?",
    "conclusion": "What else could you have done; what have you learned?",
    "action_plan": "What will you do the next time something like this comes up?",
    "what": "What happened? What was your part in it?",
    "so_what": "Why does it matter? What does it tell you about your practice?",
    "now_what": "What will you do differently, and how will you know it helped?",
    "experience": "The session or moment you are reflecting on.",
    "observation": "What you noticed when you looked back on it.",
    "conceptualisation": "The idea or principle you draw from it.",
    "experimentation": "What you will try next to test that idea.",
}

SMART_PROMPTS = [
    ("Specific", "Does it say exactly what the client will have done or become?"),
    (
        "Measurable and meaningful",
        "Will you both know when it is reached, and does it matter to the client?",
    ),
    (
        "Action-oriented and achievable",
        "Does it start from things the client will do, and can they do them?",
    ),
    ("Realistic and responsible", "Does it fit the client's life, means and obligations?"),
    (
        "Timed, toward what the client wants",
        "Has it a date, and does it move toward the client's own aspiration?",
    ),
]


def _ideas(wb: Workbook) -> list[tuple[str, str]]:
    return [(f"{i.id} · {i.text[:60]} ({i.source})", i.id) for i in wb.items("ideas")]


def _interviews(wb: Workbook) -> list[tuple[str, str]]:
    return [(f"{v.id} · {v.person}", v.id) for v in wb.items("interviews")]


def _actions(wb: Workbook) -> list[tuple[str, str]]:
    return [(f"{a.id} · {a.text}", a.id) for a in wb.items("actions")]


def attempts(wb: Workbook) -> RecordForm:
    return RecordForm(
        wb,
        "attempts",
        [
            DateField("date", "When", "roughly is fine"),
            TextField("text", "What the client tried or considered", long=True),
            TextField("outcome", "What came of it", long=True),
        ],
        "What has been tried",
    )


def stories(wb: Workbook) -> RecordForm:
    return RecordForm(
        wb,
        "stories",
        [
            TextField("id", "Id", "a short label such as s3"),
            TextField("title", "Title", "a few words the client would recognise"),
            TextField("text", "The story", "in the client's words where you can", long=True),
            ChoiceField("felt_good", "Did the client feel good about it?", YES_NO),
            ChoiceField("life_role", "Life role", [(r, r) for r in LIFE_ROLES]),
            SkillsField(
                "skills",
                "Skills this story shows",
                lambda: logic.skill_choices(wb.case) if wb.case else [],
                "tick those that apply; add others below",
            ),
        ],
        "Stories and the skills they show",
        defaults=lambda: {"id": wb.next_id("stories"), "felt_good": True},
    )


def permission(wb: Workbook) -> SectionForm:
    return SectionForm(
        wb,
        "permission",
        [
            DateField("asked", "Asked on"),
            ChoiceField("granted", "Did the client agree to hear your ideas?", YES_NO),
        ],
        "Permission to offer ideas",
        read=lambda: wb.case.permission.model_dump() if wb.case.permission else {},
        write=lambda client, v: logic.save_permission(wb.store, client, v),
        intro="<p>Before offering ideas of your own, ask whether the client would like to hear "
        "them. Record the answer: practitioner ideas can be added once it is yes.</p>",
    )


def ideas(wb: Workbook) -> RecordForm:
    def note() -> str:
        reason = logic.practitioner_ideas_blocked(wb.case) if wb.case else None
        return (
            f'<p style="color:#8a4b00">&#9432; {html.escape(reason)}</p>'
            if reason
            else "<p>Permission recorded: ideas from both of you go on one list, each "
            "marked with its source.</p>"
        )

    return RecordForm(
        wb,
        "ideas",
        [
            TextField("id", "Id", "a short label such as i4"),
            TextField("text", "The idea", long=True),
            ChoiceField(
                "source",
                "Whose idea",
                [("the client's", "client"), ("the practitioner's", "practitioner")],
                blank=None,
            ),
            DateField("added", "Added on"),
            ChoiceField("fit", "Fit with the client's strengths (1-5)", scale(1, 5)),
            ChoiceField("interest", "The client's interest (1-5)", scale(1, 5)),
            ChoiceField("feasibility", "Feasibility (1-5)", scale(1, 5)),
            ChoiceField("status", "Status", [(s, s) for s in IDEA_STATUSES], blank=None),
        ],
        "The combined list of ideas",
        note=note,
        defaults=lambda: {
            "id": wb.next_id("ideas"),
            "source": "client",
            "added": wb.today(),
            "status": "open",
        },
    )


def interviews(wb: Workbook) -> RecordForm:
    return RecordForm(
        wb,
        "interviews",
        [
            TextField("id", "Id", "a short label such as v2"),
            DateField("date", "Date"),
            TextField("person", "Who"),
            TextField("role", "Their role"),
            TextField("organisation", "Organisation"),
            ChoiceField("referred_by", "Referred by", lambda: _interviews(wb), blank="— nobody"),
            TextField("insights", "What the client learned", long=True),
            TagsField("strengths", "Strengths of the client's it confirmed"),
            ManyField("ideas", "Ideas it tested", lambda: _ideas(wb)),
        ],
        "Informational interviews",
        defaults=lambda: {"id": wb.next_id("interviews"), "date": wb.today()},
    )


def plan(wb: Workbook) -> SectionForm:
    prompts = "".join(f"<li><b>{t}</b>: {html.escape(q)}</li>" for t, q in SMART_PROMPTS)
    return SectionForm(
        wb,
        "plan",
        [
            TextField("goal", "The goal", "one or two sentences, with a date in them", long=True),
            DateField("target", "Target date"),
        ],
        "The goal",
        read=lambda: wb.case.plan.model_dump() if wb.case.plan else {},
        write=lambda client, v: logic.save_plan(wb.store, client, v),
        intro=f"<p>Check the goal against the modified SMART prompts:</p><ul>{prompts}</ul>",
    )


def actions(wb: Workbook) -> RecordForm:
    return RecordForm(
        wb,
        "actions",
        [
            TextField("id", "Id", "a short label such as a3"),
            TextField("text", "The action", "concrete: what, where, how much", long=True),
            ChoiceField("owner", "Who does it", [(o, o) for o in OWNERS], blank=None),
            DateField("due", "Due"),
            ChoiceField("status", "Status", [(s, s) for s in ACTION_STATUSES], blank=None),
            ManyField("ideas", "Ideas it carries out", lambda: _ideas(wb)),
            ManyField(
                "skills",
                "Skills it uses (the client's own)",
                lambda: [(s, s) for s in (logic.client_skills(wb.case) if wb.case else [])],
            ),
        ],
        "Actions",
        defaults=lambda: {"id": wb.next_id("actions"), "owner": "client", "status": "todo"},
    )


def checkins(wb: Workbook) -> RecordForm:
    def note() -> str:
        if not wb.case:
            return ""
        last, days = logic.previous_checkin(wb.case, wb.today())
        if last is None:
            return "<p>No check-in yet: this will be the first.</p>"
        when = "today" if days == 0 else f"{days} day{'s' * (days != 1)} ago"
        warn = " &#9888; more than a week: keep contact weekly." if days > 7 else ""
        return (
            f"<p class='wb-previous'>Previous check-in: {last.date.isoformat()} ({when}){warn}"
            f" — importance {_n(last.importance)}, confidence {_n(last.confidence)}, "
            f"buy-in {_yes(last.buy_in)}.</p>"
        )

    return RecordForm(
        wb,
        "checkins",
        [
            DateField("date", "Date"),
            ChoiceField(
                "importance", "How important is this change to the client now? (0-10)", scale(0, 10)
            ),
            ChoiceField(
                "confidence", "How confident are they that they can make it? (0-10)", scale(0, 10)
            ),
            ChoiceField("buy_in", "Does the client still want this plan?", YES_NO),
            ChoiceField(
                "understands_plan", "Can they say the plan's stages in their own words?", YES_NO
            ),
            TagsField("supports", "Supports", "counselling, family, offers of help"),
            ProgressField(
                "progress",
                "Progress on each action (-2 much less than expected .. +2 much more)",
                lambda: _actions(wb),
            ),
            TextField("notes", "Notes", long=True),
            ChoiceField(
                "by",
                "Recorded by",
                [("the client, in their own app", "client")],
                blank="the practitioner",
            ),
        ],
        "Check-in",
        note=note,
        defaults=lambda: {"date": wb.today()},
    )


def reflections(wb: Workbook) -> RecordForm:
    model = ChoiceField(
        "model",
        "Reflection model",
        [
            ("Gibbs: six stages", "gibbs"),
            ("Driscoll: what? so what? now what?", "driscoll"),
            ("Kolb: the learning cycle", "kolb"),
        ],
        blank=None,
    )
    return RecordForm(
        wb,
        "reflections",
        [
            DateField("date", "Date"),
            model,
            EntriesField("entries", "Your reflection", model.input, STAGE_PROMPTS),
        ],
        "Reflection",
        defaults=lambda: {"date": wb.today(), "model": REFLECTION_MODELS[1]},
    )


def intake(wb: Workbook) -> SectionForm:
    return SectionForm(
        wb,
        "intake",
        [
            TextField("name", "Name"),
            DateField("started", "Started"),
            ChoiceField("records", "Consent to keep records", YES_NO, blank=None),
            ChoiceField(
                "share_deidentified", "Consent to share a de-identified copy", YES_NO, blank=None
            ),
            TextField("situation", "Current situation", long=True),
            TextField("history", "Some history", long=True),
            TextField("aspirations", "Aspirations", long=True),
            TextField("challenges", "Challenges", long=True),
            TextField("goal", "The change the client wants, in their words", long=True),
        ],
        "Intake",
        read=lambda: wb.case.client.model_dump() | wb.case.client.consent.model_dump(),
        write=lambda client, v: logic.save_client(wb.store, client, v),
    )


FORMS = {
    "attempts": attempts,
    "stories": stories,
    "permission": permission,
    "ideas": ideas,
    "interviews": interviews,
    "plan": plan,
    "actions": actions,
    "checkins": checkins,
    "reflections": reflections,
    "intake": intake,
}


def _n(value: int | None) -> str:
    return "—" if value is None else f"{value}/10"


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "—"}[value]
