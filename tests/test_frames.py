"""pandas views of the sample case, with exact expected values."""

from __future__ import annotations

from datetime import date

import pandas as pd

from workbook.frames import (
    action_progress,
    checkin_series,
    contact_rhythm,
    idea_list,
    ideas_weighed,
    life_roles,
    load_frames,
    plan_table,
    referral_chains,
    skills_ranked,
)


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


def test_skills_ranked_names_the_stories_behind_each(lana_store):
    ranked = skills_ranked(load_frames(lana_store, "lana")).set_index("skill")
    assert ranked.loc["Collaboration", "story_titles"] == [
        "The summer hires",
        "The street food drive",
    ]


def test_life_roles_of_the_stories(lana_store):
    roles = life_roles(load_frames(lana_store, "lana"))
    assert list(zip(roles["life_role"], roles["stories"], roles["felt_good"], strict=True)) == [
        ("worker", 2, 2),
        ("parent", 1, 1),
        ("community", 1, 1),
    ]
    assert roles.loc[1, "story_titles"] == ["Coaching the under-tens"]


def test_referral_chains_over_the_frames_match_the_case(lana_store):
    from workbook.summary import referral_chains as case_chains

    frames = load_frames(lana_store, "lana")
    assert referral_chains(frames) == case_chains(lana_store.load("lana")) == [["v1", "v2", "v3"]]


def test_ideas_weighed_ranks_rated_ideas_and_marks_tests(lana_store):
    weighed = ideas_weighed(load_frames(lana_store, "lana"))
    assert list(weighed["id"]) == ["i1", "i5", "i2", "i4", "i3"]  # 13, 12, 11 (fit 4, int 4), 11
    assert list(weighed["rank"]) == [1, 2, 3, 4, 5]
    assert list(weighed["tested_by"]) == [["v1", "v2"], ["v2"], ["v3"], [], []]


def test_action_progress_and_contact_rhythm(lana_store):
    frames = load_frames(lana_store, "lana")
    plan = action_progress(frames, date(2026, 11, 26)).set_index("id")
    assert plan.loc["a4", "score"] == 1 and plan.loc["a4", "times_scored"] == 6
    assert plan.loc["a4", "scored_on"] == pd.Timestamp("2026-11-24")
    assert plan.loc["a8", "score"] is pd.NA and plan.loc["a8", "times_scored"] == 0
    rhythm = contact_rhythm(frames, date(2026, 12, 10))
    assert (rhythm["last"], rhythm["days_since"], rhythm["overdue_days"]) == (
        date(2026, 11, 24),
        16,
        9,
    )
    assert rhythm["next_due"] == date(2026, 12, 1) and rhythm["longest_gap"] == 7
    before = contact_rhythm(frames, date(2026, 10, 14))  # later check-ins are not counted yet
    assert (before["last"], before["days_since"], before["overdue_days"]) == (
        date(2026, 10, 13),
        1,
        0,
    )
