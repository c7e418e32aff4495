"""The notebook session: one client in one practice, and the forms that capture their case.

A notebook makes one ``Workbook`` from its parameters cell and then asks it for a form per
section (``wb.form("stories")``). Every save goes straight to the store; nothing lives only in
widget state, so closing the browser or restarting the kernel loses nothing.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..audience import app_banner
from ..errors import WorkbookError
from ..model import Case
from ..practice import Practice
from ..sample import sample_case
from . import logic
from .nav import NavBar
from .record_form import RecordForm, SectionForm, table_html
from .specs import FORMS
from .start import Chooser

if TYPE_CHECKING:
    import pandas as pd

    from ..frames import Frames
    from .draft import DraftPanel
    from .views import LiveView


class Workbook:
    def __init__(
        self,
        client: str | None = None,
        practice: str | None = None,
        db_url: str | None = None,
        today: date | None = None,
    ):
        """``today`` fixes the day the forms take as today (tests); by default it is the clock's,
        read afresh each time, as a notebook may stay open past midnight."""
        self._today = today
        self.practice = Practice.locate(practice or None, db_url or None)
        self.store = self.practice.open()
        self.forms: list[RecordForm | SectionForm] = []
        self.views: list[NavBar] = []  # shown beside the forms, redrawn when the case changes
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

    def today(self) -> date:
        """The day new records are dated and check-ins are counted from."""
        return self._today or date.today()

    def items(self, kind: str) -> list[Any]:
        return logic.items(self.case, kind) if self.case else []

    def next_id(self, kind: str) -> str | None:
        return logic.next_id(self.case, kind) if self.case else None

    def changed(self) -> None:
        """Reload the case from the store and refresh every form (choices, tables, notes)."""
        self.case = self.store.load(self.client) if self.client else None
        for form in [*self.forms, *self.views]:
            form.refresh()
        self._render_header()

    # -- what notebooks display -----------------------------------------------------------------

    def header(self) -> w.HTML:
        return self._header

    def form(self, name: str) -> RecordForm | SectionForm:
        form = FORMS[name](self)
        self.forms.append(form)
        return form

    def draft(self, as_of: date | None = None) -> DraftPanel:
        """Step 3's "Draft the plan" panel: drafted actions to keep, edit and save in one step."""
        from .draft import DraftPanel

        return DraftPanel(self, as_of)

    def view(self, name: str) -> LiveView:
        """What the records add up to, shown under a step's forms and redrawn after every save
        (``skills`` for step 1, ``ideas`` step 2, ``weighed`` step 3, ``progress`` step 4)."""
        from .views import LiveView  # pandas and matplotlib: only in notebooks with a view

        view = LiveView(self, name)
        self.views.append(view)
        return view

    @property
    def frames(self) -> Frames:
        """The client's records as pandas DataFrames, read afresh from the store each time.

        One frame per record type: ``client``, ``attempts``, ``stories``, ``story_skills``
        (one row per story and skill), ``ideas``, ``interviews``, ``actions``, ``checkins``,
        ``progress`` (one row per check-in and action scored) and ``reflections``; the
        aggregations in :mod:`workbook.frames` (``skills_ranked``, ``ideas_weighed``...)
        take the whole object. ``wb.frames.ideas.sort_values("fit")`` is a start.
        """
        from ..frames import load_frames  # pandas: only when asked for

        if not self.client:
            raise WorkbookError(
                self.problem or "No client is chosen; choose or create one in start-here."
            )
        return load_frames(self.store, self.client)

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

    def navigation(self, step: str) -> NavBar:
        """The bar at the top of a step's notebook: start-here, the previous and next steps,
        and the client's progress through the method (redrawn after every save)."""
        # where `prepare` puts the client's notebooks
        folder = self.practice.notebooks(self.client) if self.client else Path.cwd()
        bar = NavBar(step, folder, lambda: self.case)
        self.views.append(bar)
        return bar

    def caseload(self, as_of: date | str | None = None) -> pd.DataFrame:
        """The practice's caseload as a DataFrame: every client, most urgent first (see
        :mod:`workbook.caseload`; the ``caseload`` notebook and command show the same)."""
        from ..caseload import caseload

        day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return caseload(self.store, day or self.today())

    def chooser(self) -> Chooser:
        """The start-here chooser (for start-here copies made before it moved to the practice
        folder): it shows links to a client's notebooks, and never switches this session."""
        return Chooser(self.practice, self.store, self.client, today=self.today())

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
        self._header.value = f"{app_banner()}<p>{text}</p>"  # app: "not for clients"


def sample_html(name: str) -> str:
    """The sample client's records for one form, as an escaped HTML table."""
    case = sample_case()
    intake = ("situation", "history", "aspirations", "challenges", "goal")
    sections = {
        "intake": lambda: [{"field": k, "Lana": getattr(case.client, k)} for k in intake],
        "permission": lambda: [case.permission.model_dump()],
        "plan": lambda: [{"goal": case.plan.goal, "target": case.plan.target}],
    }
    rows = sections[name]() if name in sections else logic.records_table(case, name)
    return table_html(rows)
