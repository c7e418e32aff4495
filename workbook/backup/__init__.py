"""Backups of a practice: a consistent snapshot taken while others write, and its restoration.

A SQLite practice is backed up as its database, copied by SQLite's backup API (``snapshot``);
a PostgreSQL practice as every case file plus the history rows, read in one REPEATABLE READ
transaction (``portable``). Either is packed into one zip file with a manifest of counts and
checksums (``archive``), written whole, mode 0600. Restoring checks the whole file first (the
manifest, every checksum, the counts, SQLite's integrity check) and only then touches the
target, which must be new or empty; either kind restores into either kind of database.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from ..errors import StoreError
from ..files import write_private
from ..practice import Practice
from ..store import Store, sqlite_url
from ..store import schema as s
from ..store.engine import current_revision
from . import portable, snapshot
from .archive import Archive, BackupError, Manifest, write_archive

DB_MEMBER = "practice.db"

__all__ = ["BackupError", "Manifest", "Restored", "create", "restore"]


def create(practice: Practice, output: Path) -> Manifest:
    """Back the practice up into ``output`` (replaced whole if it exists)."""
    with practice.open(create=False) as store:
        kind = store.engine.dialect.name
        if kind == "sqlite":
            with tempfile.TemporaryDirectory(prefix="workbook-backup-") as tmp:
                db = Path(tmp) / DB_MEMBER
                snapshot.take(store, db)
                revision, counts = snapshot.describe(db)
                members = {DB_MEMBER: db.read_bytes()}
            contents = "database"
        else:
            try:
                with _snapshot_reading(store) as conn, conn.begin():
                    revision, counts = current_revision(conn), portable.count_rows(conn)
                    members = portable.members(portable.read_contents(conn))
            except DBAPIError as exc:
                raise StoreError(f"database error: {exc.orig or exc}") from None
            contents = "cases"
    return write_archive(
        output,
        members,
        source_kind=kind,
        contents=contents,
        schema_revision=revision,
        counts=counts,
    )


def _snapshot_reading(store: Store):  # noqa: ANN202
    return store.engine.connect().execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    )


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    clients: int
    integrity: str | None  # SQLite's integrity check of the restored database, if SQLite


def restore(practice: Practice, path: Path) -> Restored:
    """Restore the backup at ``path`` into the practice, made if missing; it must be empty."""
    with Archive(path) as archive, tempfile.TemporaryDirectory(prefix="workbook-restore-") as tmp:
        manifest = archive.manifest
        _check_revision(archive, manifest.schema_revision)
        if manifest.contents == "database":
            if DB_MEMBER not in manifest.members:
                raise archive.error(f"is not a workbook backup (it has no {DB_MEMBER})")
            db = write_private(Path(tmp) / DB_MEMBER, archive.read(DB_MEMBER))
            _check_snapshot(archive, db)
            contents = None
        else:
            read = {name: archive.read(name) for name in manifest.members}
            contents = portable.parse_members(read, str(path))
            archive.check_counts(_counts_of(archive, contents))
        with practice.open() as store:
            if store.engine.dialect.name == "sqlite" and contents is None:
                _refuse_unless_empty(archive, store)
                snapshot.put_back(db, store)
            else:
                if contents is None:  # a SQLite backup into another kind of database
                    contents = _read_snapshot(db)
                _write(archive, store, contents)
        with Store(practice.url) as store:  # reopened: an older snapshot is upgraded here
            integrity = _integrity(store)
            with store.reading() as conn:
                counts, revision = portable.count_rows(conn), current_revision(conn)
    if revision == manifest.schema_revision:  # (an upgrade may add rows of its own)
        archive.check_counts(counts)
    if integrity not in (None, "ok"):
        raise archive.error(f"the restored database fails SQLite's integrity check: {integrity}")
    return Restored(manifest, counts["clients"], integrity)


def _check_revision(archive: Archive, revision: str | None) -> None:
    from alembic.script import ScriptDirectory  # only restoring needs it

    from ..store.engine import MIGRATIONS

    try:
        known = revision is None or ScriptDirectory(MIGRATIONS).get_revision(revision)
    except Exception:  # noqa: BLE001 - Alembic raises several kinds for an unknown revision
        known = False
    if not known:
        raise archive.error(
            f"schema_revision: {revision!r} is not one this version of workbook knows; "
            "the backup was made by a newer version, so upgrade workbook to restore it"
        )


def _check_snapshot(archive: Archive, db: Path) -> None:
    check = snapshot.integrity_check(db)
    if check != "ok":
        raise archive.error(f"{DB_MEMBER}: fails SQLite's integrity check ({check})")
    revision, counts = snapshot.describe(db)
    if revision != archive.manifest.schema_revision:
        raise archive.error(
            f"{DB_MEMBER}: is at schema revision {revision!r}, the manifest says "
            f"{archive.manifest.schema_revision!r}; it was changed since it was made"
        )
    archive.check_counts(counts)


def _counts_of(archive: Archive, contents: portable.Contents) -> dict[str, int]:
    """The rows the contents make, counted in a scratch in-memory database."""
    engine = create_engine("sqlite://")
    try:
        s.metadata.create_all(engine)
        with engine.begin() as conn:
            portable.write_contents(conn, portable.Contents(contents.cases))
            counts = portable.count_rows(conn)
    except DBAPIError as exc:  # two case files for one client, say
        raise archive.error(f"its cases cannot be written together ({exc.orig})") from None
    finally:
        engine.dispose()
    if contents.history is not None:
        counts[portable.HISTORY] = len(contents.history["rows"])
    return counts


def _read_snapshot(db: Path) -> portable.Contents:
    with Store(sqlite_url(db)) as store, store.reading() as conn:  # upgraded first if older
        return portable.read_contents(conn)


def _refuse_unless_empty(archive: Archive, store: Store) -> None:
    with store.reading() as conn:
        _check_empty(archive, portable.count_rows(conn))


def _check_empty(archive: Archive, counts: dict[str, int]) -> None:
    held = {t: n for t, n in counts.items() if n and t in ("clients", portable.HISTORY)}
    if held:
        what = ", ".join(
            f"{n} {'client(s)' if t == 'clients' else 'history entries'}" for t, n in held.items()
        )
        raise BackupError(
            f"the practice already holds {what}; restore {archive.path} into a new or "
            "empty practice (--practice NEW)"
        )


def _write(archive: Archive, store: Store, contents: portable.Contents) -> None:
    with store.transaction() as conn:
        _check_empty(archive, portable.count_rows(conn))
        missing = portable.missing_columns(conn, contents)
        if missing:
            raise archive.error(
                f"history: this database's history has no column(s) {', '.join(missing)}; "
                "upgrade workbook to restore this backup"
            )
        portable.write_contents(conn, contents)
        archive.check_counts(portable.count_rows(conn))  # an error here rolls it all back


def _integrity(store: Store) -> str | None:
    if store.engine.dialect.name != "sqlite":
        return None
    with store.reading() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar()
