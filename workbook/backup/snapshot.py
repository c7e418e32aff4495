"""SQLite snapshots: a consistent copy of a live practice database, and putting one back.

Copying ``practice.db`` while a form saves misses what still sits in the write-ahead log, so
the copy is made by SQLite itself, with ``VACUUM INTO``: one read transaction, so the copy is
the database as it stood at one moment, every commit made before that moment included, while
other connections keep writing. (The online backup API restarts whenever another process
writes meanwhile, which under a busy writer took seconds; VACUUM INTO never waits.) Restoring
uses the backup API the other way, into the practice's database, so SQLite writes it whole
under its own locks.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine

from ..store import Store
from ..store.engine import current_revision, sqlite_url
from .archive import BackupError
from .portable import count_rows


def take(store: Store, target: Path) -> None:
    """Copy the store's SQLite database into the new file ``target`` (journal mode DELETE)."""
    source = store.engine.raw_connection()  # tuned: busy timeout, WAL
    try:  # VACUUM INTO reads in one transaction: the database as it stood at one moment
        source.driver_connection.execute("VACUUM INTO ?", (str(target),))
        with closing(sqlite3.connect(target)) as copy:
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as exc:
        raise BackupError(f"the database could not be copied: {exc}") from None
    finally:
        source.close()


def describe(path: Path) -> tuple[str | None, dict[str, int]]:
    """The schema revision and the rows per table of the SQLite database at ``path``."""
    engine = create_engine(sqlite_url(path))
    try:
        with engine.connect() as conn:
            return current_revision(conn), count_rows(conn)
    finally:
        engine.dispose()


# A database someone else made (a trainee's hand-in, read as root or by an educator) is read
# only through these: opened read-only and immutable (no lock, no journal, nothing written
# beside it), with its schema distrusted (views, triggers, CHECK constraints and indexes may not
# call any function that is not marked harmless, so a crafted schema cannot run the reader's
# own functions) and every write refused on the connection (a trigger has nothing to fire on).
UNTRUSTED_PRAGMAS = ("PRAGMA trusted_schema = OFF", "PRAGMA query_only = ON")


def untrusted_uri(path: Path) -> str:
    """The URI that opens (or attaches) the database at ``path`` read-only and immutable."""
    return Path(path).absolute().as_uri() + "?mode=ro&immutable=1"


def distrust(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Make ``conn`` refuse writes and distrust the schemas it reads (see above)."""
    for pragma in UNTRUSTED_PRAGMAS:
        conn.execute(pragma)
    return conn


def open_untrusted(path: Path) -> sqlite3.Connection:
    """A connection to someone else's database at ``path``: read-only, immutable, distrusted."""
    return distrust(sqlite3.connect(untrusted_uri(path), uri=True))


def integrity_check(path: Path, *, untrusted: bool = False) -> str:
    """``ok``, or SQLite's first complaint about the database file at ``path``; ``untrusted``
    for a file someone else made (:func:`open_untrusted`)."""
    try:
        opened = (
            open_untrusted(path) if untrusted else sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        )
        with closing(opened) as conn:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)


def put_back(snapshot: Path, store: Store) -> None:
    """Replace the (empty) store's SQLite database with the snapshot's pages, under its lock."""
    target = store.engine.raw_connection()
    try:
        with closing(sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)) as source:
            source.backup(target.driver_connection, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"the database could not be restored: {exc}") from None
    finally:
        target.close()
