"""pandas views of the sample case, with exact expected values."""

from __future__ import annotations

from datetime import date

import pandas as pd

from workbook.frames import checkin_series, idea_list, load_frames, plan_table, skills_ranked


def test_one_call_gives_typed_frames(lana_store):
    frames = load_frames(lana_store, "lana")
    sizes = {name: len(df) for name, df in frames}
    assert sizes == {
        "client": 1,
        "attempts": 3,
        "stories": 4,
        "story_skills": 15,
        "ideas": 5,
        "interviews": 3,
        "actions": 8,
        "checkins": 8,
        "progress": 18,
        "reflections": 13,
    }
    assert frames.checkins["date"].dtype == "datetime64[ns]"
    assert frames.ideas["added"].dtype == "datetime64[ns]"
    assert frames.ideas["fit"].dtype == "Int64"
    assert frames.checkins["importance"].dtype == "Int64"
    assert frames.progress["score"].dtype == "Int64"
    assert isinstance(frames.ideas["source"].dtype, pd.CategoricalDtype)
    assert list(frames.ideas["source"].cat.categories) == ["client", "practitioner"]
    assert list(frames.actions["status"].cat.categories) == ["todo", "doing", "done", "dropped"]
    assert isinstance(frames.stories["life_role"].dtype, pd.CategoricalDtype)
    assert frames.checkins["buy_in"].dtype == "boolean"


def test_skills_ranked_by_stories(lana_store):
    ranked = skills_ranked(load_frames(lana_store, "lana"))
    assert list(zip(ranked["skill"], ranked["stories"], strict=True)) == [
        ("Communication", 3),
        ("Collaboration", 2),
        ("Numeracy", 2),
        ("Problem solving", 2),
        ("Adaptability", 1),
        ("Creativity and innovation", 1),
        ("Digital", 1),
        ("Reading", 1),
        ("Writing", 1),
        ("event organising", 1),
    ]
    assert ranked.loc[0, "story_ids"] == "s1, s3, s4"
    assert not ranked.set_index("skill").loc["event organising", "skills_for_success"]


def test_combined_idea_list(lana_store):
    ideas = idea_list(load_frames(lana_store, "lana"))
    assert list(ideas["id"]) == ["i1", "i2", "i3", "i4", "i5"]
    assert list(ideas["source"]) == ["client"] * 3 + ["practitioner"] * 2
    assert list(ideas["score"]) == [13, 11, 8, 11, 12]
    assert list(ideas["status"]) == ["chosen", "dropped", "dropped", "shortlisted", "chosen"]


def test_plan_table_marks_overdue_as_of_a_date(lana_store):
    plan = plan_table(load_frames(lana_store, "lana"), as_of=date(2026, 11, 20))
    assert list(plan.loc[plan["overdue"], "id"]) == ["a4"]
    assert plan.set_index("id").loc["a4", "days_overdue"] == 7
    later = plan_table(load_frames(lana_store, "lana"), as_of=date(2026, 12, 12))
    assert list(later.loc[later["overdue"], "id"]) == ["a4", "a6", "a7"]
    assert plan.set_index("id").loc["a6", "ideas"] == "i1, i5"


def test_checkin_series(lana_store):
    series = checkin_series(load_frames(lana_store, "lana"))
    assert list(series["importance"]) == [8, 8, 9, 9, 9, 9, 9, 9]
    assert list(series["confidence"]) == [5, 6, 6, 7, 7, 8, 7, 8]
    assert series["days_since_previous"].iloc[0] is pd.NA
    assert list(series["days_since_previous"].iloc[1:]) == [7] * 7
    assert series.index[0] == pd.Timestamp("2026-10-06")
