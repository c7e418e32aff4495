"""Every form, driven kernel-side as a browser would: set values, click, read the database."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import minimal_case, snapshot


def _fill(form, **values):
    for name, value in values.items():
        form.fields[name].set(value)


def test_story_form_saves_and_refreshes(wb):
    form = wb.form("stories")
    assert form.fields["id"].get() == "s5"
    _fill(form, title="Night shift rota", text="She rebuilt the rota <script>alert(1)</script>")
    form.fields["skills"].boxes["Collaboration"].value = True
    form.fields["skills"].other.value = "scheduling, calm under pressure"
    form.save_button.click()
    story = wb.store.load("lana").stories[-1]
    assert (story.id, story.title) == ("s5", "Night shift rota")
    assert story.skills == ["Collaboration", "scheduling", "calm under pressure"]
    assert "Saved story s5" in form.status.value
    assert "Night shift rota" in form.table.value
    assert "<script>" not in form.table.value and "&lt;script&gt;" in form.table.value
    assert form.fields["id"].get() == "s6"  # ready for the next one
    assert "scheduling" in form.fields["skills"].boxes  # the client's own tags are offered now


def test_invalid_value_shows_beside_field_and_saves_nothing(wb):
    form = wb.form("stories")
    before = snapshot(wb.store)
    _fill(form, id="Bad Id", title="t", text="x")
    form.save_button.click()
    assert "slug" in form.fields["id"].error.value
    assert "Not saved" in form.status.value
    _fill(form, id="s9", title="", text="x")
    form.save_button.click()
    assert "required" in form.fields["title"].error.value
    assert form.fields["id"].error.value == ""
    assert snapshot(wb.store) == before


def test_edit_and_delete_a_story(wb):
    form = wb.form("stories")
    form.chooser.value = "s2"
    assert form.fields["title"].get() == "The street food drive"
    assert form.fields["skills"].boxes["Numeracy"].value
    assert "event organising" in form.fields["skills"].get()
    form.fields["title"].set("The food drive")
    form.save_button.click()
    assert wb.store.load("lana").stories[1].title == "The food drive"
    form.chooser.value = "s2"
    form.delete_button.click()  # first click asks
    assert len(wb.store.load("lana").stories) == 4
    form.delete_button.click()
    assert [s.id for s in wb.store.load("lana").stories] == ["s1", "s3", "s4"]


def test_deleting_a_referenced_idea_is_refused(wb):
    form = wb.form("ideas")
    form.chooser.value = "i1"
    form.delete_button.click()
    form.delete_button.click()
    assert "Not deleted" in form.status.value
    assert len(wb.store.load("lana").ideas) == 5


def test_practitioner_ideas_wait_for_permission(blank_wb):
    ideas, permission = blank_wb.form("ideas"), blank_wb.form("permission")
    assert "Ask the client first" in ideas.note.value
    _fill(ideas, text="Try a bridging course", source="practitioner")
    ideas.save_button.click()
    assert "Ask the client first" in ideas.fields["source"].error.value
    assert blank_wb.store.load("new").ideas == []
    _fill(ideas, text="Her own idea", source="client")
    ideas.save_button.click()
    assert [i.source for i in blank_wb.store.load("new").ideas] == ["client"]

    _fill(permission, asked=date(2026, 11, 2), granted=True)
    permission.save_button.click()
    assert "Permission recorded" in ideas.note.value  # the other form refreshed
    _fill(ideas, text="Try a bridging course", source="practitioner")
    ideas.save_button.click()
    saved = blank_wb.store.load("new").ideas
    assert [(i.id, i.source) for i in saved] == [("i1", "client"), ("i2", "practitioner")]
    assert "practitioner" in ideas.table.value and "client" in ideas.table.value


def test_editing_an_idea_into_the_practitioners_waits_for_permission_too(blank_wb):
    """The gate holds for a change as for a new idea: no way round it through the chooser."""
    ideas, permission = blank_wb.form("ideas"), blank_wb.form("permission")
    _fill(ideas, text="Her own idea", source="client")
    ideas.save_button.click()
    before = snapshot(blank_wb.store)
    for answer in (None, False):  # never asked, then asked and refused
        if answer is not None:
            _fill(permission, asked=date(2026, 11, 2), granted=answer)
            permission.save_button.click()
            before = snapshot(blank_wb.store)
        ideas.chooser.value = "i1"
        _fill(ideas, text="My idea after all", source="practitioner")
        ideas.save_button.click()
        assert "Not saved" in ideas.status.value
        assert ideas.fields["source"].error.value, answer
        assert snapshot(blank_wb.store) == before, answer
    assert [(i.text, i.source) for i in blank_wb.store.load("new").ideas] == [
        ("Her own idea", "client")
    ]


def test_interview_referral_and_ideas_choices(wb):
    form = wb.form("interviews")
    assert ("v3 · Hélène Tremblay", "v3") in form.fields["referred_by"].input.options
    _fill(
        form,
        date=date(2026, 11, 5),
        person="Sam Ortiz",
        referred_by="v3",
        strengths=["patience"],
        ideas=["i1", "i4"],
    )
    form.fields["strengths"].input.value = "patience\nexplaining clearly"
    form.save_button.click()
    v = wb.store.load("lana").interviews[-1]
    assert (v.id, v.referred_by, v.ideas, v.strengths) == (
        "v4",
        "v3",
        ["i1", "i4"],
        ["patience", "explaining clearly"],
    )


def test_actions_pick_the_clients_own_ideas_and_skills(wb):
    form = wb.form("actions")
    idea_values = [v for _, v in form.fields["ideas"].input.options]
    skill_values = [v for _, v in form.fields["skills"].input.options]
    assert idea_values == ["i1", "i2", "i3", "i4", "i5"]
    assert "event organising" in skill_values and "Numeracy" in skill_values
    assert "Reading" in skill_values and "Writing" in skill_values
    _fill(
        form,
        text="Ask Priya for two introductions",
        due=date(2026, 12, 1),
        ideas=["i1"],
        skills=["Communication", "not her skill"],
    )
    assert form.fields["skills"].get() == ["Communication"]  # only her own can be picked
    form.save_button.click()
    action = wb.store.load("lana").plan.actions[-1]
    assert (action.id, action.owner, action.status, action.ideas) == (
        "a9",
        "client",
        "todo",
        ["i1"],
    )


def test_checkin_shows_previous_and_saves_progress(wb):
    form = wb.form("checkins")
    assert "Previous check-in: 2026-11-24" in form.note.value
    _fill(
        form, date=date(2026, 12, 1), importance=9, confidence=8, buy_in=True, understands_plan=True
    )
    form.fields["supports"].input.value = "counselling"
    form.fields["progress"].rows["a7"].value = 1
    form.save_button.click()
    last = wb.store.load("lana").checkins[-1]
    assert (last.importance, last.confidence, last.progress, last.supports) == (
        9,
        8,
        {"a7": 1},
        ["counselling"],
    )


@pytest.mark.parametrize(
    "today, since, warned",
    [(date(2026, 12, 1), "7 days ago", False), (date(2026, 12, 2), "8 days ago", True)],
)
def test_the_forms_count_from_the_sessions_day_not_the_clock(
    lana_store, practice, today, since, warned
):
    """Lana's last check-in was on 24 November; a week later the form still passes it."""
    from workbook.forms import Workbook

    wb = Workbook("lana", str(practice.path), practice.db_url, today=today)
    try:
        checkins, ideas = wb.form("checkins"), wb.form("ideas")
        assert f"Previous check-in: 2026-11-24 ({since})" in checkins.note.value
        assert ("more than a week" in checkins.note.value) is warned
        assert checkins.fields["date"].get() == today  # a new check-in is dated that day
        assert ideas.fields["added"].get() == today
    finally:
        wb.store.close()


