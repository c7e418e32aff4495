"""A record's history under its form: shown when a record is loaded, in words, escaped."""

from __future__ import annotations

from workbook.wording import day


def test_a_loaded_record_shows_its_history(wb, monkeypatch):
    monkeypatch.setenv("WORKBOOK_USER", "Pat <b>Lee</b>")
    form = wb.form("stories")
    assert form.history.value == ""  # nothing loaded: no history
    form.edit("s1")
    shown = form.history.value
    assert "<details" in shown and "History of this record" in shown
    assert shown.count("<li>") == 1 and "Imported from a case file" in shown
    form.fields["title"].set("Retitled <i>here</i>")
    form.save_button.click()
    assert form.history.value == ""  # the form is ready for a new record
    form.edit("s1")
    shown = form.history.value
    assert shown.count("<li>") == 2
    newest = shown.split("<li>")[1]
    assert newest.startswith("Changed (title) on ")
    at = wb.store.history("lana", "stories/s1")[0].at
    assert f"on {day(at)} at {at:%H:%M} UTC by " in newest
    assert "by Pat &lt;b&gt;Lee&lt;/b&gt;" in newest and "<b>Lee" not in shown
    other = wb.form("ideas")
    other.edit("i1")
    assert "Changed" not in other.history.value  # another record's history is its own


def test_a_record_kept_by_place_and_a_section_show_theirs(wb):
    checkins = wb.form("checkins")
    checkins.edit(1)
    assert "Imported" in checkins.history.value
    plan = wb.form("plan")
    assert "History of this record" in plan.history.value
    plan.fields["goal"].set("A new goal for the plan")
    plan.save_button.click()
    assert "Changed (goal)" in plan.history.value
