"""The drafting rules (workbook/draft.py) on hand-made cases at fixed dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workbook.draft import DEFAULT_WEEKS, NO_CHOSEN, SMART_PROMPTS, as_text, draft_plan, spread
from workbook.frames import case_frames
from workbook.model import validate_case

AS_OF = date(2026, 11, 2)
TARGET = date(2027, 1, 29)


def case(ideas=(), interviews=(), actions=(), target=TARGET, stories=None):
    """A small case: a client, two stories, the given ideas, interviews and plan actions."""
    stories = (
        stories
        if stories is not None
        else [
            {
                "id": "s1",
                "title": "The rota",
                "text": "Rebuilt the rota.",
                "skills": ["Problem solving", "Collaboration"],
            },
            {
                "id": "s2",
                "title": "The fair",
                "text": "Ran a fair.",
                "skills": ["Collaboration", "Communication"],
            },
        ]
    )
    plan = {"goal": "A goal", "actions": list(actions)}
    if target:
        plan["target"] = target.isoformat()
    return validate_case(
        {
            "format": 1,
            "client": {
                "id": "kim",
                "name": "Kim Lee",
                "started": "2026-09-01",
                "consent": {"records": True, "share_deidentified": False},
            },
            "stories": stories,
            "ideas": [
                {"id": i, "text": text, "source": "client", "added": "2026-09-10", "status": st}
                for i, text, st in ideas
            ],
            "interviews": list(interviews),
            "plan": plan,
        }
    )


def drafted(c, as_of=AS_OF):
    return draft_plan(case_frames(c), as_of)


TWO_CHOSEN = [
    ("i1", "Library technician.", "chosen"),
    ("i2", "Museum education officer.", "chosen"),
    ("i3", "Bus driver.", "dropped"),
]


def test_every_chosen_idea_gets_an_action_and_others_get_none():
    plan = drafted(case(TWO_CHOSEN))
    linked = {i for a in plan.actions for i in a.ideas}
    assert linked == {"i1", "i2"}
    # untested ideas each get their own informational interview
    interviews = [a for a in plan.actions if "informational interview" in a.text]
    assert sorted(a.ideas for a in interviews) == [("i1",), ("i2",)]


def test_an_idea_tested_by_an_interview_gets_no_interview_draft():
    tested = [
        {"id": "v1", "date": "2026-10-01", "person": "Ann Oak", "ideas": ["i1"]},
    ]
    plan = drafted(case(TWO_CHOSEN, tested))
    interviews = [a for a in plan.actions if "informational interview" in a.text]
    assert [a.ideas for a in interviews] == [("i2",)]


def test_dates_are_inside_as_of_to_target_spread_and_distinct():
    plan = drafted(case(TWO_CHOSEN))
    dues = [a.due for a in plan.actions]
    assert len(dues) >= 5
    assert all(AS_OF <= d <= TARGET for d in dues)
    assert dues == sorted(dues) and len(set(dues)) == len(dues)
    assert dues[-1] == TARGET  # scheduled back from the target
    gaps = [(b - a).days for a, b in zip([AS_OF, *dues], dues, strict=False)]
    assert max(gaps) - min(gaps) <= 1  # evenly spread


def test_a_short_span_keeps_dates_inside_it():
    short = AS_OF + timedelta(days=2)
    plan = drafted(case(TWO_CHOSEN, target=short))
    assert len(plan.actions) > 3
    assert all(AS_OF <= a.due <= short for a in plan.actions)
    assert {a.due for a in plan.actions} <= {AS_OF, AS_OF + timedelta(1), short}


def test_a_target_of_today_puts_everything_today():
    plan = drafted(case(TWO_CHOSEN, target=AS_OF))
    assert {a.due for a in plan.actions} == {AS_OF}


@pytest.mark.parametrize("n,days", [(1, 0), (3, 3), (5, 30), (7, 6), (12, 100)])
def test_spread(n, days):
    dates = spread(AS_OF, AS_OF + timedelta(days), n)
    assert len(dates) == n and dates == sorted(dates)
    assert all(AS_OF <= d <= AS_OF + timedelta(days) for d in dates)
    if days >= n:
        assert len(set(dates)) == n


def test_no_target_uses_the_default_and_says_so():
    plan = drafted(case(TWO_CHOSEN, target=None))
    default = AS_OF + timedelta(weeks=DEFAULT_WEEKS)
    assert plan.target == default and plan.target_assumed
    assert all(AS_OF <= a.due <= default for a in plan.actions)
    assert any("no target date" in n for n in plan.notes)
    assert default.strftime("%B %Y") in plan.goal


def test_a_target_already_past_uses_the_default():
    plan = drafted(case(TWO_CHOSEN, target=date(2026, 10, 1)))
    assert plan.target == AS_OF + timedelta(weeks=DEFAULT_WEEKS)
    assert all(a.due >= AS_OF for a in plan.actions)
    assert any("has passed" in n for n in plan.notes)


def test_owners_are_mostly_the_clients():
    plan = drafted(case(TWO_CHOSEN))
    owners = [a.owner for a in plan.actions]
    assert owners.count("client") > len(owners) / 2
    assert "practitioner" in owners  # feedback on drafts
    assert "shared" in owners  # the rehearsal


def test_same_records_and_date_give_the_same_drafts():
    c = case(TWO_CHOSEN)
    assert drafted(c) == drafted(validate_case(c.model_dump()))
    assert drafted(c, AS_OF + timedelta(1)) != drafted(c)


def test_no_duplicate_of_an_action_already_in_the_plan():
    existing = [
        {
            "id": "a1",
            "text": "Update my CV for library jobs",
            "owner": "client",
            "status": "done",
            "ideas": ["i1"],
        },
        {
            "id": "a2",
            "text": "Networking: ask friends for introductions",
            "owner": "client",
            "status": "todo",
        },
        {"id": "a3", "text": "Rehearse an interview", "owner": "shared", "status": "dropped"},
    ]
    plan = drafted(case(TWO_CHOSEN, actions=existing))
    kinds = {a.text.split(" ")[0]: a for a in plan.actions}
    # the CV action serves i1 only: a résumé draft for i2 alone
    assert kinds["Rewrite"].ideas == ("i2",)
    # a plan-wide networking action: no networking draft at all
    assert not any("Networking" in a.text for a in plan.actions)
    # a dropped action does not count
    assert any(a.text.startswith("Rehearse") for a in plan.actions)
    assert any("networking campaign (a2)" in n for n in plan.notes)


def test_a_draft_with_the_same_words_as_an_action_is_left_out():
    first = drafted(case(TWO_CHOSEN))
    same = first.actions[0]
    assert same.ideas == ("i1",) and "informational" in same.text
    # linked to the other idea: only the words make it the same
    copy = {
        "id": "a1",
        "text": same.text.upper() + "!",
        "owner": "client",
        "status": "todo",
        "ideas": ["i2"],
    }
    again = drafted(case(TWO_CHOSEN, actions=[copy]))
    assert same.text not in [a.text for a in again.actions]


def test_course_when_an_interview_names_a_credential():
    interviews = [
        {
            "id": "v1",
            "date": "2026-10-01",
            "person": "Ann Oak",
            "insights": "Every technician here holds the two-year library diploma.",
            "ideas": ["i1"],
        }
    ]
    plan = drafted(case(TWO_CHOSEN, interviews))
    courses = [a for a in plan.actions if "course or credential" in a.text]
    assert [a.ideas for a in courses] == [("i1",)]
    assert "Ann Oak" in courses[0].why and "diploma" in courses[0].why


def test_course_when_the_idea_is_a_credential_and_not_otherwise():
    ideas = [("i1", "Library technician.", "chosen"), ("i2", "A first-aid certificate.", "chosen")]
    plan = drafted(case(ideas))
    courses = [a for a in plan.actions if a.text.startswith(("Look into", "Find out which"))]
    assert [a.ideas for a in courses] == [("i2",)]
    # the résumé serves the work idea, not the certificate
    resume = next(a for a in plan.actions if "résumé around" in a.text)
    assert resume.ideas == ("i1",)
    assert not any("course" in a.text for a in drafted(case(TWO_CHOSEN)).actions)


def test_networking_goes_through_the_people_the_interviews_referred():
    interviews = [
        {"id": "v1", "date": "2026-10-01", "person": "Ann Oak", "ideas": ["i1"]},
        {"id": "v2", "date": "2026-10-08", "person": "Bo Elm", "referred_by": "v1"},
        {"id": "v3", "date": "2026-10-09", "person": "Cy Ash"},
    ]
    net = next(a for a in drafted(case(TWO_CHOSEN, interviews)).actions if "Network" in a.text)
    assert "Ann Oak and Bo Elm" in net.text and "Cy Ash" not in net.text
    alone = next(a for a in drafted(case(TWO_CHOSEN)).actions if "Network" in a.text)
    assert "people you trust" in alone.text


def test_resume_is_built_on_the_top_skills_and_their_stories():
    resume = next(a for a in drafted(case(TWO_CHOSEN)).actions if "résumé around" in a.text)
    assert resume.skills[0] == "Collaboration"  # shown by both stories
    assert set(resume.skills) == {"Collaboration", "Communication", "Problem solving"}
    assert "The rota" in resume.text and "The fair" in resume.text
    assert "2 of your stories" in resume.why


def test_no_chosen_ideas_says_so():
    plan = drafted(case([("i1", "Library technician.", "shortlisted")]))
    assert plan.actions == [] and plan.goal == ""
    assert NO_CHOSEN in plan.notes
    assert "chosen" in as_text(plan)


def test_goal_names_the_chosen_ideas_and_the_date():
    plan = drafted(case(TWO_CHOSEN))
    assert plan.goal.startswith("By 29 January 2027, Kim")
    assert "library technician" in plan.goal and "museum education officer" in plan.goal
    text = as_text(plan)
    assert all(name in text for name, _ in SMART_PROMPTS)


def test_json_shape():
    data = drafted(case(TWO_CHOSEN)).as_dict()
    assert set(data) == {"goal", "target", "actions"}
    assert data["target"] == "2027-01-29"
    assert all(
        set(a) == {"text", "owner", "due", "ideas", "skills", "why"} for a in data["actions"]
    )
    assert all(isinstance(a["ideas"], list) and isinstance(a["due"], str) for a in data["actions"])


def test_sample_client_drafts_nothing_her_plan_already_holds(lana):
    """Marcus tied her first idea to a certificate, but she chose that certificate as an idea
    of its own (i5) and her plan enrols her in it: no second course action is drafted."""
    plan = draft_plan(case_frames(lana), date(2026, 11, 26))
    assert plan.actions == []
    assert "every kind" in " ".join(plan.notes)


def test_an_idea_tied_to_a_credential_gets_a_course_when_none_is_chosen(lana):
    case = lana.model_copy(deep=True)
    case.ideas = [i for i in case.ideas if i.id != "i5"]
    case.plan.actions = [a for a in case.plan.actions if "i5" not in a.ideas]
    plan = draft_plan(case_frames(case), date(2026, 11, 26))
    course = [a for a in plan.actions if a.ideas == ("i1",) and "course" in a.text]
    assert course and "Marcus Oyelaran" in course[0].why


def test_rank_skills_agrees_with_the_frames_ranking(lana):
    from workbook.draft import rank_skills
    from workbook.frames import skills_ranked

    frames = case_frames(lana)
    pairs = list(zip(frames.story_skills["story"], frames.story_skills["skill"], strict=True))
    expected = skills_ranked(frames)
    assert rank_skills(pairs) == dict(
        zip(expected["skill"], map(int, expected["stories"]), strict=True)
    )


def test_the_drafts_as_a_dataframe():
    plan = drafted(case(TWO_CHOSEN))
    table = plan.frame()
    assert list(table.columns) == ["text", "owner", "due", "ideas", "skills", "why"]
    assert len(table) == len(plan.actions)
    assert table["due"].dt.date.tolist() == [a.due for a in plan.actions]
    assert drafted(case([])).frame().empty


def test_every_chosen_idea_is_served_by_a_draft_or_an_action_already_planned(lana):
    for idea in lana.ideas:
        if idea.id == "i4":
            idea.status = "chosen"
    plan = draft_plan(case_frames(lana), date(2026, 11, 26))
    chosen = {i.id for i in lana.ideas if i.status == "chosen"}
    drafted_for = {i for a in plan.actions for i in a.ideas}
    planned_for = {i for a in lana.plan.actions if a.status != "dropped" for i in a.ideas}
    assert chosen == {"i1", "i4", "i5"}
    assert chosen <= drafted_for | planned_for
    assert "i4" in drafted_for  # the new idea, which nothing in the plan serves yet


@pytest.mark.parametrize(
    ("existing", "kind"),
    [
        ("Resume applications after the holidays", "resume"),
        ("Review the postings on the council's site", "feedback"),
        ("Practice interview with Sam on Friday", "interview"),
    ],
)
def test_words_that_only_look_like_a_kind_do_not_hold_a_draft_back(existing, kind):
    from workbook.draft import _normal, _of_kind

    assert not _of_kind(kind, _normal(existing))


@pytest.mark.parametrize(
    ("existing", "kind"),
    [
        ("Update the résumé with the choir story", "resume"),
        ("Send the CV to Priya", "resume"),
        ("Written feedback on the cover letter", "feedback"),
        ("Informational interview with a hospital L&D lead", "interview"),
        ("Practice interview with Sam on Friday", "rehearsal"),
        ("Enrol in the facilitation certificate", "course"),
    ],
)
def test_an_action_of_a_kind_is_recognised(existing, kind):
    from workbook.draft import _normal, _of_kind

    assert _of_kind(kind, _normal(existing))
