"""``workbook draft``: the drafted goal and actions, as text and JSON, never saved."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import snapshot
from workbook.cli import cli


def run(practice, *args):
    db = ["--db", practice.db_url] if practice.db_url else []
    return CliRunner().invoke(cli, ["--practice", str(practice.path), *db, *map(str, args)])


def _with_i4_chosen(store):
    with store.edit("lana") as case:
        next(i for i in case.ideas if i.id == "i4").status = "chosen"


def test_json_is_the_contract_and_nothing_is_saved(lana_store, practice):
    _with_i4_chosen(lana_store)
    before = snapshot(lana_store)
    result = run(practice, "draft", "lana", "--as-of", "2026-11-26", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"goal", "target", "actions"}
    assert data["target"] == "2027-01-31" and data["goal"].startswith("By 31 January 2027, Lana")
    assert len(data["actions"]) >= 5
    for action in data["actions"]:
        assert set(action) == {"text", "owner", "due", "ideas", "skills", "why"}
        assert "2026-11-26" <= action["due"] <= "2027-01-31"
        assert action["owner"] in ("client", "practitioner", "shared")
    assert {i for a in data["actions"] for i in a["ideas"]} >= {"i4"}
    assert snapshot(lana_store) == before
    again = run(practice, "draft", "lana", "--as-of", "2026-11-26", "--format", "json")
    assert again.stdout == result.stdout  # the same drafts for the same records and date


def test_text_shows_goal_prompts_actions_and_reasons(lana_store, practice):
    _with_i4_chosen(lana_store)
    result = run(practice, "draft", "lana", "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Goal (draft): By 31 January 2027")
    assert "Target: 2027-01-31" in out and "Measurable and meaningful:" in out
    assert "none saved" in out and "why: " in out
    assert "1. 2026-12-07  client" in out
    assert "Already in the plan" in out


def test_no_chosen_ideas_is_said_in_words(store, practice):
    from tests.conftest import minimal_case

    store.save(minimal_case())
    result = run(practice, "draft", "new", "--as-of", "2026-11-26")
    assert result.exit_code == 0
    assert "No idea is marked chosen yet" in result.stdout
    data = json.loads(run(practice, "draft", "new", "--format", "json").stdout)
    assert data["actions"] == [] and data["goal"] == ""


def test_unknown_client_is_one_line_and_exit_1(lana_store, practice):
    result = run(practice, "draft", "nobody")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no client 'nobody'" in result.stderr
    assert result.stdout == ""


def test_bad_date_is_a_usage_error(lana_store, practice):
    assert run(practice, "draft", "lana", "--as-of", "26/11/2026").exit_code == 2
