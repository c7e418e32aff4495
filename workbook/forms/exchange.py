"""Start-here on a hub: **Hand in** (trainees), **Send to supervisor** (practitioners), the
fidelity feedback a trainee was given, and the cases sent to a supervisor.

The buttons ask the hub's exchange service (``WORKBOOK_EXCHANGE_URL``, set by the hub for
every person's server) with the person's own hub token (``JUPYTERHUB_API_TOKEN``); the
service makes the copies as root, so nothing here can write into an inbox. Off a hub (no
such variables) none of this is shown. Every text shown is escaped.
"""

from __future__ import annotations

import html
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import ipywidgets as w

from ..errors import WorkbookError
from ..workshop import FEEDBACK, TRAINEE

URL_VARIABLE = "WORKBOOK_EXCHANGE_URL"
SUPERVISION = "supervision"
STATUS_WORDS = {"pass": "passed", "warn": "to improve", "fail": "failed"}


class ExchangeError(WorkbookError):
    """The exchange refused or could not be reached; the message is for the person."""


class Exchange:
    """The hub's exchange service, as the person whose server this is."""

    def __init__(self, env: dict[str, str] | None = None):
        env = os.environ if env is None else env
        self.url = (env.get(URL_VARIABLE) or "").rstrip("/")
        self.token = env.get("JUPYTERHUB_API_TOKEN") or ""

    @property
    def available(self) -> bool:
        return bool(self.url and self.token)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=300) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error")
            except ValueError:
                message = None
            raise ExchangeError(message or f"the exchange answered {exc.code}") from None
        except OSError as exc:
            raise ExchangeError(f"the hub's exchange did not answer ({exc})") from None

    def whoami(self) -> dict:
        return self.call("GET", "/")

    def hand_in(self, workshop: str | None = None) -> dict:
        return self.call("POST", "/hand-in", {"workshop": workshop})

    def send(self, client: str, supervisor: str) -> dict:
        return self.call("POST", "/supervision", {"client": client, "supervisor": supervisor})


def _status(ok: bool, message: str) -> str:
    cls = "wb-ok" if ok else "wb-error"
    role = "status" if ok else "alert"
    return f'<p class="{cls}" role="{role}">{html.escape(message)}</p>'


# -- trainees --------------------------------------------------------------------------------
def workshop_of(practice: Path) -> str | None:
    """The hub workshop this practice was handed out for (``workshop create --hub``)."""
    try:
        return json.loads((practice / TRAINEE).read_text("utf-8")).get("workshop")
    except (OSError, ValueError, AttributeError):
        return None


def read_feedback(practice: Path) -> list[dict]:
    """The fidelity feedback given in the practice (``feedback/WORKSHOP.json``), by name."""
    found = []
    for path in sorted((practice / FEEDBACK).glob("*.json")):
        try:
            found.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return found


def feedback_html(items: list[dict]) -> str:
    parts = []
    for item in items:
        rows = "".join(
            f"<tr><td>{html.escape(str(f.get('name', f.get('check', ''))))}</td>"
            f"<td>{html.escape(STATUS_WORDS.get(f.get('status'), str(f.get('status'))))}</td>"
            f"<td>{html.escape(str(f.get('message', '')))}</td></tr>"
            for f in item.get("findings", [])
        )
        parts.append(
            f"<h4>Feedback on your hand-in for {html.escape(str(item.get('workshop', '')))}</h4>"
            f"<p>Handed in {html.escape(str(item.get('handed_in', '')))}; checked as of "
            f"{html.escape(str(item.get('as_of', '')))}.</p>"
            "<table><thead><tr><th>check</th><th>result</th><th>what to do</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return '<div class="wb-feedback">' + "".join(parts) + "</div>"


class HandIn:
    """The **Hand in** button: a snapshot of the practice, as it is now, to the workshop."""

    def __init__(self, exchange: Exchange, workshop: str | None):
        self.exchange, self.workshop = exchange, workshop
        self.button = w.Button(description="Hand in", icon="upload", button_style="primary")
        self.button.add_class("wb-hand-in")
        self.status = w.HTML()
        self.status.add_class("wb-hand-in-status")
        self.button.on_click(lambda _: self.hand_in())
        intro = w.HTML(
            "<p>When your work is ready, hand it in: a copy of your practice as it is now goes "
            "to your educators. You can hand in again later; the newest copy counts.</p>"
        )
        self.widget = w.VBox([intro, self.button, self.status])

    def hand_in(self) -> bool:
        self.button.disabled = True
        try:
            done = self.exchange.hand_in(self.workshop)
        except ExchangeError as exc:
            self.status.value = _status(False, f"Not handed in: {exc}")
            return False
        finally:
            self.button.disabled = False
        self.status.value = _status(
            True, f"Handed in to {done['workshop']} at {done['handed_in']} (UTC)."
        )
        return True


# -- practitioners and supervisors -----------------------------------------------------------
class SendToSupervisor:
    """**Send to supervisor**: a de-identified copy of this client's case, if they consented."""

    def __init__(self, exchange: Exchange, client: str, supervisors: list[str], consented: bool):
        self.exchange, self.client = exchange, client
        self.pick = w.Dropdown(options=supervisors, description="Supervisor")
        self.pick.add_class("wb-supervisor")
        self.button = w.Button(description="Send to supervisor", icon="share")
        self.button.add_class("wb-send-supervisor")
        self.status = w.HTML()
        self.status.add_class("wb-send-status")
        self.button.on_click(lambda _: self.send())
        note = (
            "A de-identified copy (names, places and contacts replaced, dates moved) goes to "
            "the supervisor you choose, who alone can read it."
            if consented
            else "This client has not consented to a de-identified copy being shared, so it "
            "cannot be sent; record their consent in the intake first."
        )
        self.widget = w.VBox(
            [w.HTML(f"<p>{html.escape(note)}</p>"), w.HBox([self.pick, self.button]), self.status]
        )

    def send(self) -> bool:
        if not self.pick.value:
            self.status.value = _status(False, "There is no supervisor on this hub to send to.")
            return False
        try:
            done = self.exchange.send(self.client, self.pick.value)
        except ExchangeError as exc:
            self.status.value = _status(False, f"Not sent: {exc}")
            return False
        self.status.value = _status(
            True, f"Sent a de-identified copy to {done['supervisor']} ({done['summary']})."
        )
        return True


def received(practice: Path) -> list[Path]:
    """The de-identified cases sent to this person for supervision, newest last."""
    folder = practice / SUPERVISION
    found = folder.glob("*/*.yaml") if folder.is_dir() else []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def received_html(practice: Path) -> str:
    items = "".join(
        f"<li>{html.escape(p.parent.name)}: {html.escape(p.name)}</li>" for p in received(practice)
    )
    return (
        "<h4>Cases sent to you for supervision</h4>"
        f"<p>In your practice's <code>{SUPERVISION}</code> folder (de-identified):</p>"
        f"<ul>{items}</ul>"
    )
