"""Step 3's "Draft the plan" panel: drafted actions to keep, edit and save in one step.

The drafts come from :func:`workbook.draft.draft_plan` (plain rules over the client's records).
They live only in this panel until **Save the kept actions**: that one button checks every kept
draft first and then saves them all as plan actions in one transaction, or none. The drafted
goal can be taken as the plan's goal with its own button. pandas, which the rules run on, is
imported only when a plan is drafted: the forms' kernels stay light until then.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import InvalidRecord, WorkbookError
from ..model.vocab import OWNERS
from ..wording import day
from . import logic, messages
from .fields import ChoiceField, DateField, TextField
from .record_form import reload, status_html

if TYPE_CHECKING:
    from ..draft import Draft, DraftedPlan
    from ..store import Store
    from .workbook import Workbook

WORDS = messages.WORDS["actions"]
OWNER_CHOICES = [(o, o) for o in OWNERS]


# ------------------------------------------------------------------------- the plain functions


def save_drafts(store: Store, client: str, kept: list[tuple[int, dict[str, Any]]]) -> logic.Outcome:
    """Save the kept drafts (their number in the panel, their values) as plan actions.

    Every value is checked before anything is written, and all are written in one transaction
    (``Store.edit``): a refused value names the draft and the field, and nothing is saved.
    ``Outcome.key`` is then the refused draft's number.
    """
    if not kept:
        return logic.Outcome(False, "Tick Keep on at least one draft first; nothing was saved.")
    for number, values in kept:
        if not str(values.get("text") or "").strip():
            return _refusal(number, "text", "write what is to be done")
        if values.get("due") is None:
            return _refusal(number, "due", "every action needs a due date")
    from ..model import Action, Plan, parse

    added: list[str] = []
    try:
        with store.edit(client) as case:
            if case.plan is None:
                case.plan = Plan()
            start = len(case.plan.actions)
            for number, values in kept:
                data = logic.clean_values(values) | {"id": logic.next_id(case, "actions")}
                data.setdefault("status", "todo")
                try:
                    action = parse(Action, data, f"plan.actions[{len(case.plan.actions)}]")
                except InvalidRecord as exc:
                    raise _Refused(number, exc) from None
                case.plan.actions.append(action)
                added.append(action.id)
    except _Refused as refused:
        return _from_invalid(refused.number, refused.exc)
    except InvalidRecord as exc:  # a rule across the case (a date before the start, ...)
        index = _index(exc.path)
        if index is not None and start <= index < start + len(kept):
            return _from_invalid(kept[index - start][0], exc)
        return logic.Outcome(False, logic.explain(exc, store.load(client)))
    except WorkbookError as exc:
        return logic.Outcome(False, messages.plain(exc))
    noun = "action" if len(added) == 1 else "actions"
    return logic.Outcome(True, f"Saved {len(added)} {noun} to the plan: {', '.join(added)}.")


def use_goal(store: Store, client: str, goal: str, target: date | None) -> logic.Outcome:
    """Make the drafted (perhaps edited) goal the plan's goal, with the drafted target date
    it names: the plan's own, or a new one when the plan had none or its date had passed."""
    if not goal.strip():
        return logic.Outcome(False, "The goal is empty; draft the plan or write a goal first.")
    case = store.load(client)
    values: dict[str, Any] = {"goal": goal}
    moved = target is not None and (case.plan is None or case.plan.target != target)
    if moved:
        values["target"] = target
    outcome = logic.save_plan(store, client, values)
    if outcome.ok:
        also = f", and its target date is now {day(target)}" if moved else ""
        return logic.Outcome(True, f"Saved the drafted goal as the plan's goal{also}.")
    return outcome


class _Refused(Exception):
    def __init__(self, number: int, exc: InvalidRecord):
        self.number, self.exc = number, exc


def _index(path: str) -> int | None:
    import re

    m = re.match(r"plan\.actions\[(\d+)\]", path)
    return int(m[1]) if m else None


def _refusal(number: int, name: str, message: str, got: str = "") -> logic.Outcome:
    return logic.Outcome(False, f"Draft {number}, {WORDS[name]}: {message}{got}.", name, number)


def _from_invalid(number: int, exc: InvalidRecord) -> logic.Outcome:
    name = logic.field_of(exc.path)
    got = "" if exc.value is messages.NOTHING else f" (got {messages.shown(exc.value)})"
    if name not in WORDS:
        return logic.Outcome(False, f"Draft {number}: {exc.message}{got}.", None, number)
    return _refusal(number, name, exc.message, got)


# --------------------------------------------------------------------------------- the widgets


@dataclass
class DraftRow:
    """One draft on screen: keep it or not, its text, owner and due date, and why."""

    number: int
    draft: Draft

    def __post_init__(self) -> None:
        n, d = self.number, self.draft
        self.keep = w.Checkbox(value=False, description=f"Keep draft {n}", indent=False)
        self.keep.add_class("wb-draft-keep")
        self.fields = {
            "text": TextField("text", WORDS["text"], f"(draft {n})", long=True),
            "owner": ChoiceField("owner", WORDS["owner"], OWNER_CHOICES, f"(draft {n})", None),
            "due": DateField("due", WORDS["due"], f"(draft {n})"),
        }
        for f in self.fields.values():
            f.tag("draft")
        self.fields["text"].input.rows = 4
        self.fields["text"].set(d.text)
        self.fields["owner"].set(d.owner)
        self.fields["due"].set(d.due)
        links = ", ".join(d.ideas) or "none"
        skills = ", ".join(d.skills) or "none"
        self.why = w.HTML(
            f'<div class="wb-draft-why"><b>Why:</b> {html.escape(d.why)}<br>'
            f'<span class="wb-help">Ideas: {html.escape(links)} · '
            f"Skills: {html.escape(skills)}</span></div>"
        )
        self.box = w.VBox(
            [
                w.HTML(f"<h5>Draft {n}</h5>"),
                self.keep,
                *(f.box for f in self.fields.values()),
                self.why,
            ],
            layout=w.Layout(border="1px solid #ccc", padding="4px 8px", margin="0 0 8px 0"),
        )
        self.box.add_class("wb-draft-row")
        self.box.add_class(f"wb-draft-row-{n}")

    def values(self) -> dict[str, Any]:
        return {name: f.get() for name, f in self.fields.items()} | {
            "ideas": list(self.draft.ideas),
            "skills": list(self.draft.skills),
        }


