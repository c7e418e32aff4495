"""The text rules at every door, on SQLite and PostgreSQL alike: the importer, the forms, the
client's own check-in and the store refuse the same values with the same one-line message,
and leave the database exactly as it was."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from tests.conftest import snapshot
from tests.hostile import hostile_case
from workbook.casefile import dump_case
from workbook.cli import cli
from workbook.clientapp.checkin import save_self_checkin
from workbook.errors import InvalidRecord
from workbook.forms import logic
from workbook.store import schema

NUL = "holds a control character (U+0000); only line breaks and tabs are allowed in text"
ESC = "holds a control character (U+001B); only line breaks and tabs are allowed in text"
DAY = date(2026, 11, 20)


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_the_hostile_case_is_kept_exactly(store):
    case = hostile_case()
    store.save(case)
    assert store.load("hostile") == case


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: setattr(c.client, "name", "Ana\x00"), f"case: client.name: {NUL}"),
        (lambda c: setattr(c.client, "name", "A" * 201), "case: client.name: is too long: 201"),
        (lambda c: setattr(c.client, "situation", "s" * 20_001), "is too long: 20001 char"),
        (lambda c: c.stories[0].skills.append("Wri\x00ting"), f"stories[0].skills[3]: {NUL}"),
        (lambda c: c.reflections[0].entries.update(feelings="a\x00"), NUL),
        (lambda c: setattr(c.checkins[0], "notes", "\x1b[2J"), f"checkins[0].notes: {ESC}"),
    ],
)
def test_the_store_refuses_the_same_on_both_databases(lana_store, lana, change, message):
    before = snapshot(lana_store)
    case = lana.model_copy(deep=True)
    change(case)
    with pytest.raises(InvalidRecord) as caught:
        lana_store.save(case, replace=True)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 250
    assert snapshot(lana_store) == before


def test_import_refuses_in_one_line_and_writes_nothing(lana_store, practice, tmp_path):
    before = snapshot(lana_store)
    text = dump_case(hostile_case("ana")).replace("[client.situation]", "[client.sit\\0uation]")
    path = tmp_path / "ana.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, [*_args(practice), "import", str(path)])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    at = text[: text.index("[client.sit")].count("\n") + 1
    assert f"ana.yaml, line {at}: client.situation: {NUL} (got '[client.sit\\x00uation]" in line
    assert line.endswith("...)")  # the value shortened
    assert snapshot(lana_store) == before


def test_a_hostile_case_file_imports_and_exports_unchanged(store, practice, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(dump_case(hostile_case()), encoding="utf-8")
    assert CliRunner().invoke(cli, [*_args(practice), "import", str(path)]).exit_code == 0
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(cli, [*_args(practice), "export", "hostile", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "values", "expected", "field"),
    [
        (
            "ideas",
            {"id": "i9", "text": "Teach\x00", "source": "client", "added": DAY},
            f"Idea i9, The idea: {NUL} (got 'Teach\\x00').",
            "text",
        ),
        (
            "stories",
            {"id": "s9", "title": "T" * 201, "text": "A story."},
            "Story s9, Title: is too long: 201 characters, at most 200 (got 'TTTTT",
            "title",
        ),
        (
            "reflections",
            {"date": DAY, "model": "driscoll", "entries": {"what": "w" * 20_001}},
            "The reflection of 2026-11-20, Your reflection (what): is too long: 20001 char",
            "entries",
        ),
        (
            "interviews",
            {"id": "v9", "date": DAY, "person": "Priya", "strengths": ["Warm\x1b[31m"]},
            f"Interview v9, Strengths of the client's it confirmed: {ESC}",
            "strengths",
        ),
    ],
)
def test_forms_refuse_in_words_and_save_nothing(lana_store, kind, values, expected, field):
    before = snapshot(lana_store)
    outcome = logic.save_record(lana_store, "lana", kind, values)
    assert not outcome.ok
    assert outcome.message.startswith(expected), outcome.message
    assert outcome.field == field
    assert len(outcome.message) < 250
    assert snapshot(lana_store) == before


def test_the_intake_and_a_new_client_refuse_a_long_or_broken_name(lana_store):
    before = snapshot(lana_store)
    outcome = logic.save_client(lana_store, "lana", {"name": "N" * 201})
    assert not outcome.ok and outcome.field == "name"
    assert outcome.message.startswith("Intake, Name: is too long: 201 characters, at most 200")
    outcome = logic.create_client(
        lana_store, {"id": "ana", "name": "Ana\x07", "started": DAY, "records": True}
    )
    assert (outcome.ok, outcome.field) == (False, "name")
    assert outcome.message == f"Name: {NUL.replace('0000', '0007')} (got 'Ana\\x07')."
    outcome = logic.create_client(
        lana_store, {"id": "an\x00a", "name": "Ana", "started": DAY, "records": True}
    )
    assert (outcome.ok, outcome.field) == (False, "id")
    assert outcome.message.startswith(f"Id: {NUL}")
    assert snapshot(lana_store) == before


def test_a_form_keeps_line_breaks_and_tabs(lana_store):
    text = "Line one\r\n\tLine two 🎯 مرحبا"
    outcome = logic.save_record(
        lana_store, "lana", "ideas", {"id": "i9", "text": text, "source": "client", "added": DAY}
    )
    assert outcome.ok, outcome.message
    assert lana_store.load("lana").ideas[-1].text == "Line one\n\tLine two 🎯 مرحبا"


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("All fine\x00", f"Your note: {NUL} (got 'All fine\\x00')"),
        ("n" * 20_001, "Your note: is too long: 20001 characters, at most 20000 (got 'nnnn"),
    ],
)
def test_the_clients_own_checkin_refuses_the_same(lana_store, notes, expected):
    before = snapshot(lana_store)
    outcome = save_self_checkin(lana_store, "lana", {"importance": 7, "notes": notes}, DAY)
    assert not outcome.ok and outcome.field == "notes"
    assert outcome.message.startswith(expected), outcome.message
    assert len(outcome.message) < 250  # the value shortened
    assert snapshot(lana_store) == before


def test_text_kept_by_an_older_version_stays_readable(lana_store):
    """A situation longer than today's limit, written before the limit: it still loads and
    exports; the next save names the field to shorten, and nothing is lost meanwhile."""
    long_text = "x" * 25_000
    with lana_store.transaction() as conn:
        conn.execute(update(schema.clients).values(situation=long_text))
    assert lana_store.load("lana").client.situation == long_text
    before = snapshot(lana_store)
    outcome = logic.save_record(
        lana_store,
        "lana",
        "ideas",
        {"id": "i9", "text": "New idea", "source": "client", "added": DAY},
    )
    assert not outcome.ok
    assert outcome.message.startswith("Intake, Current situation: is too long: 25000 characters")
    assert snapshot(lana_store) == before


@pytest.mark.parametrize("client_id", ["lana\x00", "la\x1bna", "Lana", "x" * 300])
def test_an_id_no_client_can_have_is_not_found_alike(lana_store, client_id):
    from workbook.errors import ClientNotFound

    assert not lana_store.has(client_id)
    with pytest.raises(ClientNotFound) as caught:
        lana_store.load(client_id)
    assert str(caught.value).startswith(f"no client {client_id!r} in this practice")
    outcome = save_self_checkin(lana_store, client_id, {"importance": 5}, DAY)
    assert not outcome.ok and "\x00" not in outcome.message and "\x1b" not in outcome.message
