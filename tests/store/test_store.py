"""The store on SQLite and on a real PostgreSQL: whole cases, single records, transactions."""

from __future__ import annotations

import stat
import threading

import pytest
from sqlalchemy import text

from tests.conftest import snapshot
from workbook.errors import ClientExists, ClientNotFound, InvalidRecord, WorkbookError
from workbook.model import Story
from workbook.store import RecordNotFound


def test_case_round_trips_exactly(lana_store, lana):
    assert lana_store.load("lana") == lana


def test_client_listing_and_summaries(lana_store):
    assert lana_store.client_ids() == ["lana"]
    (summary,) = lana_store.summaries()
    assert (summary.stories, summary.ideas, summary.actions, summary.checkins) == (4, 5, 8, 8)
    assert summary.last_checkin.isoformat() == "2026-11-24"


def test_existing_client_refused_then_replaced(lana_store, lana):
    changed = lana.model_copy(deep=True)
    changed.client.name = "Lana K."
    changed.stories = changed.stories[:1]
    before = snapshot(lana_store)
    with pytest.raises(ClientExists):
        lana_store.save(changed)
    assert snapshot(lana_store) == before
    lana_store.save(changed, replace=True)
    assert lana_store.load("lana") == changed


def test_save_all_is_all_or_nothing(store, lana):
    other = lana.model_copy(deep=True)
    other.client.id = "other"
    store.save(other)
    first = lana.model_copy(deep=True)
    first.client.id = "first"
    before = snapshot(store)
    with pytest.raises(ClientExists):
        store.save_all([first, other])  # the second already exists
    assert snapshot(store) == before
    assert store.client_ids() == ["other"]


def test_add_edit_delete_each_record_type(lana_store):
    new = {
        "attempts": {"text": "Asked her manager about a training secondment."},
        "stories": {"id": "s5", "title": "Choir", "text": "Ran the choir's newsletter."},
        "ideas": {
            "id": "i6",
            "text": "Union education officer",
            "source": "client",
            "added": "2026-11-01",
        },
        "interviews": {"id": "v4", "date": "2026-11-02", "person": "Sam", "referred_by": "v3"},
        "actions": {"id": "a9", "text": "Call Sam back", "owner": "client", "status": "todo"},
        "checkins": {"date": "2026-12-01", "importance": 7, "progress": {"a9": 0}},
        "reflections": {"date": "2026-12-01", "model": "driscoll", "entries": {"what": "x"}},
    }
    for kind, record in new.items():
        lana_store.add("lana", kind, record)
    case = lana_store.load("lana")
    assert case.attempts[-1].text.startswith("Asked")
    assert case.stories[-1].id == "s5"
    assert case.interviews[-1].referred_by == "v3"
    assert case.plan.actions[-1].id == "a9"
    assert case.checkins[-1].progress == {"a9": 0}

    lana_store.update("lana", "stories", "s5", Story(id="s5", title="Choir", text="Edited."))
    lana_store.update(
        "lana", "checkins", len(case.checkins) - 1, {"date": "2026-12-02", "confidence": 9}
    )
    case = lana_store.load("lana")
    assert case.stories[-1].text == "Edited."
    assert case.checkins[-1].date.isoformat() == "2026-12-02"
    assert case.checkins[-1].progress == {}

    for kind, key in [
        ("stories", "s5"),
        ("interviews", "v4"),
        ("actions", "a9"),
        ("ideas", "i6"),
        ("attempts", 3),
        ("checkins", 8),
        ("reflections", 3),
    ]:
        lana_store.remove("lana", kind, key)
    from workbook.sample import sample_case

    assert lana_store.load("lana") == sample_case()


def test_set_sections_through_edit(lana_store):
    with lana_store.edit("lana") as case:
        case.permission.granted = False
        case.plan.goal = "A new goal"
        case.client.situation = "Changed"
    case = lana_store.load("lana")
    assert (case.permission.granted, case.plan.goal, case.client.situation) == (
        False,
        "A new goal",
        "Changed",
    )


def test_invalid_edit_changes_nothing(lana_store):
    before = snapshot(lana_store)
    with pytest.raises(InvalidRecord) as err:
        lana_store.add(
            "lana", "ideas", {"id": "i7", "text": "x", "source": "client", "added": "2026-11-31"}
        )
    assert "ideas.added" in str(err.value) and "2026-11-31" in str(err.value)
    with pytest.raises(InvalidRecord, match="names no idea"):
        lana_store.remove("lana", "ideas", "i1")  # still used by actions and interviews
    with pytest.raises(InvalidRecord, match="already the id"):
        lana_store.add("lana", "stories", {"id": "i1", "title": "t", "text": "x"})
    with pytest.raises(RecordNotFound):
        lana_store.update("lana", "stories", "s99", {"id": "s99", "title": "t", "text": "x"})
    with pytest.raises(WorkbookError, match="not a record type"):
        lana_store.add("lana", "hobbies", {})
    with pytest.raises(ZeroDivisionError), lana_store.edit("lana") as case:
        case.stories.clear()
        1 / 0  # noqa: B018 - an error in the caller's block rolls the edit back
    assert snapshot(lana_store) == before


def test_missing_client(store):
    with pytest.raises(ClientNotFound, match="workbook clients"):
        store.load("nobody")
    with pytest.raises(ClientNotFound):
        store.delete("nobody")


def test_delete_removes_every_row(lana_store, lana):
    other = lana.model_copy(deep=True)
    other.client.id = "other"
    lana_store.save(other)
    lana_store.delete("lana")
    assert lana_store.client_ids() == ["other"]
    with lana_store.engine.connect() as conn:
        for table in (
            "stories",
            "ideas",
            "actions",
            "checkins",
            "checkin_progress",
            "action_ideas",
            "interview_ideas",
            "reflections",
            "attempts",
        ):
            pks = set(conn.execute(text(f"SELECT DISTINCT client_pk FROM {table}")).scalars())
            assert len(pks) == 1, table


def test_concurrent_writers_lose_nothing(practice, lana):
    """Several writers (threads, each its own store and connection) adding at once."""
    with practice.open() as store:
        store.save(lana)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            with practice.open() as mine:
                for k in range(5):
                    mine.add(
                        "lana",
                        "stories",
                        {"id": f"w{n}-{k}", "title": f"writer {n}", "text": str(k)},
                    )
        except Exception as exc:  # collected and re-raised below, never swallowed
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with practice.open() as store:
        ids = {s.id for s in store.load("lana").stories}
    assert {f"w{n}-{k}" for n in range(4) for k in range(5)} <= ids


def test_sqlite_practice_is_private_and_in_wal_mode(sqlite_practice, lana):
    with sqlite_practice.open() as store:
        store.save(lana)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        for path in sqlite_practice.path.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(sqlite_practice.path.stat().st_mode) == 0o700