def test_checkin_rulers_are_bounded_and_required_date(wb):
    form = wb.form("checkins")
    before = snapshot(wb.store)
    form.fields["date"].set(None)
    form.save_button.click()
    assert "required" in form.fields["date"].error.value
    assert snapshot(wb.store) == before
    assert [v for _, v in form.fields["importance"].input.options] == [None, *range(11)]


def test_reflection_stages_follow_the_model(wb):
    form = wb.form("reflections")
    form.fields["model"].set("gibbs")
    areas = form.fields["entries"].areas
    assert list(areas) == [
        "description",
        "feelings",
        "evaluation",
        "analysis",
        "conclusion",
        "action_plan",
    ]
    areas["description"].value = "A hard session"
    areas["action_plan"].value = "Pause more"
    form.save_button.click()
    r = wb.store.load("lana").reflections[-1]
    assert (r.model, r.entries) == (
        "gibbs",
        {"description": "A hard session", "action_plan": "Pause more"},
    )
    form.fields["model"].set("kolb")
    form.save_button.click()  # nothing written for any stage
    assert "is required" in form.fields["entries"].error.value
    assert "got" not in form.fields["entries"].error.value


def test_attempts_edit_by_position(wb):
    form = wb.form("attempts")
    form.chooser.value = 1
    assert form.fields["text"].get().startswith("Started a free online course")
    form.fields["outcome"].set("Finished it in October.")
    form.save_button.click()
    assert wb.store.load("lana").attempts[1].outcome == "Finished it in October."


