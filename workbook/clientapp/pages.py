"""What each page of the client app shows, one method per section.

A page makes one :class:`ClientPages` from its parameters (the client's id and the practice's
path, never client text) and calls a method per section. The case it holds is the client's view
(:func:`workbook.audience.client_view`): the whole case is read once, filtered, and dropped.
Client text is escaped by :func:`workbook.wording.esc` and dates worded by
:func:`workbook.wording.day`, as in the workbook (``report`` itself is not imported here: it
would load matplotlib into every page's kernel for nothing).
"""

from __future__ import annotations

import base64
import html
from datetime import date

import ipywidgets as w

from ..audience import CLIENT, client_view, may_do, may_see
from ..errors import WorkbookError
from ..model import Action
from ..practice import Practice
from ..summary import next_checkin
from ..wording import day, esc
from .checkin import SelfCheckinForm
from .serve import HOME

# The pages, in the order the landing page lists them: file name, title, what it holds.
PAGES: list[tuple[str, str, str]] = [
    ("01_goal_and_plan.ipynb", "Your goal and plan", "what you are working toward, step by step"),
    ("02_next_steps.ipynb", "Next steps", "what comes next, and a calendar to keep them in"),
    ("03_check_in.ipynb", "Check in", "tell your practitioner how things are going"),
]
STATUS_WORDS = {"todo": "to do", "doing": "under way", "done": "done", "dropped": "set aside"}
OWNER_WORDS = {"client": "you", "practitioner": "your practitioner", "shared": "both of you"}
STYLE = (
    "<style>.wb-client table{border-collapse:collapse;width:100%;margin:.4em 0 1em}"
    ".wb-client th,.wb-client td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;"
    "vertical-align:top}.wb-client p,.wb-client li,.wb-client td:first-child,.wb-client h2"
    "{overflow-wrap:anywhere}"
    ".wb-client a{color:#0b57d0;text-decoration:underline}"
    ".wb-overdue{color:#b71c1c;font-weight:bold}.wb-muted{color:#555}</style>"
)


class ClientPages:
    """One client's pages: their goal and plan, next steps, calendar and their own check-in."""

    def __init__(
        self,
        client: str,
        practice: str | None = None,
        db_url: str | None = None,
        today: date | None = None,
    ):
        if not client:
            raise WorkbookError("client: these pages are for one client, and none was given")
        self.client = client
        self.today = today or date.today()
        self.store = Practice.locate(practice or None, db_url or None).open(create=False)
        self.reload()

    def reload(self) -> None:
        self.case = client_view(self.store.load(self.client))

    def _show(self, body: str, name: str) -> w.HTML:
        return w.HTML(f'{STYLE}<div class="wb-client wb-client-{name}">{body}</div>')

    def open_actions(self) -> list[Action]:
        actions = self.case.plan.actions if self.case.plan else []
        return [a for a in actions if a.status not in ("done", "dropped")]

    # -- sections ---------------------------------------------------------------------------

    def header(self) -> w.HTML:
        """The client's name and a way to every page, at the top of each one."""
        links = " · ".join(f'<a href="{name}">{html.escape(title)}</a>' for name, title, _ in PAGES)
        return self._show(
            f"<h2>{esc(self.case.client.name)}: your action plan</h2>"
            f'<nav aria-label="Pages"><a href="{HOME}">Start</a> · {links}</nav>',
            "header",
        )

    def links(self) -> w.HTML:
        """The landing page: a link to each page, with a line on what it holds."""
        items = "".join(
            f'<li><a href="{name}">{html.escape(title)}</a>: {html.escape(about)}</li>'
            for name, title, about in PAGES
        )
        return self._show(
            "<p>These pages are yours: your plan as you and your practitioner wrote it, and a "
            "place to tell your practitioner how things are going between sessions.</p>"
            f"<ul>{items}</ul>",
            "links",
        )

    def plan(self) -> w.HTML:
        self._may("plan")
        plan, c = self.case.plan, self.case.client
        if plan is None:
            return self._show(
                f"<h3>Your goal</h3><p>{esc(c.goal)}</p>"
                '<p class="wb-muted">Your plan is not written yet; you will make it together '
                "at a coming session.</p>",
                "plan",
            )
        rows = "".join(
            f"<tr><td>{esc(a.text)}</td><td>{OWNER_WORDS[a.owner]}</td><td>{day(a.due)}</td>"
            f"<td>{STATUS_WORDS[a.status]}</td></tr>"
            for a in plan.actions
        )
        table = (
            "<table><thead><tr><th>Action</th><th>Who</th><th>By</th><th>Where it stands</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
            if rows
            else '<p class="wb-muted">No actions yet.</p>'
        )
        return self._show(
            f"<h3>Your goal</h3><p>{esc(plan.goal or c.goal)}</p>"
            f"<p>Target date: {day(plan.target)}</p><h3>The actions</h3>{table}",
            "plan",
        )

    def next_steps(self) -> w.HTML:
        self._may("next_steps")
        upcoming = sorted(
            (a for a in self.open_actions() if a.due is not None), key=lambda a: (a.due, a.id)
        )[:3]
        items = "".join(
            f"<li>{day(a.due)}: {esc(a.text)} ({OWNER_WORDS[a.owner]})"
            + (' <span class="wb-overdue">overdue</span>' if a.due < self.today else "")
            + "</li>"
            for a in upcoming
        )
        return self._show(
            "<h3>The next three actions</h3>"
            + (f"<ol>{items}</ol>" if items else '<p class="wb-muted">Nothing is due.</p>')
            + f"<h3>Your next check-in</h3><p>{day(next_checkin(self.case, self.today))}</p>",
            "next",
        )

    def calendar(self) -> w.HTML:
        """The calendar file (each action's date, weekly check-ins) as a download link."""
        self._may("calendar")
        from ..generate.export import calendar

        data = base64.b64encode(calendar(self.case, self.today)).decode("ascii")
        return self._show(
            "<h3>Your calendar</h3><p>Add your actions' dates and the weekly check-ins to your "
            "own calendar (Outlook, Google Calendar, Apple Calendar...):</p>"
            f'<p><a class="wb-calendar-download" download="{self.client}-calendar.ics" '
            f'href="data:text/calendar;base64,{data}">Download the calendar file (.ics)</a></p>',
            "calendar",
        )

    def checkin(self) -> SelfCheckinForm:
        if not may_do(CLIENT, "self_checkin"):
            raise WorkbookError("the client app cannot record check-ins")
        return SelfCheckinForm(self)

    def _may(self, section: str) -> None:
        if not may_see(CLIENT, section):
            raise WorkbookError(f"{section}: not part of the client's pages")
