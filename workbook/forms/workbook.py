"""The notebook session: one client in one practice, and the forms that capture their case.

A notebook makes one ``Workbook`` from its parameters cell and then asks it for a form per
section (``wb.form("stories")``). Every save goes straight to the store; nothing lives only in
widget state, so closing the browser or restarting the kernel loses nothing.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as w
import pandas as pd

from ..errors import WorkbookError
from ..model import Case
from ..practice import Practice
from ..sample import sample_case
from . import logic
from .fields import ChoiceField, DateField, TextField
from .record_form import RecordForm, SectionForm, status_html, table_html
from .specs import FORMS, YES_NO


class Workbook:
    def __init__(
        self, client: str | None = None, practice: str | None = None, db_url: str | None = None
    ):
        self.practice = Practice.locate(practice or None, db_url or None)
        self.store = self.practice.open()
        self.forms: list[RecordForm | SectionForm] = []
        self.problem = ""
        ids = self.store.client_ids()
        self.client: str | None = client or (ids[0] if ids else None)
        if client and client not in ids:
            # never fall back to another client: their records would get this one's entries
            self.problem = (
                f"There is no client {client!r} in the practice at {self.practice.path}; "
                "choose or create one in the start-here notebook."
            )
            self.client = None
        self.case: Case | None = self.store.load(self.client) if self.client else None
        self._header = w.HTML()
        self._header.add_class("wb-header")
        self._render_header()

    # -- state ----------------------------------------------------------------------------------

    def items(self, kind: str) -> list[Any]:
        return logic.items(self.case, kind) if self.case else []

    def next_id(self, kind: str) -> str | None:
        return logic.next_id(self.case, kind) if self.case else None

    def changed(self) -> None:
        """Reload the case from the store and refresh every form (choices, tables, notes)."""
        self.case = self.store.load(self.client) if self.client else None
        for form in self.forms:
            form.refresh()
        self._render_header()

    def use(self, client: str) -> None:
        self.client = client
        self.problem = ""
        self.changed()
        for form in self.forms:
            if isinstance(form, RecordForm):
                form.new()

    # -- what notebooks display -----------------------------------------------------------------

    def header(self) -> w.HTML:
        return self._header

    def form(self, name: str) -> RecordForm | SectionForm:
        form = FORMS[name](self)
        self.forms.append(form)
        return form

    def example(self, name: str) -> w.VBox:
        """Lana's records of this kind, from the sample case, folded away until opened.

        A toggle button opens and closes it: an Accordion's header cannot be reached from the
        keyboard.
        """
        body = w.HTML(sample_html(name), layout=w.Layout(display="none"))
        body.add_class(f"wb-example-{name}")
        closed, opened = "See a good example: the sample client, Lana", "Hide the example"
        toggle = w.ToggleButton(
            description=closed,
            icon="caret-right",
            layout=w.Layout(width="auto"),
        )
        toggle.add_class(f"wb-example-{name}-toggle")

        def show(change: dict) -> None:
            body.layout.display = None if change["new"] else "none"
            toggle.icon = "caret-down" if change["new"] else "caret-right"
            toggle.description = opened if change["new"] else closed  # says what a press does

        toggle.observe(show, names="value")
        return w.VBox([toggle, body])

    def chooser(self) -> w.VBox:
        """Pick the client to work on, create a new one, or copy the sample to practise on."""
        pick = w.Dropdown(description="Client", layout=w.Layout(width="30em"))
        pick.add_class("wb-client-chooser")

        def fill() -> None:
            pick.options = [(f"{s.id} · {s.name}", s.id) for s in self.store.summaries()]
            pick.value = self.client if self.client in {v for _, v in pick.options} else None

        fill()
        pick.observe(
            lambda c: c["new"] and c["new"] != self.client and self.use(c["new"]), names="value"
        )
        fields = [
            TextField("id", "Id", "lower-case letters, digits and hyphens, e.g. maria-r"),
            TextField("name", "Name"),
            DateField("started", "Started"),
            ChoiceField("records", "The client consents to records being kept", YES_NO),
            ChoiceField(
                "share_deidentified",
                "...and to a de-identified copy being shared with a supervisor",
                YES_NO,
            ),
        ]
        for f in fields:
            f.tag("newclient")
        fields[2].set(date.today())
        create = w.Button(description="Create client", button_style="primary", icon="plus")
        copy = w.Button(description="Copy the sample to practise", icon="copy")
        create.add_class("wb-newclient-save")
        copy.add_class("wb-newclient-copy")
        status = w.HTML()
        status.add_class("wb-newclient-status")

        def done(outcome: logic.Outcome) -> None:
            for f in fields:
                f.show_error(f.name == outcome.field and not outcome.ok and outcome.message or None)
            status.value = status_html(outcome, announced=outcome.field in {f.name for f in fields})
            if outcome.ok:
                fill()
                pick.value = outcome.key

        def on_create(_: Any) -> None:
            done(logic.create_client(self.store, {f.name: f.get() for f in fields}))

        def on_copy(_: Any) -> None:
            values = {f.name: f.get() for f in fields}
            try:
                case = logic.copy_sample(
                    self.store,
                    (values["id"] or "").strip(),
                    (values["name"] or "").strip() or "Practice client",
                )
            except WorkbookError as exc:
                done(
                    logic.Outcome(
                        False,
                        getattr(exc, "message", str(exc)),
                        logic.field_of(getattr(exc, "path", "client.id")),
                    )
                )
            else:
                done(
                    logic.Outcome(
                        True, f"Copied the sample into {case.client.id}.", key=case.client.id
                    )
                )

        create.on_click(on_create)
        copy.on_click(on_copy)
        return w.VBox(
            [
                pick,
                w.HTML("<h4>Or a new client</h4>"),
                *(f.box for f in fields),
                w.HBox([create, copy]),
                status,
            ]
        )

    def _render_header(self) -> None:
        where = html.escape(self.practice.path.resolve().name)  # not the server's full path
        if self.case:
            c = self.case.client
            text = (
                f"<b>Client:</b> {html.escape(c.name)} ({html.escape(c.id)}) · started "
                f"{c.started.isoformat()} · <b>practice:</b> {where}"
            )
        else:
            text = f"<b>No client chosen</b> · practice: {where}"
        if self.problem:
            text += f'<br><span style="color:#b00020">{html.escape(self.problem)}</span>'
        self._header.value = f"<p>{text}</p>"


def sample_html(name: str) -> str:
    """The sample client's records for one form, as an escaped HTML table."""
    case = sample_case()
    sections = {
        "intake": lambda: (
            pd.DataFrame(
                [
                    {
                        k: v
                        for k, v in case.client.model_dump().items()
                        if k in ("situation", "history", "aspirations", "challenges", "goal")
                    }
                ]
            )
            .T.reset_index()
            .set_axis(["field", "Lana"], axis=1)
        ),
        "permission": lambda: pd.DataFrame([case.permission.model_dump()]),
        "plan": lambda: pd.DataFrame([{"goal": case.plan.goal, "target": case.plan.target}]),
    }
    df = sections[name]() if name in sections else logic.records_table(case, name)
    return table_html(df)
