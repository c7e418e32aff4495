"""The audience module: what the practitioner and the client may each see and do."""

from __future__ import annotations

import json

import pytest

from workbook import audience
from workbook.errors import WorkbookError
from workbook.model import Checkin
from workbook.report import Report

MARK = "PRIVATE-MARKER-"


def _marked(case):
    """Lana with a private marker in every place the client must never see."""
    case = case.model_copy(deep=True)
    case.reflections[0].entries = {k: MARK + "reflection" for k in case.reflections[0].entries}
    case.checkins[0].notes = MARK + "checkin-note"
    case.client.situation = MARK + "situation"
    case.stories[0].text = MARK + "story"
    case.checkins.append(
        Checkin(date=case.checkins[-1].date, importance=7, notes="My own words", by="client")
    )
    return case


def test_the_client_never_sees_private_sections():
    for section in ("reflections", "fidelity", "other_clients", "something_new"):
        assert not audience.may_see("client", section)
    for section in ("plan", "next_steps", "calendar", "checkins"):
        assert audience.may_see("client", section)
    assert all(audience.may_see("practitioner", s) for s in ("reflections", "fidelity", "plan"))


def test_only_the_practitioner_creates_copies_or_deletes():
    for action in ("choose_client", "create_client", "copy_sample", "delete", "edit_records"):
        assert audience.may_do("practitioner", action)
        assert not audience.may_do("client", action)
    assert audience.may_do("client", "self_checkin")


def test_an_unknown_audience_is_one_line_naming_it():
    with pytest.raises(WorkbookError, match=r"^audience: must be one of .* \(got 'public'\)$"):
        audience.may_see("public", "plan")


def test_client_view_holds_nothing_private(lana):
    view = audience.client_view(_marked(lana))
    dumped = json.dumps(view.model_dump(mode="json"))
    assert MARK not in dumped
    assert view.reflections == [] and view.stories == [] and view.ideas == []
    assert view.plan.goal == lana.plan.goal
    assert [a.id for a in view.plan.actions] == [a.id for a in lana.plan.actions]
    assert view.checkins[-1].notes == "My own words"  # the client's own note stays theirs
    assert all(k.notes is None for k in view.checkins if k.by != "client")


def test_notes_and_authors_in_words(lana):
    theirs = Checkin(date=lana.client.started, notes="mine", by="client")
    ours = Checkin(date=lana.client.started, notes="private")
    assert audience.note_shown("client", theirs) == "mine"
    assert audience.note_shown("client", ours) is None
    assert audience.note_shown("practitioner", ours) == "private"
    assert audience.recorded_by("practitioner", theirs) == "the client, in their app"
    assert audience.recorded_by("practitioner", ours) == "practitioner"
    assert audience.recorded_by("client", theirs) == "you, in your app"


def test_app_banner_only_in_the_practitioner_app(monkeypatch):
    monkeypatch.delenv(audience.ENV, raising=False)
    assert audience.app_banner() == ""
    monkeypatch.setenv(audience.ENV, "practitioner")
    assert "not for clients" in audience.app_banner()


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(Report, "_show", lambda self, body: out.append(body))
    monkeypatch.setattr(Report, "_figure", lambda self, fig: None)
    return out


def test_workbook_shows_the_clients_own_checkin_beside_the_practitioners(
    store, practice, lana, shown
):
    store.save(_marked(lana))
    for who in ("client", "practitioner"):
        report = Report("lana", str(practice.path), practice.db_url, "2026-11-01", who)
        report.checkins()
        report.reflections()
        report.fidelity()
    client, practitioner = shown[0], "".join(shown[1:])
    assert len(shown) == 1 + 3  # the client's copy: check-ins only, nothing from the others
    assert "Recorded by" in client and "you, in your app" in client
    assert "My own words" in client and MARK not in client
    assert "the client, in their app" in practitioner and MARK + "checkin-note" in practitioner
