"""What the forms say: what happened after each save and delete, refusals in the form's own
words (a record by its id, a field by its label), never a command; and forms that show the
records as the store holds them now, whoever changed them."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from tests.conftest import minimal_case, snapshot
from workbook.forms import Workbook, messages
from workbook.model import validate_case

# What no form message may hold: a case-file path, or advice meant for the command line.
PATHISH = re.compile(r"\w\[\d+\]|\bplan\.actions|\bclient\.\w|`|--[a-z]|\bworkbook [a-z]")


def _said(form) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", form.status.value))


def _clean(text: str) -> str:
    assert not PATHISH.search(text), text
    return text


def test_save_changes_and_delete_say_what_happened(wb):
    stories = wb.form("stories")
    stories.chooser.value = "s2"
    stories.fields["title"].set("The food drive")
    stories.save_button.click()
    assert "Saved changes to story s2" in _said(stories)
    ideas = wb.form("ideas")
    ideas.chooser.value = "i4"
    ideas.delete_button.click()
    ideas.delete_button.click()
    assert "Deleted idea i4" in _said(ideas)
    assert [i.id for i in wb.store.load("lana").ideas] == ["i1", "i2", "i3", "i5"]


def test_records_without_an_id_are_named_by_their_date(wb):
    checkins = wb.form("checkins")
    checkins.chooser.value = 0
    checkins.fields["notes"].set("Rescheduled once.")
    checkins.save_button.click()
    assert "Saved changes to the check-in of 2026-10-06" in _said(checkins)
    checkins.fields["date"].set(date(2026, 12, 1))
    checkins.save_button.click()
    assert "Saved the check-in of 2026-12-01" in _said(checkins)
    checkins.chooser.value = 0
    checkins.delete_button.click()
    checkins.delete_button.click()
    assert "Deleted the check-in of 2026-10-06" in _said(checkins)
    attempts = wb.form("attempts")
    attempts.fields["date"].set(None)
    attempts.fields["text"].set("Asked a cousin about hospital admin work")
    attempts.save_button.click()
    assert "Saved attempt 4" in _said(attempts)
    assert ("#4 · Asked a cousin about hospital admin work", 3) in attempts.chooser.options
    reflections = wb.form("reflections")
    reflections.fields["date"].set(date(2026, 11, 30))
    reflections.fields["entries"].areas["what"].value = "A quiet session"
    reflections.save_button.click()
    assert "Saved the reflection of 2026-11-30" in _said(reflections)


def test_a_refusal_names_the_record_and_the_field_in_words(wb):
    before = snapshot(wb.store)
    actions = wb.form("actions")
    actions.fields["text"].set("Call the clinic")
    actions.fields["due"].set(date(2026, 8, 1))
    actions.save_button.click()
    said = _clean(_said(actions))
    assert "Action a9, Due: falls before the client's start date (2026-09-01)" in said
    assert "(got 2026-08-01)" in said
    assert "start date" in actions.fields["due"].error.value
    ideas = wb.form("ideas")
    ideas.chooser.value = "i2"
    ideas.fields["added"].set(date(2026, 1, 2))
    ideas.save_button.click()
    assert "Idea i2, Added on: falls before" in _clean(_said(ideas))
    ideas.fields["added"].set(date(2026, 9, 8))
    ideas.fields["id"].set("s1")
    ideas.save_button.click()
    assert "Idea s1, Id: is already the id of story s1 (got 's1')" in _clean(_said(ideas))
    assert snapshot(wb.store) == before


def test_a_refused_delete_names_the_record_that_still_uses_it(wb):
    ideas = wb.form("ideas")
    ideas.chooser.value = "i1"
    ideas.delete_button.click()
    ideas.delete_button.click()
    said = _clean(_said(ideas))
    assert said.startswith("⚠ Not deleted. Idea i1 is still used by interview v1")
    assert "(Ideas it tested)" in said
    interviews = wb.form("interviews")
    interviews.chooser.value = "v1"
    interviews.delete_button.click()
    interviews.delete_button.click()
    assert "Interview v1 is still used by interview v2 (Referred by)" in _clean(_said(interviews))


def test_every_label_is_the_one_messages_use(wb):
    for name in ("intake", "attempts", "stories", "permission", "ideas", "interviews"):
        _labels_match(wb, name)
    for name in ("plan", "actions", "checkins", "reflections"):
        _labels_match(wb, name)


def _labels_match(wb, name):
    form = wb.form(name)
    kind = {"intake": "client"}.get(name, name)
    for field, f in form.fields.items():
        texts = [
            html.unescape(re.sub(r"<[^>]+>", "", getattr(c, "description", "") or ""))
            for c in _widgets(f.box)
        ]
        texts += [
            html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<style>.*?</style>", "", c.value)))
            for c in _widgets(f.box)
            if isinstance(getattr(c, "value", None), str)
        ]
        words = messages.WORDS[kind][field]
        assert any(t.strip().startswith(words) for t in texts), (name, field, words, texts)


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def test_no_command_line_advice_reaches_a_form(wb):
    from tests.forms.test_start_here import _fill

    chooser = wb.chooser()
    _fill(chooser, id="lana", name="Another Lana", records=True)
    chooser.create.click()
    said = html.unescape(chooser.status.value)
    assert "already in this practice" in said and "--replace" not in said
    chooser.copy.click()
    said = html.unescape(chooser.status.value)
    assert "already in this practice" in said and "--replace" not in said
    form = wb.form("stories")
    wb.store.delete("lana")  # the client goes, from another tab
    form.fields["title"].set("t")
    form.fields["text"].set("x")
    form.save_button.click()
    said = _clean(_said(form))
    assert "no client 'lana' in this practice" in said and "start-here" in said


def test_without_commands_keeps_the_rest():
    text = "no practice at p (no practice.db there); create one with `workbook init`, or choose "
    assert messages.without_commands(text + "another with --practice") == (
        "No practice at p (no practice.db there)."
    )


def test_a_form_shows_records_added_elsewhere_when_it_loads_a_record(wb, practice):
    form = wb.form("stories")
    other = Workbook("lana", str(practice.path), practice.db_url)  # another tab
    other.form("stories")
    other.store.add("lana", "stories", {"id": "s7", "title": "From the app", "text": "x"})
    assert "From the app" not in form.table.value
    form.chooser.value = "s1"
    assert "From the app" in form.table.value
    assert "s7" in [v for _, v in form.chooser.options]
    assert form.fields["id"].get() == "s1"  # still the record chosen
    other.store.close()


def test_a_refused_save_shows_the_current_records_and_keeps_what_was_typed(wb, practice):
    form = wb.form("stories")
    wb.store.add("lana", "stories", {"id": "s5", "title": "From the command line", "text": "x"})
    form.fields["title"].set("")
    form.fields["text"].set("typed here")
    form.save_button.click()
    assert "Not saved" in form.status.value
    assert "From the command line" in form.table.value
    assert form.fields["text"].get() == "typed here"
    assert form.fields["id"].get() == "s5"  # as it was typed, though s5 is taken now
    form.fields["id"].set("s6")
    form.fields["title"].set("Mine")
    form.save_button.click()
    assert [s.id for s in wb.store.load("lana").stories][-2:] == ["s5", "s6"]


def test_a_check_in_changed_elsewhere_is_not_overwritten(wb):
    form = wb.form("checkins")
    form.chooser.value = 1
    assert form.fields["date"].get() == date(2026, 10, 13)
    wb.store.remove("lana", "checkins", 0)  # another tab deletes an earlier check-in
    form.fields["notes"].set("typed for the 13th")
    form.save_button.click()
    said = _clean(_said(form))
    assert "changed or deleted elsewhere" in said and "current records" in said
    kept = wb.store.load("lana").checkins
    assert kept[0].date == date(2026, 10, 13) and kept[0].notes != "typed for the 13th"
    assert kept[1].date == date(2026, 10, 20) and kept[1].notes != "typed for the 13th"
    assert form.chooser.value == "__new__" and form.save_button.description == "Save"


def test_a_record_deleted_elsewhere_cannot_be_loaded(wb):
    form = wb.form("stories")
    wb.store.remove("lana", "stories", "s3")
    form.edit("s3")
    assert "Story s3 was deleted elsewhere" in _said(form)
    assert form.editing is None and "s3" not in [v for _, v in form.chooser.options]


def test_empty_drop_downs_show_a_dash(store, practice):
    wb = Workbook(None, str(practice.path), practice.db_url)  # a practice with no client yet
    form = wb.form("stories")
    assert form.chooser.options == (("—", "__new__"),)
    pick = wb.chooser().pick
    assert pick.options == (("—", None),)
    from workbook.forms.fields import ChoiceField

    assert ChoiceField("x", "X", lambda: [], blank=None).input.options == (("—", None),)
    wb.store.close()


@pytest.fixture
def refusing_wb(store, practice):
    """A client who has not consented to records being kept: only who they are is stored."""
    case = minimal_case("nc", "No Consent").model_dump()
    case["client"]["consent"]["records"] = False
    store.save(validate_case(case))
    session = Workbook("nc", str(practice.path), practice.db_url)
    yield session
    session.store.close()


def test_forms_refuse_to_save_until_consent_is_recorded(refusing_wb):
    wb = refusing_wb
    before = snapshot(wb.store)
    stories = wb.form("stories")
    stories.fields["title"].set("t")
    stories.fields["text"].set("x")
    stories.save_button.click()
    said = _clean(_said(stories))
    assert "Story s1: cannot be kept while the client has not consented" in said
    assert "record the client's consent" in said
    plan = wb.form("plan")
    plan.fields["goal"].set("A goal")
    plan.save_button.click()
    assert "The plan: cannot be kept" in _clean(_said(plan))
    intake = wb.form("intake")
    intake.fields["situation"].set("Works nights")
    intake.save_button.click()
    said = _clean(_said(intake))
    assert "Intake, Current situation: cannot be kept" in said
    assert "(Consent to keep records is no)" in said
    assert "cannot be kept" in intake.fields["situation"].error.value
    assert intake.fields["situation"].get() == "Works nights"  # kept to save once consent is in
    assert snapshot(wb.store) == before
    intake.fields["records"].set(True)
    intake.save_button.click()
    assert "Saved the intake" in _said(intake)
    assert wb.store.load("nc").client.situation == "Works nights"


def test_reloading_keeps_what_was_typed_in_another_form(wb):
    intake, stories = wb.form("intake"), wb.form("stories")
    intake.fields["situation"].set("Typed, not saved yet")
    with wb.store.edit("lana") as case:  # the app changes the aspirations meanwhile
        case.client.aspirations = "Changed in the app"
    stories.chooser.value = "s2"  # loading a record reloads every form
    assert intake.fields["aspirations"].get() == "Changed in the app"
    assert intake.fields["situation"].get() == "Typed, not saved yet"
    intake.save_button.click()
    case = wb.store.load("lana")
    assert (case.client.situation, case.client.aspirations) == (
        "Typed, not saved yet",
        "Changed in the app",
    )
