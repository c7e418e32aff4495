"""The history and revert commands, and delete as erasure, through the command line."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_commands import _args, run
from workbook.casefile import dump_case
from workbook.sample import sample_case, sample_text

ENV = {"WORKBOOK_USER": "sam"}


@pytest.fixture
def imported(practice, tmp_path):
    case = tmp_path / "lana.yaml"
    case.write_text(sample_text(), encoding="utf-8")
    assert run(*_args(practice), "import", case, env=ENV).exit_code == 0
    return case


def _entries(practice, *extra):
    result = run(*_args(practice), "history", "lana", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_history_json_lists_every_entry_newest_first(practice, imported):
    entries = _entries(practice)
    assert entries and {e["change"] for e in entries} == {"import"}
    assert [e["number"] for e in entries] == sorted((e["number"] for e in entries), reverse=True)
    first = entries[0]
    assert set(first) == {"number", "at", "who", "client", "record", "change", "before", "after"}
    assert (first["who"], first["client"], first["before"]) == ("sam", "lana", None)
    assert first["at"].endswith("+00:00")
    story = _entries(practice, "--record", "s1")
    assert [e["record"] for e in story] == ["stories/s1"]
    assert story[0]["after"]["id"] == "s1"
    assert _entries(practice, "--record", "stories/s1") == story


def test_history_text_is_numbered_and_names_the_fields_changed(practice, imported, tmp_path):
    edited = imported.read_text().replace("title: The summer hires", "title: Summer hiring")
    assert "Summer hiring" in edited
    case = tmp_path / "edited.yaml"
    case.write_text(edited)
    assert run(*_args(practice), "import", "--replace", case, env=ENV).exit_code == 0
    shown = run(*_args(practice), "history", "lana").stdout.splitlines()
    top = _entries(practice)[0]
    assert shown[0].startswith(f"#{top['number']}  ")
    assert " UTC  sam  replace   stories/s1 (title)" in shown[0]
    assert len(shown) == len(_entries(practice))


def test_revert_goes_back_to_an_entry(practice, imported, tmp_path):
    mark = _entries(practice)[0]["number"]
    case = tmp_path / "edited.yaml"
    case.write_text(imported.read_text().replace("title: The summer hires", "title: Changed"))
    run(*_args(practice), "import", "--replace", case)
    result = run(*_args(practice), "revert", "lana", "--to", mark)
    assert result.exit_code == 0, result.stderr
    assert f"after entry {mark} (1 record(s) changed" in result.stdout
    assert run(*_args(practice), "export", "lana").stdout == dump_case(sample_case())
    assert _entries(practice)[0]["change"] == "revert"
    again = run(*_args(practice), "revert", "lana", "--to", mark)
    assert again.stdout.startswith("nothing to revert")


def test_revert_refuses_another_clients_entry_in_one_line(practice, imported, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(imported.read_text().replace("id: lana", "id: other", 1))
    assert run(*_args(practice), "import", other).exit_code == 0
    theirs = json.loads(run(*_args(practice), "history", "other", "--format", "json").stdout)
    before = _entries(practice)
    result = run(*_args(practice), "revert", "lana", "--to", theirs[0]["number"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"--to: entry {theirs[0]['number']} is not in the history of client 'lana'" in (
        result.stderr
    )
    assert _entries(practice) == before
    assert run(*_args(practice), "revert", "lana", "--to", "0").exit_code == 2


def test_delete_erases_and_leaves_a_tombstone(practice, imported):
    files = practice.workbooks("lana")
    files.mkdir(parents=True)
    (files / "lana.html").write_text("generated")
    notebooks = practice.notebooks("lana")
    (notebooks / "client-app").mkdir(parents=True)
    result = run(*_args(practice), "delete", "lana", "--yes", env=ENV)
    assert result.exit_code == 0, result.stderr
    assert "erased lana" in result.stdout
    assert not files.exists() and not notebooks.exists()
    [tomb] = _entries(practice)
    assert (tomb["record"], tomb["change"], tomb["who"]) == ("client", "erase", "sam")
    assert (tomb["before"], tomb["after"]) == (None, None)
    text = run(*_args(practice), "history", "lana").stdout
    assert "erase" in text and "erased" in text


def test_delete_removes_the_journal_that_held_the_clients_reflections(practice, imported):
    assert run(*_args(practice), "journal").exit_code == 0
    assert "Lana" in practice.journal.read_text()
    result = run(*_args(practice), "delete", "lana", "--yes")
    assert result.exit_code == 0, result.stderr
    assert not practice.journal.exists() and "workbook journal" in result.stdout


def test_delete_again_clears_files_a_stopped_erasure_left(practice, imported):
    assert run(*_args(practice), "delete", "lana", "--yes").exit_code == 0
    left = practice.workbooks("lana") / "lana-workbook.html"  # as if stopped before the files
    left.parent.mkdir(parents=True)
    left.write_text("Lana Kowalczyk")
    again = run(*_args(practice), "delete", "lana", "--yes")
    assert again.exit_code == 0, again.stderr
    assert not left.parent.exists() and "removed the files left behind" in again.stdout
    nothing = run(*_args(practice), "delete", "lana", "--yes")
    assert nothing.exit_code == 1 and "lana" in nothing.stderr


def test_history_of_an_unknown_client_is_an_error(practice, imported):
    result = run(*_args(practice), "history", "nobody")
    assert result.exit_code == 1 and "nobody" in result.stderr
