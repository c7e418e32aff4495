"""The start-here notebook: the practice's clients, a new client, or a copy of the sample.

The chooser never switches a notebook to another client. Every client works through their own
notebooks (``notebooks/<client>/``, each given the client's id), so choosing, creating or copying
a client writes that client's notebooks (as ``workbook prepare`` does) and shows links that open
them: in JupyterLab in the client's own workspace, in Voilà as the app's pages. A trainee who
copies the sample is taken to the copy's notebooks, never back to the sample's.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as w

from ..audience import app_banner
from ..errors import WorkbookError
from ..practice import Practice
from ..store import Store
from . import logic
from .exchange import (
    Exchange,
    ExchangeError,
    HandIn,
    SendToSupervisor,
    feedback_html,
    read_feedback,
    received,
    received_html,
    workshop_of,
)
from .fields import YES_NO, ChoiceField, DateField, TextField
from .links import Server, current_server, html_output
from .nav import STYLE, steps_html
from .record_form import status_html


class Chooser:
    """Pick a client to open their notebooks; create a client; copy the sample to practise on."""

    def __init__(
        self,
        practice: Practice,
        store: Store,
        selected: str | None = None,
        server: Server | None = None,
        today: date | None = None,
        hub: HubSession | None = None,
    ):
        self.practice, self.store, self.server = practice, store, server
        self.hub = hub or HubSession(practice)
        self.supervision = w.VBox()  # Send to supervisor, on a hub, for a practitioner
        self.supervision.add_class("wb-supervision")
        self.pick = w.Dropdown(description="Client", layout=w.Layout(width="30em"))
        self.pick.add_class("wb-client-chooser")
        self.links = w.Output()
        self.links.add_class("wb-client-links")
        self.fields = [
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
        for f in self.fields:
            f.tag("newclient")
        self.fields[2].set(today or date.today())  # a new client starts today
        whole = w.Layout(width="auto")  # the labels are shown whole, never cut off
        self.create = w.Button(
            description="Create client", button_style="primary", icon="plus", layout=whole
        )
        self.copy = w.Button(description="Copy the sample to practise", icon="copy", layout=whole)
        self.create.add_class("wb-newclient-save")
        self.copy.add_class("wb-newclient-copy")
        self.status = w.HTML()
        self.status.add_class("wb-newclient-status")
        self.create.on_click(lambda _: self.create_client())
        self.copy.on_click(lambda _: self.copy_sample())
        self._fill(selected)
        self.pick.observe(lambda c: self.show(c["new"]), names="value")
        self.show(self.pick.value)
        self.widget = w.VBox(
            [
                self.pick,
                self.links,
                self.supervision,
                w.HTML("<h4>Or a new client</h4>"),
                *(f.box for f in self.fields),
                w.HBox([self.create, self.copy]),
                self.status,
            ]
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _fill(self, selected: str | None) -> None:
        self.pick.options = [(f"{s.id} · {s.name}", s.id) for s in self.store.summaries()] or [
            ("—", None)  # an empty drop-down says so, rather than showing a blank box
        ]
        ids = {v for _, v in self.pick.options}
        self.pick.value = selected if selected in ids else None

    def values(self) -> dict[str, Any]:
        return {f.name: f.get() for f in self.fields}

    # -- what the controls do -------------------------------------------------------------------

    def show(self, client: str | None) -> None:
        """Write the client's notebooks if missing, and show links that open them."""
        if not client:
            self.links.outputs = ()
            self.supervision.children = ()
            return
        from ..notebooks import notebooks_dir, prepare

        prepare(self.practice, client)
        case = self.store.load(client)
        here = notebooks_dir(self.practice)
        server = self.server or current_server()
        body = steps_html(case, notebooks_dir(self.practice, client), here, None, server, client)
        where = "in a new browser tab, in its own workspace" if server.kind == "lab" else ""
        intro = (
            f"<p><b>{html.escape(case.client.name)}</b> ({html.escape(case.client.id)}): "
            f"open a notebook{' ' + where if where else ''}.</p>"
        )
        self.links.outputs = html_output(f'{STYLE}<div class="wb-nav">{intro}{body}</div>')
        sender = self.hub.sender(client, case.client.consent.share_deidentified)
        self.supervision.children = (sender.widget,) if sender else ()

    @property
    def links_html(self) -> str:
        return self.links.outputs[0]["data"]["text/html"] if self.links.outputs else ""

    def create_client(self) -> logic.Outcome:
        return self._done(logic.create_client(self.store, self.values()))

    def copy_sample(self) -> logic.Outcome:
        values = self.values()
        try:
            case = logic.copy_sample(
                self.store,
                (values["id"] or "").strip(),
                (values["name"] or "").strip() or "Practice client",
            )
        except WorkbookError as exc:
            outcome = logic.Outcome(
                False,
                logic.explain(exc),
                logic.field_of(getattr(exc, "path", "client.id")),
            )
        else:
            outcome = logic.Outcome(
                True,
                f"Copied the sample into {case.client.id}; its notebooks are below.",
                key=case.client.id,
            )
        return self._done(outcome)

    def _done(self, outcome: logic.Outcome) -> logic.Outcome:
        for f in self.fields:
            f.show_error(outcome.message if f.name == outcome.field and not outcome.ok else None)
        beside = not outcome.ok and outcome.field in {f.name for f in self.fields}
        self.status.value = status_html(outcome, announced=beside)
        if outcome.ok:
            self._fill(str(outcome.key))  # shows the client's links (the observer fires)
            if self.pick.value != outcome.key:
                self.show(str(outcome.key))
        return outcome


