"""Method fidelity: the sample passes every check; a flawed case fails each one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workbook.fidelity import CHECKS, FAIL, NAMES, PASS, WARN, run_checks
from workbook.model import validate_case
from workbook.sample import sample_case

AS_OF = date(2026, 11, 25)


def _flawed(change) -> dict:
    data = sample_case().model_dump(mode="json")
    change(data)
    return validate_case(data)


def _drop_intake(d):
    for k in ("situation", "aspirations", "challenges"):
        d["client"][k] = None


def _no_tried(d):
    d["attempts"], d["stories"] = [], []


def _ideas_before_permission(d):
    d["ideas"][3]["added"] = "2026-09-01"


def _no_permission(d):
    d["permission"] = None


def _only_client_ideas(d):
    d["ideas"] = [i for i in d["ideas"] if i["source"] == "client"]
    for a in d["plan"]["actions"]:
        a["ideas"] = [i for i in a["ideas"] if i != "i5"] or ["i1"]
    for v in d["interviews"]:
        v["ideas"] = [i for i in v["ideas"] if i != "i5"]


def _bare_story(d):
    d["stories"][1]["skills"] = []


def _untested_choice(d):
    for v in d["interviews"]:
        v["ideas"] = [i for i in v["ideas"] if i != "i1"]


def _vague_goal(d):
    d["plan"]["goal"] = "Find better work."


def _no_target(d):
    d["plan"]["target"] = None


def _undated_action(d):
    d["plan"]["actions"][6]["due"] = None


def _practitioner_owned(d):
    for a in d["plan"]["actions"]:
        a["owner"] = "practitioner"


def _unlinked_action(d):
    d["plan"]["actions"][7]["ideas"] = []


def _gap_in_checkins(d):
    d["checkins"] = [
        k for k in d["checkins"] if k["date"] not in ("2026-10-27", "2026-11-03", "2026-11-10")
    ]


def _low_confidence(d):
    last = d["checkins"][-1]
    last["confidence"], last["notes"] = 3, None
    for a in d["plan"]["actions"]:
        if a["status"] in ("todo", "doing"):
            a["status"] = "done"


def _lost_buy_in(d):
    last = d["checkins"][-1]
    last["buy_in"], last["notes"] = False, None
    for a in d["plan"]["actions"]:
        a["due"] = "2026-10-01"


def _no_supports(d):
    for k in d["checkins"]:
        k["supports"] = []


FLAWS = [
    ("intake", _drop_intake, FAIL),
    ("tried_before_ideas", _no_tried, FAIL),
    ("permission_first", _ideas_before_permission, FAIL),
    ("permission_first", _no_permission, FAIL),
    ("ideas_from_both", _only_client_ideas, WARN),
    ("skills_from_stories", _bare_story, WARN),
    ("interviews_for_chosen", _untested_choice, WARN),
    ("smart_goal", _vague_goal, WARN),
    ("smart_goal", _no_target, FAIL),
    ("concrete_actions", _undated_action, FAIL),
    ("concrete_actions", _practitioner_owned, WARN),
    ("concrete_actions", _unlinked_action, WARN),
    ("weekly_checkins", _gap_in_checkins, FAIL),
    ("followup_on_motivation", _low_confidence, FAIL),
    ("followup_on_motivation", _lost_buy_in, FAIL),
    ("supports_recorded", _no_supports, WARN),
]


def test_the_sample_passes_every_check():
    findings = run_checks(sample_case(), AS_OF)
    assert [f.status for f in findings] == [PASS] * len(CHECKS)
    assert [f.step for f in findings] == sorted(f.step for f in findings)


@pytest.mark.parametrize("name, flaw, status", FLAWS, ids=[f[1].__name__ for f in FLAWS])
def test_each_flaw_is_caught_and_explained(name, flaw, status):
    findings = {f.check: f for f in run_checks(_flawed(flaw), AS_OF)}
    assert findings[name].status == status, findings[name]
    assert len(findings[name].message) > 40  # says what to do, in words
    others = [f.check for f in findings.values() if f.check != name and f.status != PASS]
    assert len(others) <= 1, others  # the flaw is caught where it belongs, not everywhere


def test_every_check_has_a_flawed_case():
    assert {name for name, _, _ in CHECKS} == {name for name, _, _ in FLAWS}


def test_low_values_with_a_follow_up_only_warn():
    def low_with_note(d):
        d["checkins"][-1]["confidence"] = 3

    finding = {f.check: f for f in run_checks(_flawed(low_with_note), AS_OF)}
    assert finding["followup_on_motivation"].status == WARN


def test_every_check_has_a_name_in_words():
    assert set(NAMES) == {name for name, _, _ in CHECKS}
    for check_id, words in NAMES.items():
        assert words != check_id and " " in words and "_" not in words, words
    assert len(set(NAMES.values())) == len(NAMES)


def _with_checkins(d, *dates, **last):
    template = d["checkins"][0]
    d["checkins"] = [{**template, "date": day} for day in dates]
    if dates:
        d["checkins"][-1].update(last)


def _finding(change, check, as_of=AS_OF):
    return next(f for f in run_checks(_flawed(change), as_of) if f.check == check)


def test_one_check_in_long_ago_is_not_called_a_gap_between_check_ins():
    f = _finding(lambda d: _with_checkins(d, "2026-10-06"), "weekly_checkins")
    assert f.status == FAIL
    assert f.message.startswith(
        "50 days without contact from the only check-in, on 2026-10-06, to 2026-11-25."
    )
    assert "between" not in f.message and "gap(s)" not in f.message


def test_one_recent_check_in_passes_and_says_so():
    f = _finding(lambda d: _with_checkins(d, "2026-11-20"), "weekly_checkins")
    assert f.status == PASS
    assert f.message == "The one check-in so far, on 2026-11-20, is recent."


def test_a_gap_between_check_ins_and_a_silence_since_are_told_apart():
    f = _finding(
        lambda d: _with_checkins(d, "2026-10-06", "2026-10-13", "2026-10-23"),
        "weekly_checkins",
        as_of=date(2026, 11, 2),
    )
    assert f.status == WARN
    assert f.message == (
        "1 gap of more than a week between check-ins, 10 days from 2026-10-13 to 2026-10-23; "
        "and 10 days without contact from the last check-in, on 2026-10-23, to 2026-11-02. "
        "Keep contact weekly while the plan is active."
    )


def test_no_check_in_fails_once_the_plan_is_older_than_a_week():
    f = _finding(lambda d: _with_checkins(d), "weekly_checkins")
    assert f.status == FAIL and "no check-in by 2026-11-25" in f.message
    new = _finding(lambda d: _with_checkins(d), "weekly_checkins", as_of=date(2026, 10, 4))
    assert new.status == PASS  # the last interview was on 2026-10-02: the plan is days old
    assert new.message == "No check-in yet; the plan is new. Hold the first by 2026-10-09."


# The weekly rule at its edges: up to a week apart passes, 8 to 14 days warns, more fails.
GAPS = [(7, PASS), (8, WARN), (14, WARN), (15, FAIL)]
FIRST = date(2026, 10, 6)


@pytest.mark.parametrize("days, status", GAPS)
def test_a_gap_between_check_ins_at_the_edges_of_a_week(days, status):
    second = FIRST + timedelta(days=days)
    f = _finding(
        lambda d: _with_checkins(d, FIRST.isoformat(), second.isoformat()),
        "weekly_checkins",
        as_of=second,  # the last check-in is today: only the gap between them counts
    )
    assert f.status == status, f.message
    if status != PASS:
        assert f.message.startswith(
            f"1 gap of more than a week between check-ins, {days} days from "
            f"{FIRST.isoformat()} to {second.isoformat()}."
        )


@pytest.mark.parametrize("days, status", GAPS)
def test_days_since_the_last_check_in_at_the_edges_of_a_week(days, status):
    dates = [FIRST.isoformat(), (FIRST + timedelta(days=7)).isoformat()]
    as_of = FIRST + timedelta(days=7 + days)
    f = _finding(lambda d: _with_checkins(d, *dates), "weekly_checkins", as_of=as_of)
    assert f.status == status, f.message
    if status != PASS:
        assert f.message.startswith(
            f"{days} days without contact from the last check-in, on {dates[-1]}, "
            f"to {as_of.isoformat()}."
        )


def test_silence_past_the_plans_target_date_counts_only_up_to_it():
    dates = [FIRST.isoformat(), (FIRST + timedelta(days=7)).isoformat()]
    target = FIRST + timedelta(days=7 + 8)

    def change(d):
        _with_checkins(d, *dates)
        d["plan"]["target"] = target.isoformat()

    f = _finding(change, "weekly_checkins", as_of=target + timedelta(days=30))
    assert f.status == WARN, f.message  # 8 days to the target, not 38 to today
    assert "8 days without contact" in f.message and "the plan's target date" in f.message


@pytest.mark.parametrize("days, status", [(7, PASS), (8, FAIL)])
def test_the_first_check_in_is_due_a_week_after_the_plan(days, status):
    planned = date(2026, 10, 2)  # the last interview: the plan is made after it
    f = _finding(
        lambda d: _with_checkins(d), "weekly_checkins", as_of=planned + timedelta(days=days)
    )
    assert f.status == status, f.message


def test_no_check_in_means_nothing_to_follow_up_and_no_supports_yet():
    findings = {f.check: f for f in run_checks(_flawed(lambda d: _with_checkins(d)), AS_OF)}
    assert findings["followup_on_motivation"].message == (
        "No check-in yet, so there is nothing to follow up."
    )
    assert "first" in findings["supports_recorded"].message


def _low_only_checkin(notes):
    def change(d):
        _with_checkins(d, "2026-10-06", importance=2, confidence=3, buy_in=False, notes=notes)
        for a in d["plan"]["actions"]:
            a["due"] = "2026-10-01"

    return change


def test_low_motivation_without_follow_up_says_plainly_what_is_missing():
    f = _finding(_low_only_checkin(None), "followup_on_motivation")
    assert f.status == FAIL
    assert f.message.startswith(
        "The only check-in (2026-10-06) shows importance 2/10, confidence 3/10 and no buy-in "
        "to the plan, and no follow-up is recorded: the check-in has no note and no open "
        "action is due after it."
    )
    assert "no longer" not in f.message  # one check-in: nothing was lost


def test_a_follow_up_names_what_was_recorded():
    note = _finding(_low_only_checkin("We agreed on one call a week."), "followup_on_motivation")
    assert note.status == WARN
    assert "; as a follow-up there is a note on that check-in. Make sure it answers" in note.message

    def open_action(d):
        _low_only_checkin(None)(d)
        d["plan"]["actions"][0].update(due="2026-10-20", status="todo")

    action = _finding(open_action, "followup_on_motivation")
    assert action.status == WARN
    assert "; as a follow-up there is open action a1, due after it." in action.message


def test_ids_in_messages_are_counted_in_words():
    one = _finding(_bare_story, "skills_from_stories")
    assert "shown in story s2." in one.message

    def two(d):
        for s in d["stories"][:2]:
            s["skills"] = []

    assert "shown in stories s1 and s2." in _finding(two, "skills_from_stories").message
    assert "link action a8 to the idea it carries out" in (
        _finding(_unlinked_action, "concrete_actions").message
    )


def test_step_1_is_described_as_it_is():
    attempts_only = _finding(lambda d: d.update(stories=[]), "tried_before_ideas")
    assert attempts_only.message == (
        "What the client has tried is recorded, so the ideas can build on what came before them."
    )

    def stories_only(d):
        d["attempts"], d["ideas"], d["interviews"], d["plan"] = [], [], [], None
        d["checkins"] = []

    assert _finding(stories_only, "tried_before_ideas").message == (
        "The client's stories are recorded and there is no idea yet: step 1 comes first, as it "
        "should."
    )


def test_permission_asked_without_an_answer_is_not_called_a_refusal():
    f = _finding(lambda d: d["permission"].update(granted=None), "permission_first")
    assert f.status == FAIL
    assert "did not agree" not in f.message and "answer is not recorded" in f.message
