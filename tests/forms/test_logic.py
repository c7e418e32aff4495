"""The plain functions under the forms."""

from __future__ import annotations

from datetime import date

from workbook.forms import logic


def test_next_id_is_free_in_the_whole_case(lana):
    assert logic.next_id(lana, "stories") == "s5"
    assert logic.next_id(lana, "ideas") == "i6"
    assert logic.next_id(lana, "interviews") == "v4"
    assert logic.next_id(lana, "actions") == "a9"
    lana.ideas[0].id = "s5"  # someone used the story prefix for an idea
    assert logic.next_id(lana, "stories") == "s6"


def test_field_of_error_paths():
    assert logic.field_of("stories[4].title") == "title"
    assert logic.field_of("ideas.fit") == "fit"
    assert logic.field_of("plan.actions[2].due") == "due"
    assert logic.field_of("checkins[0].progress.a1") == "progress"
    assert logic.field_of("client.name") == "name"
    assert logic.field_of("plan.goal") == "goal"
    assert logic.field_of("client.consent.records") == "records"


def test_clean_values_and_tags():
    assert logic.clean_values({"a": "  x ", "b": "", "c": None, "d": [], "e": 0, "f": False}) == {
        "a": "x",
        "e": 0,
        "f": False,
    }
    assert logic.split_tags("a, b\n c ,,\n") == ["a", "b", "c"]


def test_permission_gate(lana):
    assert logic.practitioner_ideas_blocked(lana) is None
    lana.permission.granted = False
    assert "not (yet) agreed" in logic.practitioner_ideas_blocked(lana)
    lana.permission = None
    assert "Ask the client first" in logic.practitioner_ideas_blocked(lana)
    refused = logic.check_method(lana, "ideas", {"source": "practitioner"})
    assert refused.field == "source" and not refused.ok
    assert logic.check_method(lana, "ideas", {"source": "client"}) is None


def test_previous_checkin_and_days_since(lana):
    last, days = logic.previous_checkin(lana, date(2026, 11, 27))
    assert last.date == date(2026, 11, 24) and days == 3
    last, days = logic.previous_checkin(lana, date(2026, 11, 20))
    assert last.date == date(2026, 11, 17) and days == 3
    assert logic.previous_checkin(lana, date(2026, 1, 1)) == (None, None)


def test_client_skills_and_choices(lana):
    own = logic.client_skills(lana)
    assert own[:3] == ["Communication", "Writing", "Collaboration"]
    assert "knows insurance and billing processes" in own
    choices = logic.skill_choices(lana)
    assert choices[:9] == list(logic.SKILLS_FOR_SUCCESS)
    assert "event organising" in choices


def test_records_table_escapes_nothing_itself_but_lists_everything(lana):
    table = logic.records_table(lana, "actions")
    assert [row["id"] for row in table] == [f"a{n}" for n in range(1, 9)]
    assert table[5]["ideas"] == "i1, i5"
    assert list(table[0]) == logic.COLUMNS["actions"]
    assert table[0]["due"] == "2026-10-09"


def test_copy_sample_makes_a_practice_client(store):
    case = logic.copy_sample(store, "my-practice", "Practice Client")
    loaded = store.load("my-practice")
    assert loaded == case and loaded.client.name == "Practice Client"
    assert len(loaded.stories) == 4