class StartHere:
    """The start-here notebook's session: the practice, its clients, no client of its own."""

    def __init__(self, practice: str | None = None, db_url: str | None = None):
        self.practice = Practice.locate(practice or None, db_url or None)
        self.store = self.practice.open(create=False)

    def header(self) -> w.HTML:
        where = html.escape(self.practice.path.resolve().name)  # not the server's full path
        count = len(self.store.client_ids())
        box = w.HTML(f"{app_banner()}<p><b>Practice:</b> {where} · {count} client(s)</p>")
        box.add_class("wb-header")
        return box

    def chooser(self) -> Chooser:
        return Chooser(self.practice, self.store, hub=self.hub)

    @property
    def hub(self) -> HubSession:
        if not hasattr(self, "_hub"):
            self._hub = HubSession(self.practice)
        return self._hub

    def exchange(self) -> w.VBox:
        """On a hub: a trainee's Hand in and feedback, the cases sent to a supervisor."""
        return self.hub.panel()


class HubSession:
    """What start-here offers on a hub, decided once per session from the exchange service's
    answer about this person (their role, their workshops, the hub's supervisors)."""

    def __init__(self, practice: Practice, exchange: Exchange | None = None):
        self.practice = practice
        self.exchange = exchange or Exchange()
        self._me: dict | None = None

    def me(self) -> dict:
        if self._me is None:
            self._me = {}
            if self.exchange.available:
                try:
                    self._me = self.exchange.whoami()
                except ExchangeError:
                    self._me = {}
        return self._me

    def sender(self, client: str, consented: bool) -> SendToSupervisor | None:
        me = self.me()
        if me.get("role") != "practitioner":
            return None
        return SendToSupervisor(self.exchange, client, me.get("supervisors", []), consented)

    def panel(self) -> w.VBox:
        folder = self.practice.path
        parts: list[w.Widget] = []
        workshop = workshop_of(folder)
        if workshop and self.exchange.available:
            parts.append(w.HTML(f"<h3>Your workshop: {html.escape(workshop)}</h3>"))
            parts.append(HandIn(self.exchange, workshop).widget)
        feedback = read_feedback(folder)
        if feedback:
            shown = w.HTML(STYLE + feedback_html(feedback))
            shown.add_class("wb-feedback-view")
            parts.append(shown)
        if received(folder):
            parts.append(w.HTML(received_html(folder)))
        box = w.VBox(parts)
        box.add_class("wb-exchange")
        return box
