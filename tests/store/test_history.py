"""The history: an entry per changed record, in the change's transaction; append-only in the
database itself; revert; erasure leaving a tombstone and no trace of the client's text."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import minimal_case
from workbook.errors import StoreError, WorkbookError
from workbook.forms import logic
from workbook.model import validate_case
from workbook.store import history

SECRET = "Zanzibarquokka-7731"  # a string found nowhere else in a practice


@pytest.fixture(autouse=True)
def _user(monkeypatch):
    monkeypatch.setenv("WORKBOOK_USER", "pat the practitioner")


def _newest(store, client="lana", n=1):
    return store.history(client)[:n]


def _records(case):
    """How many records the history names in a case (sections present, and every record)."""
    records = history._records(case)
    sections = [k for k in history.SECTIONS if records[k] is not None]
    return len(sections) + sum(len(v) for k, v in records.items() if k not in history.SECTIONS)


def test_an_import_is_one_entry_per_record(lana_store, lana):
    entries = lana_store.history("lana")
    assert len(entries) == _records(lana) > 20
    assert {e.change for e in entries} == {"import"}
    assert {e.who for e in entries} == {"pat the practitioner"}
    assert all(e.before is None and e.after for e in entries)
    assert [e.number for e in entries] == sorted((e.number for e in entries), reverse=True)
    story = next(e for e in entries if e.record == f"stories/{lana.stories[0].id}")
    assert story.after["title"] == lana.stories[0].title
    assert any(e.record == "checkins/1" for e in entries) and any(
        e.record == "client" for e in entries
    )


def test_form_save_edit_and_delete_are_one_entry_each(lana_store, lana):
    before = len(lana_store.history("lana"))
    story = {"id": "s90", "title": "A new story", "text": "It went well."}
    added = logic.save_record(lana_store, "lana", "stories", story)
    assert added.ok, added.message
    [entry] = _newest(lana_store)
    assert (entry.record, entry.change, entry.before) == ("stories/s90", "add", None)
    assert entry.after["title"] == "A new story" and entry.client == "lana"

    story["title"] = "A better title"
    edited = logic.save_record(lana_store, "lana", "stories", story, "s90")
    assert edited.ok
    [entry] = _newest(lana_store)
    assert (entry.record, entry.change) == ("stories/s90", "edit")
    assert (entry.before["title"], entry.after["title"]) == ("A new story", "A better title")

    assert logic.delete_record(lana_store, "lana", "stories", "s90").ok
    [entry] = _newest(lana_store)
    assert (entry.record, entry.change, entry.after) == ("stories/s90", "delete", None)
    assert entry.before["title"] == "A better title"
    assert len(lana_store.history("lana")) == before + 3


def test_a_record_without_an_id_is_named_by_its_place(lana_store, lana):
    checkin = lana.checkins[1].model_dump()
    assert logic.delete_record(lana_store, "lana", "checkins", 1, checkin).ok
    [entry] = _newest(lana_store)
    assert (entry.record, entry.change) == ("checkins/2", "delete")
    assert entry.before["date"] == checkin["date"].isoformat()
    notes = {**checkin, "notes": "Seen again"}
    del notes["by"]
    changed = logic.save_record(
        lana_store, "lana", "checkins", notes, 0, lana.checkins[0].model_dump()
    )
    assert changed.ok, changed.message
    assert [(e.record, e.change) for e in _newest(lana_store)] == [("checkins/1", "edit")]


def test_a_section_edit_is_one_entry(lana_store):
    assert logic.save_plan(lana_store, "lana", {"goal": "A new goal"}).ok
    [entry] = _newest(lana_store)
    assert (entry.record, entry.change, entry.after["goal"]) == ("plan", "edit", "A new goal")


def test_a_refused_change_records_nothing(lana_store):
    before = lana_store.history("lana")
    refused = logic.save_record(lana_store, "lana", "stories", {"title": "No text"})
    assert not refused.ok
    assert lana_store.history("lana") == before


def test_replace_records_only_what_differs(lana_store, lana):
    new = lana.model_copy(deep=True)
    new.stories[0].title = "Retitled in the case file"
    new.stories.reverse()  # a new order of records with ids
    lana_store.save(validate_case(new.model_dump()), replace=True)
    changed = [e for e in lana_store.history("lana") if e.change == "replace"]
    assert {e.record for e in changed} == {f"stories/{lana.stories[0].id}", "stories"}
    order = next(e for e in changed if e.record == "stories")
    assert order.after == [s.id for s in new.stories]


def test_revert_replays_to_an_entry_as_a_new_change(lana_store, lana):
    mark = lana_store.history("lana")[0].number  # just after the import
    logic.save_record(
        lana_store,
        "lana",
        "ideas",
        {"id": "i90", "text": "Try baking", "source": "client", "added": "2026-11-20"},
    )
    assert logic.delete_record(lana_store, "lana", "checkins", 0, lana.checkins[0].model_dump()).ok
    new = lana_store.load("lana")
    new.stories.reverse()
    new.client.goal = "Something else"
    lana_store.save(new, replace=True)
    count = len(lana_store.history("lana"))

    assert lana_store.revert("lana", mark) > 0
    assert lana_store.load("lana") == lana
    after = lana_store.history("lana")
    assert len(after) > count  # nothing was erased: the revert was added
    assert {e.change for e in after[: len(after) - count]} == {"revert"}
    assert lana_store.revert("lana", mark) == 0  # already there


def test_revert_refuses_an_entry_of_another_client(lana_store):
    lana_store.save(minimal_case("other"))
    theirs = lana_store.history("other")[0].number
    with pytest.raises(WorkbookError, match=r"entry \d+ is not in the history of client 'lana'"):
        lana_store.revert("lana", theirs)
    with pytest.raises(WorkbookError, match="not in the history"):
        lana_store.revert("lana", 10_000)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE history SET who = 'someone else'",
        "UPDATE history SET after = NULL WHERE record = 'client'",
        "DELETE FROM history",
        "DELETE FROM history WHERE record = 'client'",
    ],
)
def test_the_database_refuses_to_change_the_history(lana_store, statement):
    before = lana_store.history("lana")
    with pytest.raises(StoreError, match="append-only"), lana_store.transaction() as conn:
        conn.execute(text(statement))
    assert lana_store.history("lana") == before


def test_the_database_refuses_to_truncate_the_history(lana_store):
    if lana_store.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(StoreError, match="append-only"), lana_store.transaction() as conn:
        conn.execute(text("TRUNCATE history"))


def test_erasure_leaves_only_a_tombstone(lana_store):
    lana_store.save(minimal_case("other"))
    theirs = lana_store.history("other")
    lana_store.delete("lana")
    assert not lana_store.has("lana")
    [tomb] = lana_store.history("lana")
    assert (tomb.client, tomb.record, tomb.change) == ("lana", "client", "erase")
    assert (tomb.before, tomb.after, tomb.who) == (None, None, "pat the practitioner")
    assert lana_store.history("other") == theirs  # another client's history is untouched
    with lana_store.reading() as conn:  # the escape was closed again in the same transaction
        assert conn.execute(text("SELECT erasing FROM history_erasure")).scalar() == 0
    with pytest.raises(StoreError, match="append-only"), lana_store.transaction() as conn:
        conn.execute(text("DELETE FROM history"))


def test_a_second_erasure_keeps_the_first_tombstone(lana_store, lana):
    lana_store.delete("lana")
    lana_store.save(lana)  # the same id taken again, later erased again
    lana_store.delete("lana")
    tombs = lana_store.history("lana")
    assert [t.change for t in tombs] == ["erase", "erase"]  # both requests stay on record
    assert all(t.before is None and t.after is None for t in tombs)


def _secret_case(lana):
    case = lana.model_copy(deep=True)
    case.client.id = "secret"
    case.client.situation = f"Works at {SECRET} for now"
    case.stories[0].text = f"The time at {SECRET} went well"
    return validate_case(case.model_dump())


def _save_and_erase(store, case):
    store.save(case)
    saved = logic.save_record(
        store, "secret", "stories", {"id": "s99", "title": SECRET, "text": SECRET}
    )
    assert saved.ok, saved.message
    store.delete("secret")


@pytest.fixture
def insecure_by_default(monkeypatch):
    """SQLite as many builds ship it, with secure_delete off (Debian's is built with it on),
    so that only the store's own setting keeps erased text out of the file."""
    from sqlalchemy import event

    from workbook.store import engine

    made = engine.create_engine

    def create(*args, **kwargs):
        new = made(*args, **kwargs)
        event.listen(new, "connect", lambda dbapi, _: dbapi.execute("PRAGMA secure_delete = OFF"))
        return new

    monkeypatch.setattr(engine, "create_engine", create)


def test_an_erased_client_leaves_no_text_in_the_sqlite_file(
    sqlite_practice, lana, insecure_by_default
):
    with sqlite_practice.open() as store:
        store.save(lana)
        _save_and_erase(store, _secret_case(lana))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert store.load("lana") == lana  # the other client is whole
    db = sqlite_practice.db_path
    files = [p for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
    assert db in files
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.postgres
def test_an_erased_client_leaves_no_rows_on_postgresql(tmp_path, pg_server, lana):
    from workbook.practice import Practice

    practice = Practice(tmp_path / "practice", pg_server.create_database("erasure"))
    with practice.open() as store:
        store.save(lana)
        _save_and_erase(store, _secret_case(lana))
        with store.reading() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            for table in tables:
                found = conn.execute(
                    text(f"SELECT count(*) FROM {table} AS t WHERE CAST(t AS text) LIKE :s"),
                    {"s": f"%{SECRET}%"},
                ).scalar()
                assert found == 0, table
            assert conn.execute(text("SELECT count(*) FROM clients")).scalar() == 1
        assert [e.change for e in store.history("secret")] == ["erase"]


def test_revert_into_the_middle_of_a_change_is_refused_when_not_whole(lana_store, lana):
    new = lana.model_copy(deep=True)
    used = new.plan.actions[0].ideas[0]
    new.ideas = [i for i in new.ideas if i.id != used]
    for owner in (*new.plan.actions, *new.interviews):
        owner.ideas = [i for i in owner.ideas if i != used]
    lana_store.save(validate_case(new.model_dump()), replace=True)
    [gone] = lana_store.history("lana", f"ideas/{used}")[:1]
    assert gone.change == "replace" and gone.after is None
    before = lana_store.history("lana")
    with pytest.raises(WorkbookError, match=rf"--to: entry {gone.number} is in the middle"):
        lana_store.revert("lana", gone.number)
    assert lana_store.history("lana") == before
    assert lana_store.revert("lana", before[0].number) == 0  # the change's last entry: whole


def test_who_is_the_login_name_unless_workbook_user_is_set(monkeypatch, store):
    import getpass

    monkeypatch.delenv("WORKBOOK_USER")
    assert history.who() == getpass.getuser()
    store.save(minimal_case())
    assert {e.who for e in store.history("new")} == {getpass.getuser()}
    monkeypatch.setenv("WORKBOOK_USER", "  ")
    assert history.who() == getpass.getuser()
