"""`workbook check` as a check tool: its output, its summary words and its exit status."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.test_fidelity import _flawed, _no_supports, _no_target
from workbook.cli import cli
from workbook.fidelity import FAIL, NAMES, PASS
from workbook.sample import sample_case


def _args(practice) -> list[str]:
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_check_command_text_and_json(lana_store, practice):
    args = _args(practice)
    text = CliRunner().invoke(cli, [*args, "check", "lana", "--as-of", "2026-11-25"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[-1] == "11 passed, 0 to improve, 0 failed"
    assert text.stdout.startswith("Intake\n")
    assert "  [pass] Permission is asked before your ideas (permission_first): " in text.stdout
    late = CliRunner().invoke(
        cli, [*args, "check", "lana", "--as-of", "2027-01-10", "--format", "json"]
    )
    items = json.loads(late.stdout)
    assert [list(i) for i in items] == [["check", "name", "step", "status", "message"]] * 11
    assert {i["check"]: i["name"] for i in items} == NAMES
    weekly = next(i for i in items if i["check"] == "weekly_checkins")
    assert weekly["status"] == FAIL and weekly["step"] == 4
    assert weekly["name"] == "Check-ins are weekly"
    unknown = CliRunner().invoke(cli, [*args, "check", "nobody"])
    assert unknown.exit_code == 1 and "no client 'nobody'" in unknown.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_exits_1_when_a_check_fails_and_0_when_some_only_warn(store, practice, fmt):
    store.save(_flawed(_no_supports))  # one warning: still 0
    store.save(_flawed(_no_target).model_copy(update={"client": _other_client()}))  # one failure
    args = [*_args(practice), "check"]
    warned = CliRunner().invoke(cli, [*args, "lana", "--as-of", "2026-11-25", "--format", fmt])
    assert warned.exit_code == 0, warned.output
    failing = CliRunner().invoke(cli, [*args, "other", "--as-of", "2026-11-25", "--format", fmt])
    assert failing.exit_code == 1, failing.output
    assert failing.stderr == ""  # the findings are the output; nothing else is said
    if fmt == "text":
        assert warned.stdout.splitlines()[-1] == "10 passed, 1 to improve, 0 failed"
        assert failing.stdout.splitlines()[-1] == "10 passed, 0 to improve, 1 failed"
    else:
        statuses = [i["status"] for i in json.loads(failing.stdout)]
        assert statuses.count(FAIL) == 1 and statuses.count(PASS) == 10


def _other_client():
    return sample_case().client.model_copy(update={"id": "other", "name": "Other"})
