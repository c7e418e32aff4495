"""The client's own check-in: saved marked as theirs, refused values named in words."""

from __future__ import annotations

from datetime import date

import pytest

from tests.clientapp.conftest import TODAY
from tests.conftest import minimal_case, snapshot
from workbook.clientapp.checkin import save_self_checkin
from workbook.forms import Workbook

DAY = date(2026, 11, 20)


def test_saved_as_the_clients_own(lana_store):
    before = lana_store.load("lana").checkins
    values = {"importance": 9, "confidence": 4, "progress": {"a1": 1, "a2": None}}
    outcome = save_self_checkin(lana_store, "lana", values | {"notes": "  Hard week.  "}, DAY)
    assert outcome.ok, outcome.message
    assert "20 November 2026" in outcome.message
    after = lana_store.load("lana").checkins
    assert after[: len(before)] == before and len(after) == len(before) + 1
    saved = after[-1]
    assert (saved.by, saved.date, saved.importance, saved.confidence) == ("client", DAY, 9, 4)
    assert saved.progress == {"a1": 1} and saved.notes == "Hard week."
    assert saved.buy_in is None and saved.supports == []


@pytest.mark.parametrize(
    ("values", "words", "field"),
    [
        (
            {"importance": 11},
            "How important the change is to you: must be a whole number",
            "importance",
        ),
        ({"confidence": "7"}, "How confident you are: must be a whole number", "confidence"),
        (
            {"progress": {"a9": 1}},
            "How your actions are going: there is no action 'a9'",
            "progress",
        ),
        ({"progress": {"a1": 5}}, "How your actions are going: must be a whole number", "progress"),
        ({"notes": 3}, "Your note: must be text", "notes"),
        ({"by": "practitioner", "importance": 3}, "by: is not something", None),
        ({"date": "2020-01-01", "importance": 3}, "date: is not something", None),
        ({"notes": "   "}, "Answer at least one question", None),
    ],
)
def test_refused_values_name_the_field_and_save_nothing(lana_store, values, words, field):
    before = snapshot(lana_store)
    outcome = save_self_checkin(lana_store, "lana", values, DAY)
    assert not outcome.ok
    assert outcome.message.startswith(words), outcome.message
    assert outcome.field == field
    assert "checkins[" not in outcome.message  # in words, not a field path
    assert snapshot(lana_store) == before


def test_refused_without_consent_to_keep_records(store):
    case = minimal_case()
    case.client.consent.records = False
    store.save(case)
    outcome = save_self_checkin(store, "new", {"importance": 5}, DAY)
    assert not outcome.ok and "agreement to keeping records" in outcome.message
    assert store.load("new").checkins == []


def test_form_saves_and_the_practitioners_step4_shows_it(pages, practice):
    form = pages.checkin()
    assert [f.name for f in form.actions] == [f"progress-{a.id}" for a in pages.open_actions()]
    form.importance.set(8)
    form.confidence.set(3)
    form.actions[0].set(-1)
    form.notes.set("I found it hard to ask for introductions.")
    outcome = form.save()
    assert outcome.ok, outcome.message
    assert "saved" in form.status.value and form.notes.get() == ""  # cleared for the next one

    step4 = Workbook("lana", str(practice.path), practice.db_url, today=TODAY)
    try:
        checkins = step4.form("checkins")
        table = checkins.table.value
        assert "I found it hard to ask for introductions." in table
        assert ">by<" in table and ">client<" in table
        key = len(step4.items("checkins")) - 1
        checkins.edit(key)
        assert checkins.fields["by"].get() == "client"
        assert checkins.save().ok  # the practitioner's edit keeps it the client's
        assert step4.items("checkins")[-1].by == "client"
    finally:
        step4.store.close()


def test_form_shows_a_refusal_beside_the_field(pages):
    form = pages.checkin()
    form.notes.set("")
    outcome = form.save()
    assert not outcome.ok and "Not saved." in form.status.value


def test_a_date_before_the_start_is_named_in_words(lana_store):
    before = snapshot(lana_store)
    outcome = save_self_checkin(lana_store, "lana", {"importance": 5}, date(2020, 1, 1))
    assert not outcome.ok and outcome.field == "date"
    assert outcome.message.startswith("Today's date: falls before the client's start date")
    assert snapshot(lana_store) == before


def test_a_client_removed_meanwhile_gets_no_command_advice(lana_store):
    outcome = save_self_checkin(lana_store, "nobody", {"importance": 5}, DAY)
    assert not outcome.ok and "nobody" in outcome.message
    assert "`" not in outcome.message and "workbook " not in outcome.message


def test_a_problem_in_the_practitioners_records_is_not_blamed_on_the_client(lana_store):
    from sqlalchemy import text

    with lana_store.transaction() as conn:  # text an older version allowed, over today's limit
        conn.execute(text("UPDATE clients SET situation = :s"), {"s": "old note " * 3000})
    before = snapshot(lana_store)
    outcome = save_self_checkin(lana_store, "lana", {"importance": 5, "notes": "Fine."}, DAY)
    assert not outcome.ok and outcome.field is None
    assert "practitioner's records" in outcome.message and "nothing you typed" in outcome.message
    assert "too long" not in outcome.message  # not about anything on the client's page
    assert snapshot(lana_store) == before
