"""Step 3's "Draft the plan" panel, driven kernel-side as a browser would: draft, tick, edit,
save, and read the database back."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import snapshot

AS_OF = date(2026, 11, 26)


@pytest.fixture
def panel(wb):
    """The panel on Lana, with the onboarding idea (i4, untested by any interview) chosen."""
    with wb.store.edit("lana") as case:
        next(i for i in case.ideas if i.id == "i4").status = "chosen"
    wb.changed()
    actions = wb.form("actions")  # to see that the actions form follows a save
    made = wb.draft(AS_OF)
    made.actions_form = actions
    return made


def _actions(wb):
    return wb.store.load("lana").plan.actions


def test_drafting_shows_drafts_and_saves_nothing(panel, wb):
    before = snapshot(wb.store)
    panel.run_button.click()
    assert len(panel.rows) >= 4
    assert not panel.save_button.disabled
    row = panel.rows[0]
    assert row.fields["text"].get() == panel.drafted.actions[0].text
    assert row.fields["owner"].get() == panel.drafted.actions[0].owner
    assert row.fields["due"].get() == panel.drafted.actions[0].due
    assert "Why:" in row.why.value and panel.drafted.actions[0].why[:20] in row.why.value
    assert not any(r.keep.value for r in panel.rows)  # nothing kept until ticked
    assert panel.goal.get() == panel.drafted.goal and "Specific" in panel.prompts.value
    assert snapshot(wb.store) == before


def test_tick_two_edit_one_save_gives_exactly_those_two(panel, wb):
    before = [a.model_dump() for a in _actions(wb)]
    panel.run_button.click()
    first, third = panel.rows[0], panel.rows[2]
    first.keep.value = third.keep.value = True
    third.fields["text"].set("Read the résumé draft <b>closely</b> and reply in a day.")
    third.fields["owner"].set("shared")
    third.fields["due"].set(date(2026, 12, 3))
    panel.save_button.click()

    after = _actions(wb)
    assert [a.model_dump() for a in after[: len(before)]] == before
    added = after[len(before) :]
    assert [a.id for a in added] == ["a9", "a10"]
    assert added[0].text == panel.drafted.actions[0].text
    assert added[0].owner == panel.drafted.actions[0].owner
    assert added[0].due == panel.drafted.actions[0].due
    assert added[0].ideas == list(panel.drafted.actions[0].ideas)
    assert added[0].skills == list(panel.drafted.actions[0].skills)
    assert (added[1].text, added[1].owner, added[1].due, added[1].status) == (
        "Read the résumé draft <b>closely</b> and reply in a day.",
        "shared",
        date(2026, 12, 3),
        "todo",
    )
    assert "Saved 2 actions to the plan: a9, a10." in panel.status.value
    assert len(panel.rows) == len(panel.drafted.actions) - 2  # the saved ones left the list
    # the actions form beneath shows them, escaped
    table = panel.actions_form.table.value
    assert "a10" in table and "&lt;b&gt;closely&lt;/b&gt;" in table and "<b>closely" not in table


def test_nothing_saved_without_save_or_without_a_tick(panel, wb):
    before = snapshot(wb.store)
    panel.run_button.click()
    panel.rows[0].keep.value = True
    panel.rows[1].fields["text"].set("changed but not saved")
    assert snapshot(wb.store) == before
    panel.rows[0].keep.value = False
    panel.save_button.click()
    assert "Tick Keep" in panel.status.value and "Not saved" in panel.status.value
    assert snapshot(wb.store) == before


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("text", "   ", "Draft 2, The action:"),
        ("due", None, "Draft 2, Due:"),
        ("due", date(2026, 8, 1), "Draft 2, Due:"),  # before the client started
        ("text", "x" * 100_001, "Draft 2, The action:"),
    ],
)
def test_a_refused_value_names_the_field_and_leaves_the_database(panel, wb, field, value, words):
    panel.run_button.click()
    before = snapshot(wb.store)
    panel.rows[0].keep.value = panel.rows[1].keep.value = True  # the first is fine
    panel.rows[1].fields[field].set(value)
    panel.save_button.click()
    assert words in panel.status.value and "Not saved" in panel.status.value
    assert words in panel.rows[1].fields[field].error.value
    assert panel.rows[0].fields["text"].error.value == ""
    assert snapshot(wb.store) == before
    assert len(panel.rows) == len(panel.drafted.actions)  # nothing left the list


def test_a_goal_drafted_after_the_target_brings_its_new_date(wb):
    late = wb.draft(date(2027, 3, 1))  # Lana's target, 31 January 2027, has passed
    late.run_button.click()
    assert "26 April 2027" in late.goal.get() and "has passed" in late.notes.value
    late.goal_button.click()
    plan = wb.store.load("lana").plan
    assert plan.target == date(2027, 4, 26)  # the date the goal names, not the old one
    assert "26 April 2027" in late.goal_status.value


def test_the_drafted_goal_becomes_the_plans_goal(panel, wb):
    panel.run_button.click()
    panel.goal.set(panel.goal.get() + " <edited>")
    panel.goal_button.click()
    plan = wb.store.load("lana").plan
    assert plan.goal == panel.drafted.goal + " <edited>"
    assert plan.target == date(2027, 1, 31)  # kept: the plan had one
    assert "Saved the drafted goal" in panel.goal_status.value


def test_no_chosen_idea_is_said_in_words(wb):
    with wb.store.edit("lana") as case:
        for idea in case.ideas:
            if idea.status == "chosen":
                idea.status = "shortlisted"
    wb.changed()
    panel = wb.draft(AS_OF)
    panel.run_button.click()
    assert panel.rows == [] and panel.save_button.disabled
    assert "No idea is marked chosen yet" in panel.notes.value
    assert panel.goal_box.layout.display == "none"


def test_client_text_is_escaped_in_the_reasons(panel, wb):
    with wb.store.edit("lana") as case:  # her top skill, which the résumé's reason names
        for story in case.stories:
            story.skills = [
                "<img src=x onerror=alert(1)>" if s == "Communication" else s for s in story.skills
            ]
    panel.run_button.click()
    html = "".join(r.why.value for r in panel.rows) + panel.notes.value
    assert "<img" not in html and "&lt;img" in html


def test_every_control_of_the_panel_has_its_own_label(panel):
    from tests.forms.test_labels import controls

    panel.run_button.click()
    found = list(controls(panel.widget))
    assert len(found) > 3 * len(panel.rows)
    for control in found:
        assert control.description.strip(), f"a {type(control).__name__} has no label"
    keeps = [r.keep.description for r in panel.rows]
    assert len(set(keeps)) == len(keeps)  # each names its own draft
    text = panel.rows[1].fields["text"].input.description
    assert text.startswith("<b>The action</b>") and "(draft 2)" in text