@pytest.mark.parametrize("name", ["intake", "permission", "plan"])
def test_section_forms_load_current_values(wb, name):
    form = wb.form(name)
    expected = {
        "intake": ("name", "Lana Kowalczyk"),
        "permission": ("granted", True),
        "plan": ("target", date(2027, 1, 31)),
    }[name]
    assert form.fields[expected[0]].get() == expected[1]


def test_intake_and_plan_forms_save(wb):
    intake, plan = wb.form("intake"), wb.form("plan")
    intake.fields["situation"].set("On leave until January.")
    intake.fields["history"].set("")  # clearing a field clears it
    intake.save_button.click()
    plan.fields["target"].set(date(2027, 2, 28))
    plan.save_button.click()
    case = wb.store.load("lana")
    assert case.client.situation == "On leave until January." and case.client.history is None
    assert case.plan.target == date(2027, 2, 28) and len(case.plan.actions) == 8
    intake.fields["name"].set("")
    intake.save_button.click()
    assert "required" in intake.fields["name"].error.value
    assert wb.store.load("lana").client.name == "Lana Kowalczyk"


def test_every_form_shows_the_sample(wb):
    for name in (
        "intake",
        "attempts",
        "stories",
        "permission",
        "ideas",
        "interviews",
        "plan",
        "actions",
        "checkins",
        "reflections",
    ):
        shown = wb.example(name).children[1].value
        assert "<table" in shown, name


def test_header_names_the_client_escaped(store, practice):
    from workbook.forms import Workbook

    store.save(minimal_case("x", "<img src=x onerror=alert(1)>"))
    wb = Workbook("x", str(practice.path), practice.db_url)
    assert "<img" not in wb.header().value and "&lt;img" in wb.header().value
    wb.store.close()


def test_unknown_client_is_explained(lana_store, practice):
    from workbook.forms import Workbook

    wb = Workbook("nobody", str(practice.path), practice.db_url)
    assert "no client &#x27;nobody&#x27;" in wb.header().value
    assert wb.client is None  # never another client's records by mistake
    form = wb.form("stories")
    assert "Choose a client first" in form.table.value
    form.fields["title"].set("t")
    form.fields["text"].set("x")
    assert "Choose or create a client first" in form.save().message
    assert lana_store.load("lana").stories[-1].id == "s4"
    wb.store.close()


def test_an_unexpected_error_is_shown_not_swallowed(wb, monkeypatch):
    from workbook.forms import logic

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(logic, "save_record", broken)
    form = wb.form("stories")
    form.fields["title"].set("t")
    form.fields["text"].set("x")
    outcome = form.save()
    assert not outcome.ok
    assert "disk on fire" in form.status.value and "nothing was saved" in form.status.value


def test_a_story_saved_again_unchanged_keeps_its_skills_in_order(wb):
    stored = [s for s in wb.store.load("lana").stories if len(s.skills) > 2][0]
    reordered = [*reversed(stored.skills)]  # an order the tick-boxes would not give
    with wb.store.edit("lana") as case:
        next(s for s in case.stories if s.id == stored.id).skills = reordered
    form = wb.form("stories")
    form.chooser.value = stored.id
    form.save_button.click()
    again = next(s for s in wb.store.load("lana").stories if s.id == stored.id)
    assert again.skills == reordered
    form.chooser.value = stored.id
    form.fields["skills"].other.value += ", Patience"
    form.save_button.click()
    again = next(s for s in wb.store.load("lana").stories if s.id == stored.id)
    assert again.skills == [*reordered, "Patience"]