class DraftPanel:
    """**Draft the plan**: a button that drafts, the drafts to keep and edit, and one Save."""

    def __init__(self, wb: Workbook, as_of: date | None = None):
        self.wb, self.as_of = wb, as_of
        self.drafted: DraftedPlan | None = None
        self.rows: list[DraftRow] = []
        self.run_button = w.Button(
            description="Draft the plan",
            button_style="info",
            icon="magic",
            layout=w.Layout(width="auto"),
        )
        self.run_button.on_click(lambda _: self.draft())
        self.goal = TextField("goal", "Drafted goal", "edit it freely before using it", long=True)
        self.goal.tag("draft")
        self.prompts = w.HTML()
        self.goal_button = w.Button(
            description="Use as the plan's goal", icon="check", layout=w.Layout(width="auto")
        )
        self.goal_button.on_click(lambda _: self.use_goal())
        self.goal_status = w.HTML()
        self.goal_box = w.VBox(
            [self.goal.box, self.prompts, self.goal_button, self.goal_status],
            layout=w.Layout(display="none"),
        )
        self.notes = w.HTML()
        self.list = w.VBox()
        self.save_button = w.Button(
            description="Save the kept actions",
            button_style="primary",
            icon="check",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML()
        for widget, name in (
            (self.run_button, "run"),
            (self.goal_button, "use-goal"),
            (self.goal_status, "goal-status"),
            (self.prompts, "prompts"),
            (self.notes, "notes"),
            (self.list, "list"),
            (self.save_button, "save"),
            (self.status, "status"),
        ):
            widget.add_class(f"wb-draft-{name}")
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h4>Draft the plan</h4><p>Drafts actions and a goal from what is recorded: "
                    "the chosen ideas, the skills the stories show and what the interviews "
                    "taught. Nothing is saved until you tick the drafts to keep and press "
                    "<b>Save the kept actions</b>.</p>"
                ),
                self.run_button,
                self.notes,
                self.goal_box,
                self.list,
                self.save_button,
                self.status,
            ]
        )
        self.widget.add_class("wb-form-draft")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # -- what the buttons do ----------------------------------------------------------------

    def draft(self) -> DraftedPlan | None:
        """Draft from the records as the store holds them now; earlier drafts are replaced."""
        from ..draft import SMART_PROMPTS, draft_plan
        from ..frames import case_frames

        self.status.value = ""
        self.goal_status.value = ""
        reload(self.wb)
        if not self.wb.case:
            self.notes.value = status_html(logic.NO_CLIENT, "Not drafted.")
            return None
        self.drafted = drafted = draft_plan(
            case_frames(self.wb.case), self.as_of or self.wb.today()
        )
        self.rows = [DraftRow(n, d) for n, d in enumerate(drafted.actions, 1)]
        self.list.children = tuple(r.box for r in self.rows)
        self.notes.value = "".join(
            f'<p class="wb-draft-note">{html.escape(note)}</p>' for note in drafted.notes
        )
        self.goal.set(drafted.goal)
        prompts = "".join(
            f"<li><b>{html.escape(name)}</b>: {html.escape(text)}</li>"
            for name, text in SMART_PROMPTS
        )
        self.prompts.value = (
            f"<p>Target date: {day(drafted.target)}. Check the goal against the modified "
            f"SMART prompts:</p><ul>{prompts}</ul>"
        )
        self.goal_box.layout.display = None if drafted.goal else "none"
        self.save_button.disabled = not self.rows
        return drafted

    def save(self) -> logic.Outcome:
        """Save the kept drafts as plan actions, all in one transaction, or none."""
        for row in self.rows:
            for f in row.fields.values():
                f.show_error(None)
        kept = [(r.number, r.values()) for r in self.rows if r.keep.value]
        try:
            outcome = (
                save_drafts(self.wb.store, self.wb.client, kept)
                if self.wb.client
                else logic.NO_CLIENT
            )
        except Exception as exc:  # a bug: shown beside the button, not lost in the kernel log
            outcome = logic.Outcome(
                False, f"Something went wrong ({type(exc).__name__}: {exc}); nothing was saved."
            )
        beside = False
        if not outcome.ok and outcome.field:
            row = next((r for r in self.rows if r.number == outcome.key), None)
            if row and outcome.field in row.fields:
                row.fields[outcome.field].show_error(outcome.message)
                beside = True
        if outcome.ok:  # the saved drafts leave the list; the others stay to be kept later
            self.rows = [r for r in self.rows if not r.keep.value]
            self.list.children = tuple(r.box for r in self.rows)
            self.save_button.disabled = not self.rows
        self.status.value = status_html(outcome, announced=beside)
        reload(self.wb)  # the actions form and its table show the new actions
        return outcome

    def use_goal(self) -> logic.Outcome:
        target = self.drafted.target if self.drafted else None
        outcome = (
            use_goal(self.wb.store, self.wb.client, self.goal.get(), target)
            if self.wb.client
            else logic.NO_CLIENT
        )
        self.goal_status.value = status_html(outcome)
        reload(self.wb)
        return outcome
