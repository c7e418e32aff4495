"""The caseload's figures and flags on hand-made cases at fixed dates, each flag on and off at its
boundary, and the order most urgent first; the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from workbook import fidelity
from workbook.caseload import FLAGS, KEYS, caseload, from_cases, records
from workbook.model import validate_case

D = date.fromisoformat


def make(client: str = "ana", *, actions=(), checkins=(), target=None, **more):
    """A case: a client started 2026-10-01 with an intake, and whatever else is given."""
    data = {
        "format": 1,
        "client": {
            "id": client,
            "name": more.pop("name", client.title()),
            "started": "2026-10-01",
            "consent": {"records": True, "share_deidentified": False},
            "situation": "Between jobs.",
            "aspirations": "Teach adults.",
            "challenges": "No network.",
        },
        **more,
    }
    if actions or target:
        data["plan"] = {
            "goal": "Three applications a month for training roles by January.",
            "target": target or "2027-01-31",
            "actions": [
                {"id": f"a{i}", "text": f"Action {i}", "owner": "client", "status": "todo"} | a
                for i, a in enumerate(actions, 1)
            ],
        }
    data["checkins"] = [{"date": k} if isinstance(k, str) else k for k in checkins]
    return validate_case(data)


def row(case, as_of: str) -> pd.Series:
    table = from_cases([case], D(as_of))
    assert len(table) == 1
    return table.iloc[0]


def flags(case, as_of: str) -> list[str]:
    return list(row(case, as_of)["flags"])


PLAN = [{"due": "2026-12-20"}]  # one action, due well after the dates below


def test_checkin_overdue_the_day_after_a_week():
    case = make(actions=PLAN, checkins=["2026-11-01"])
    on_time, late = row(case, "2026-11-08"), row(case, "2026-11-09")
    assert on_time["last_contact"] == pd.Timestamp("2026-11-01")
    assert on_time["days_since_contact"] == 7 and late["days_since_contact"] == 8
    assert on_time["next_checkin"] == pd.Timestamp("2026-11-08")
    assert on_time["checkin_due_in"] == 0 and late["checkin_due_in"] == -1
    assert "checkin-overdue" not in on_time["flags"]
    assert "checkin-overdue" in late["flags"]


def test_checkin_overdue_agrees_with_the_weekly_fidelity_check():
    case = make(
        actions=PLAN,
        target="2026-11-30",
        checkins=["2026-10-20", "2026-10-27", "2026-11-03", "2026-11-10"],
    )
    day = D("2026-11-05")
    while day <= D("2026-12-10"):
        weekly = next(f for f in fidelity.run_checks(case, day) if f.check == "weekly_checkins")
        overdue = "checkin-overdue" in flags(case, day.isoformat())
        assert overdue == (weekly.status != fidelity.PASS), (day, weekly.message)
        day += timedelta(days=1)


def test_no_checkin_is_due_without_actions_or_once_the_plan_ends():
    idle = make(checkins=["2026-10-05"])  # no plan: nobody is waiting on a check-in
    r = row(idle, "2026-11-20")
    assert pd.isna(r["next_checkin"]) and r["days_since_contact"] == 46
    assert "checkin-overdue" not in r["flags"]
    ending = make(actions=PLAN, target="2026-11-08", checkins=["2026-11-01"])
    assert pd.isna(row(ending, "2026-11-20")["next_checkin"])  # the target came within a week
    running = make(actions=PLAN, target="2026-11-09", checkins=["2026-11-01"])
    assert row(running, "2026-11-20")["next_checkin"] == pd.Timestamp("2026-11-08")


def test_before_the_first_checkin_contact_counts_from_the_last_session_record():
    case = make(
        actions=PLAN,
        permission={"asked": "2026-10-10", "granted": True},
        ideas=[
            {"id": "i1", "text": "Trainer", "source": "client", "added": "2026-10-12"},
        ],
    )
    r = row(case, "2026-10-19")
    assert r["last_contact"] == pd.Timestamp("2026-10-12") and r["days_since_contact"] == 7
    assert r["next_checkin"] == pd.Timestamp("2026-10-19")
    assert "checkin-overdue" not in r["flags"]
    assert "checkin-overdue" in flags(case, "2026-10-20")
    assert pd.isna(row(case, "2026-09-30")["last_contact"])  # before the client started


def test_actions_overdue_counts_open_actions_due_before_the_day():
    case = make(
        actions=[
            {"due": "2026-11-10"},
            {"due": "2026-11-10", "status": "doing"},
            {"due": "2026-11-01", "status": "done"},
            {"due": "2026-11-01", "status": "dropped"},
            {},  # no date: never overdue (the fidelity check asks for one)
        ],
        checkins=["2026-11-09"],
    )
    assert row(case, "2026-11-10")["overdue_actions"] == 0
    assert "actions-overdue" not in flags(case, "2026-11-10")
    assert row(case, "2026-11-11")["overdue_actions"] == 2
    assert "actions-overdue" in flags(case, "2026-11-11")


def _rulers(*pairs, **extra):
    days = ["2026-11-01", "2026-11-05", "2026-11-09"]
    return make(
        actions=PLAN,
        checkins=[
            {"date": d, "importance": i, "confidence": c} | extra
            for d, (i, c) in zip(days, pairs, strict=False)
        ],
    )


def test_confidence_low_at_four_and_below():
    low, fine = row(_rulers((8, 4)), "2026-11-10"), row(_rulers((8, 5)), "2026-11-10")
    assert low["confidence"] == 4 and "confidence-low" in low["flags"]
    assert fine["confidence"] == 5 and "confidence-low" not in fine["flags"]
    assert pd.isna(low["confidence_change"])  # one reading: no change to tell


def test_confidence_falling_by_two_or_more():
    falling = row(_rulers((8, 7), (8, 5)), "2026-11-10")
    steady = row(_rulers((8, 7), (8, 6)), "2026-11-10")
    assert falling["confidence_change"] == -2 and "confidence-falling" in falling["flags"]
    assert steady["confidence_change"] == -1 and "confidence-falling" not in steady["flags"]
    rising = row(_rulers((8, 3), (8, 7)), "2026-11-10")
    assert rising["confidence_change"] == 4 and not rising["flags"]


def test_the_latest_recorded_ruler_counts_and_later_checkins_wait_their_day():
    case = _rulers((8, 7), (8, 5), (None, None))  # the latest check-in skipped the rulers
    r = row(case, "2026-11-10")
    assert (r["importance"], r["confidence"], r["confidence_change"]) == (8, 5, -2)
    before = row(case, "2026-11-06")  # the third check-in is after the day: not counted
    assert before["last_contact"] == pd.Timestamp("2026-11-05")
    assert row(case, "2026-11-02")["confidence"] == 7


def test_buy_in_lost_from_the_latest_answer_or_importance_falling():
    said_no = row(_rulers((8, 7), buy_in=False), "2026-11-10")
    assert said_no["buy_in"] == False  # noqa: E712 - pandas' boolean, not Python's
    assert "buy-in-lost" in said_no["flags"]
    back = make(
        actions=PLAN,
        checkins=[
            {"date": "2026-11-01", "buy_in": False},
            {"date": "2026-11-05", "buy_in": True},
            {"date": "2026-11-09"},  # not asked: the latest answer is still yes
        ],
    )
    assert "buy-in-lost" not in flags(back, "2026-11-10")
    assert "buy-in-lost" in flags(back, "2026-11-02")
    assert "buy-in-lost" in flags(_rulers((8, 7), (6, 7)), "2026-11-10")
    assert "buy-in-lost" not in flags(_rulers((8, 7), (7, 7)), "2026-11-10")


def test_fidelity_failing_when_a_check_fails():
    fine = make()
    assert not fidelity.failed(fidelity.run_checks(fine, D("2026-11-10")))
    assert "fidelity-failing" not in flags(fine, "2026-11-10")
    unasked = make(
        ideas=[{"id": "i1", "text": "Trainer", "source": "practitioner", "added": "2026-10-05"}],
        stories=[{"id": "s1", "title": "Huddles", "text": "Ran huddles.", "skills": ["Writing"]}],
    )
    r = row(unasked, "2026-11-10")
    assert "fidelity-failing" in r["flags"]
    assert "permission_first" in r["failing_checks"]
    for case in (fine, unasked, make(actions=[{}], checkins=["2026-10-05"])):
        for day in (D("2026-10-10"), D("2026-11-10")):
            found = fidelity.run_checks(case, day)
            assert fidelity.failing(case, day) == [
                name
                for name, _, _ in fidelity.CHECKS
                if name in {f.check for f in found if f.status == fidelity.FAIL}
            ]


def test_the_step_reached_is_the_furthest_with_records():
    blank = validate_case(
        {
            "format": 1,
            "client": {
                "id": "new",
                "name": "New",
                "started": "2026-10-01",
                "consent": {"records": True, "share_deidentified": False},
            },
            "reflections": [{"date": "2026-10-02", "model": "driscoll", "entries": {"what": "x"}}],
        }
    )
    assert row(blank, "2026-11-10")["step"] is None  # the journal is not a step of the method
    assert row(make(), "2026-11-10")["step"] == "intake"
    planned = row(make(actions=PLAN), "2026-11-10")
    assert planned["step"] == "step3" and planned["step_title"] == "Step 3: the plan"
    assert row(make(actions=PLAN, checkins=["2026-11-01"]), "2026-11-10")["step"] == "step4"
    # as of a day before the only check-in, the client had not reached step 4 yet
    assert row(make(actions=PLAN, checkins=["2026-11-01"]), "2026-10-30")["step"] == "step3"


def test_most_urgent_first():
    cases = [
        make("calm", actions=PLAN, checkins=["2026-11-08"]),
        make("late-a", actions=PLAN, checkins=["2026-10-20"]),  # checkin-overdue, 21 days
        make("late-b", actions=PLAN, checkins=["2026-10-30"]),  # checkin-overdue, 11 days
        make(
            "doubt",
            actions=[{"due": "2026-11-01"}],
            checkins=[
                {"date": "2026-10-30", "confidence": 8},
                {"date": "2026-11-06", "confidence": 3},
            ],
        ),  # confidence-falling, confidence-low, actions-overdue
        make("gone", actions=PLAN, checkins=[{"date": "2026-11-08", "buy_in": False}]),
        make("both", actions=[{"due": "2026-11-01"}], checkins=["2026-10-20"]),
        make("idle"),  # no plan yet, no flag, longest without contact
    ]
    table = from_cases(cases, D("2026-11-10"))
    assert list(table["client"]) == [
        "gone",  # buy-in lost: the most serious
        "both",  # check-in overdue: three flags (actions overdue; fidelity: 21 days)
        "late-a",  # check-in overdue: two flags (fidelity: 21 days without contact)
        "late-b",  # check-in overdue: one flag (11 days is a warning, not a failure)
        "doubt",  # confidence falling (and low, actions overdue, no follow-up recorded)
        "idle",  # no flags: the longest without contact first
        "calm",
    ]
    assert table.iloc[4]["flags"] == [
        "confidence-falling",
        "confidence-low",
        "actions-overdue",
        "fidelity-failing",
    ]
    assert table.iloc[1]["flags"] == ["checkin-overdue", "actions-overdue", "fidelity-failing"]
    assert table.iloc[3]["flags"] == ["checkin-overdue"] and not table.iloc[6]["flags"]


def test_records_have_the_commands_keys_and_plain_values():
    case = _rulers((8, 7), (6, 4))
    (only,) = records(from_cases([case], D("2026-11-20")))
    assert tuple(only) == KEYS
    assert only == {
        "client": "ana",
        "name": "Ana",
        "step": "step4",
        "last_contact": "2026-11-05",
        "days_since_contact": 15,
        "next_checkin": "2026-11-12",
        "overdue_actions": 0,
        "importance": 6,
        "confidence": 4,
        "flags": [
            "buy-in-lost",  # importance 8 -> 6
            "checkin-overdue",
            "confidence-falling",
            "confidence-low",
            "fidelity-failing",  # 15 days without contact
        ],
    }
    assert set(only["flags"]) <= set(FLAGS)


def test_an_empty_practice_is_an_empty_table():
    table = from_cases([], D("2026-11-10"))
    assert table.empty and tuple(KEYS) == tuple(c for c in table.columns if c in KEYS)


def test_from_the_store_on_both_databases(store):
    cases = [
        make("gone", actions=PLAN, checkins=[{"date": "2026-11-08", "buy_in": False}]),
        _rulers((8, 7), (6, 4)),
        make(
            "idle",
            reflections=[{"date": "2026-10-02", "model": "kolb", "entries": {"experience": "x"}}],
        ),
    ]
    store.save_all(cases)
    read = caseload(store, D("2026-11-20"))
    expected = from_cases(sorted(cases, key=lambda c: c.client.id), D("2026-11-20"))
    pd.testing.assert_frame_equal(read, expected)
    assert list(read["client"]) == ["ana", "gone", "idle"]
