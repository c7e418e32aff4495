"""SQLite runs with synchronous=FULL: a save that says "Saved" is on the disk."""

from __future__ import annotations


def test_sqlite_connections_sync_every_commit(sqlite_practice):
    with sqlite_practice.open() as store:
        for _ in range(2):  # the pooled connection and a fresh one alike
            with store.reading() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            store.engine.dispose()
