"""Supervision over the hub (issue 11, point 5), with real accounts, as root: a de-identified
copy of a consenting client's case lands in the chosen supervisor's practice, readable by that
supervisor only; without consent it is refused as ``workbook deidentify`` refuses, and nothing
is written."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hub.offline import can_read, offline_hub  # noqa: F401

pytestmark = pytest.mark.hub


@pytest.fixture(scope="module")
def people(offline_hub):  # noqa: F811
    """A practitioner with two clients (one consenting to sharing, one not), two supervisors."""
    from workbook.hub.asuser import call_as
    from workbook.sample import sample_case

    practitioner = offline_hub.add("practitioner")
    supervisors = [offline_hub.add("supervisor"), offline_hub.add("supervisor")]

    def practice() -> None:
        from workbook.practice import Practice

        consenting = sample_case()
        refusing = consenting.model_copy(deep=True)
        refusing.client.id = "lana-private"
        refusing.client.consent.share_deidentified = False
        with Practice(Path.home() / "practice").open() as store:
            store.save_all([consenting, refusing])

    call_as(offline_hub.entry(practitioner), practice)
    return {"practitioner": practitioner, "supervisors": supervisors}


def test_refused_without_consent_as_deidentify_refuses(offline_hub, people):  # noqa: F811
    from workbook.hub import exchange
    from workbook.hub.asuser import call_as

    practitioner = offline_hub.entry(people["practitioner"])
    supervisor = people["supervisors"][0]
    planted = Path(practitioner.pw_dir) / "workbook"

    def plant() -> None:  # a package of their own where the copy is made: it must not be run
        planted.mkdir()
        (planted / "__init__.py").write_text("import os\nos.write(1, b'{}')\nos._exit(0)\n")

    call_as(practitioner, plant)
    try:
        with pytest.raises(exchange.Refused) as refused:
            exchange.send_to_supervisor(
                offline_hub.layout, people["practitioner"], "lana-private", supervisor
            )
    finally:
        shutil.rmtree(planted)
    cli = subprocess.run(  # the same refusal from the command line, as the practitioner
        ["runuser", "-u", practitioner.pw_name, "--", str(Path(sys.executable).parent / "workbook"),
         "--practice", f"{practitioner.pw_dir}/practice", "deidentify", "lana-private",
         "-o", "/tmp/never.yaml"],
        capture_output=True, text=True, cwd="/",
    )  # fmt: skip
    assert cli.returncode == 1
    assert str(refused.value) == cli.stderr.strip().removeprefix("workbook: error: ")
    inbox = Path(offline_hub.entry(supervisor).pw_dir) / "practice" / "supervision"
    assert not list(inbox.rglob("lana-private*"))  # nothing of her (other tests may send Lana)


def test_copy_lands_for_that_supervisor_only(offline_hub, people, monkeypatch):  # noqa: F811
    from workbook.casefile import read_case
    from workbook.hub import exchange

    def no_fork() -> int:  # the service calls this from worker threads: a fork there can hang
        raise AssertionError("the copy was written by forking the service")

    monkeypatch.setattr(os, "fork", no_fork)
    first, second = people["supervisors"]
    done = exchange.send_to_supervisor(offline_hub.layout, people["practitioner"], "lana", first)
    monkeypatch.undo()
    entry = offline_hub.entry(first)
    copy = Path(entry.pw_dir) / "practice" / done["file"]
    found = copy.stat()
    assert (found.st_uid, stat.S_IMODE(found.st_mode)) == (entry.pw_uid, 0o600)
    text = copy.read_text()
    assert "Lana" not in text  # de-identified: the client's name replaced
    assert read_case(copy).client.name != "Lana"
    assert can_read(entry.pw_name, copy)
    assert not can_read(f"wb-{second}", copy)
    assert not can_read(f"wb-{people['practitioner']}", copy)


def test_only_practitioners_send_and_only_to_supervisors(offline_hub, people):  # noqa: F811
    from workbook.hub import exchange

    first, second = people["supervisors"]
    with pytest.raises(exchange.Refused, match="not a practitioner"):
        exchange.send_to_supervisor(offline_hub.layout, first, "lana", second)
    with pytest.raises(exchange.Refused, match="not a supervisor"):
        exchange.send_to_supervisor(
            offline_hub.layout, people["practitioner"], "lana", people["practitioner"]
        )


def test_start_here_offers_send_for_a_practitioner_and_shows_what_a_supervisor_got(
    offline_hub,  # noqa: F811
    people,
):
    """Start-here's panel, with the exchange's answer about the person stubbed (the service
    itself is tested in test_service.py)."""
    from workbook.forms.exchange import Exchange
    from workbook.forms.start import Chooser, HubSession
    from workbook.hub import exchange
    from workbook.practice import Practice

    first = people["supervisors"][0]
    exchange.send_to_supervisor(offline_hub.layout, people["practitioner"], "lana", first)

    class Told(Exchange):
        def __init__(self, role: str):
            super().__init__({"WORKBOOK_EXCHANGE_URL": "http://x", "JUPYTERHUB_API_TOKEN": "t"})
            self.role = role

        def whoami(self) -> dict:
            return {"role": self.role, "supervisors": people["supervisors"], "workshops": []}

    mine = Practice(Path(offline_hub.entry(people["practitioner"]).pw_dir) / "practice")
    with mine.open(create=False) as store:
        chooser = Chooser(mine, store, selected="lana", hub=HubSession(mine, Told("practitioner")))
        (sender,) = chooser.supervision.children
        assert list(sender.children[1].children[0].options) == people["supervisors"]
        chooser.pick.value = "lana-private"
        (sender,) = chooser.supervision.children
        assert "has not consented" in sender.children[0].value
    theirs = Practice(Path(offline_hub.entry(first).pw_dir) / "practice")
    panel = HubSession(theirs, Told("supervisor")).panel()
    shown = "".join(getattr(c, "value", "") for c in panel.children)
    assert "Cases sent to you for supervision" in shown and people["practitioner"] in shown
