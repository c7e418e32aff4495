"""Method fidelity: the sample passes every check; a flawed case fails each one."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from workbook.cli import cli
from workbook.fidelity import CHECKS, FAIL, PASS, WARN, run_checks
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


def test_check_command_text_and_json(lana_store, practice):
    args = ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )
    text = CliRunner().invoke(cli, [*args, "check", "lana", "--as-of", "2026-11-25"])
    assert text.exit_code == 0 and "11 passed, 0 to improve, 0 missing" in text.stdout
    assert text.stdout.startswith("Intake\n")
    late = CliRunner().invoke(
        cli, [*args, "check", "lana", "--as-of", "2027-01-10", "--format", "json"]
    )
    assert late.exit_code == 0  # findings never change the exit status
    items = json.loads(late.stdout)
    assert set(items[0]) == {"check", "step", "status", "message"}
    weekly = next(i for i in items if i["check"] == "weekly_checkins")
    assert weekly["status"] == FAIL and weekly["step"] == 4
    unknown = CliRunner().invoke(cli, [*args, "check", "nobody"])
    assert unknown.exit_code == 1 and "no client 'nobody'" in unknown.stderr
