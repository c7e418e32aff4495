"""From an executed workbook to the files a client can open: HTML, PDF and a calendar.

The HTML hides all code, embeds its images and fetches nothing (no CDN script, no web font,
and a Content-Security-Policy that forbids it). The PDF is that HTML printed by Chromium, with
every network request refused. The calendar holds each action's due date and the weekly
check-ins until the target date; the client's text in it (the calendar's name, each action as
its summary) is TEXT, escaped and folded by the icalendar library as RFC 5545 asks.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_private
from ..model import Case
from ..summary import next_checkin
from .offline import external_references

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

TEMPLATES = Path(__file__).with_name("nbtemplates")
_exporters = threading.local()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _exporter() -> HTMLExporter:
    """This thread's exporter (one thread at a time uses one). Made once: building one
    compiles its Jinja templates, which took two thirds of an export (0.3 s of 0.45 s per
    workbook). Of a notebook it has exported it keeps only the metadata, which :func:`html`
    drops after each export."""
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = _exporters.html = HTMLExporter(
            template_name="offline",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    return exporter


def load() -> None:
    """Make this thread's exporter now (a second of imports and templates), so a batch can
    do it while its zygote starts."""
    _exporter()


def html(nb: NotebookNode, title: str) -> str:
    nb = nb.copy()
    nb.metadata["title"] = title
    exporter = _exporter()
    try:
        body, _ = exporter.from_notebook_node(nb)
    finally:  # nbconvert keeps the last notebook's metadata (for its widgets' state)
        getattr(exporter, "_nb_metadata", {}).clear()
    outside = external_references(body)
    if outside:
        raise RuntimeError(f"the HTML would fetch {outside[0]!r} from outside the file")
    return body


class Printer:
    """One headless Chromium, reused for every PDF a process prints."""

    def __init__(self) -> None:
        self._playwright = self._browser = None

    def pdf(self, page_html: str, out: Path) -> None:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            if not Path(CHROMIUM).exists():
                raise RuntimeError("printing a PDF needs Chromium: apt-get install chromium")
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        page = self._browser.new_page()
        try:
            page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
            page.set_content(page_html, wait_until="load")
            printed = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
            write_private(out, printed)  # whole or not at all: the older copy stays till then
        finally:
            page.close()

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None


def calendar(case: Case, as_of: date) -> bytes:
    """An iCalendar file: each dated action, and weekly check-ins until the plan's target."""
    from icalendar import Calendar, Event, vText

    cal = Calendar()
    cal.add("prodid", "-//Action Plan Workbook//workbook//EN")
    cal.add("version", "2.0")
    # an X- property is written raw unless typed: as TEXT, a line break in the name is escaped
    cal.add("x-wr-calname", vText(f"Action plan: {case.client.name}"))
    stamp = datetime.combine(as_of, time(0, 0))
    actions = case.plan.actions if case.plan else []
    for action in actions:
        if action.due is None or action.status == "dropped":
            continue
        event = Event()
        event.add("uid", f"{case.client.id}-{action.id}@action-plan-workbook")
        event.add("dtstamp", stamp)
        event.add("summary", f"{action.id}: {action.text}")
        event.add("dtstart", action.due)
        event.add("dtend", action.due + timedelta(days=1))
        event.add("description", f"Owner: {action.owner}. Status when planned: {action.status}.")
        event.add("categories", ["action", action.owner])
        cal.add_component(event)
    target = case.plan.target if case.plan and case.plan.target else None
    day = next_checkin(case, as_of)
    n = 0
    while target and day <= target:
        event = Event()
        event.add("uid", f"{case.client.id}-checkin-{day.isoformat()}@action-plan-workbook")
        event.add("dtstamp", stamp)
        event.add("summary", "Weekly check-in")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add(
            "description",
            "Importance and confidence rulers, buy-in, supports, progress on each action.",
        )
        event.add("categories", ["check-in"])
        cal.add_component(event)
        day += timedelta(days=7)
        n += 1
    return cal.to_ical()
