"""Alembic migrations: they build exactly the schema, and an older practice upgrades on open."""

from __future__ import annotations

import shutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from workbook.store import Store, engine, head_revision
from workbook.store.schema import metadata

EXTRA_REVISION = '''
"""Test-only: a later version adds a column and fills it from existing rows."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("initials", sa.String(8)))
    op.execute("UPDATE clients SET initials = substr(name, 1, 1)")


def downgrade():
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("initials")
'''


def test_migrations_build_exactly_the_schema(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()


def test_head_constant_matches_the_scripts():
    assert head_revision() == engine.HEAD


def test_opening_twice_is_a_no_op(practice, lana):
    with practice.open() as store:
        store.save(lana)
    with practice.open() as store:
        assert store.load("lana") == lana


def test_older_practice_upgrades_itself_on_open(practice, lana, tmp_path, monkeypatch):
    with practice.open() as store:  # made by "this" version: schema at HEAD
        store.save(lana)
    newer = tmp_path / "migrations"
    shutil.copytree(engine.MIGRATIONS, newer)
    (newer / "versions" / "9001_initials.py").write_text(EXTRA_REVISION)
    monkeypatch.setattr(engine, "MIGRATIONS", str(newer))  # a "newer version" of the package

    with Store(practice.url) as upgraded:
        with upgraded.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == "9001"
            columns = {c["name"] for c in inspect(conn).get_columns("clients")}
            assert "initials" in columns
            assert conn.exec_driver_sql("SELECT initials FROM clients").scalar() == "L"
        assert upgraded.load("lana") == lana  # nothing lost


def test_practice_from_before_checkin_by_upgrades_and_keeps_its_checkins(sqlite_practice):
    """A database at 0001 (no ``checkins.by``) opens, upgrades to HEAD and reads unchanged."""
    from sqlalchemy import text

    from workbook.model import Checkin

    sqlite_practice.path.mkdir(parents=True)
    old = engine.make_engine(sqlite_practice.url)
    engine.upgrade(old, "0001")
    with old.begin() as conn:
        assert "by" not in {c["name"] for c in inspect(conn).get_columns("checkins")}
        conn.execute(
            text(
                "INSERT INTO clients (id, name, started, consent_records, "
                "consent_share_deidentified, updated) VALUES "
                "('old', 'Old Client', '2026-01-05', 1, 0, '2026-01-05 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO checkins (client_pk, position, date, importance, supports, notes) "
                "VALUES (1, 0, '2026-01-12', 6, '[]', 'before the field')"
            )
        )
    old.dispose()

    with sqlite_practice.open(create=False) as store:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == engine.HEAD
        case = store.load("old")
        assert case.checkins[0].by is None and case.checkins[0].notes == "before the field"
        store.add("old", "checkins", Checkin(date=case.checkins[0].date, by="client"))
        assert [k.by for k in store.load("old").checkins] == [None, "client"]


def test_practice_from_before_the_history_gains_it_on_upgrade(sqlite_practice, lana):
    """A database at 0002 (no history) with a client opens at HEAD; the client's first change
    records the records as they stood ("existing"), then the change, and reverts exactly."""
    from workbook.store import cases

    sqlite_practice.path.mkdir(parents=True)
    old = engine.make_engine(sqlite_practice.url)
    engine.upgrade(old, "0002")
    with old.begin() as conn:
        assert not inspect(conn).has_table("history")
        cases.write_case(conn, lana, None)  # what version 0002 wrote: the case's rows only
    old.dispose()

    with sqlite_practice.open(create=False) as store:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == engine.HEAD
            assert inspect(conn).has_table("history")
        assert store.history("lana") == []
        assert store.load("lana") == lana
        story = lana.stories[0].model_dump() | {"title": "Renamed after the upgrade"}
        store.update("lana", "stories", story["id"], story)
        entries = store.history("lana")
        latest = entries[0]
        assert (latest.record, latest.change) == (f"stories/{story['id']}", "edit")
        assert latest.before["title"] == lana.stories[0].title
        assert latest.after["title"] == "Renamed after the upgrade"
        existing = [e for e in entries if e.change == "existing"]
        assert {e.record for e in existing} >= {"client", f"stories/{story['id']}"}
        assert all(e.before is None for e in existing)
        store.revert("lana", existing[0].number)  # the newest "existing" entry: as upgraded
        assert store.load("lana") == lana
