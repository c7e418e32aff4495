"""Connecting to the database: SQLite (embedded, WAL) or PostgreSQL, and schema upgrades.

SQLite connections run in WAL mode with a busy timeout and foreign keys on, and write
transactions begin IMMEDIATE, so two notebooks and the command line can write to one practice
at once: a second writer waits for the first instead of failing or overwriting its change.
They also run with ``synchronous = FULL``: every commit is synced to the disk before a form says
"Saved", so a power cut cannot take back an acknowledged save (NORMAL, SQLite's usual choice in
WAL mode, may lose the last commits; bench/save.py measures what FULL costs).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_MS = 30_000
IMMEDIATE = "workbook_immediate"  # execution option: begin a SQLite write transaction IMMEDIATE
MIGRATIONS = str(Path(__file__).with_name("migrations"))
# The newest migration. Opening a store compares the database with it and loads Alembic only
# when an upgrade is due; tests/store/test_migrations.py keeps it equal to the scripts' head.
HEAD = "0003"
_SHIPPED = MIGRATIONS


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def redact_url(url: str) -> str:
    """The URL without its password, fit for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; ``postgresql://`` means the psycopg (3) driver."""
    try:
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _tune_sqlite(engine)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(
            f"--db: {redact_url(url)} is not a database URL this tool can use ({exc}); "
            "try postgresql+psycopg://user@host:5432/dbname"
        ) from None


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA secure_delete = ON")  # erased text does not linger in free pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _alembic_config(conn: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str | None:
    """The head of the migration scripts (read with Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(MIGRATIONS).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The database's schema revision, or None for a database without one."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), in one locked transaction.

    On PostgreSQL the lock is an advisory lock on the schema the tables live in (the first of
    the connection's ``search_path``): each practitioner of a hub has a schema of their own in
    one database, and advisory locks are the database's, open to every role. A store that is
    up to date takes no lock, so nobody else holding one can keep it from opening.
    """
    latest = revision == "head" and MIGRATIONS == _SHIPPED
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn, conn.begin():
            if latest and current_revision(conn) == HEAD:
                return
    with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            schema = "hashtext(coalesce(current_schema, ''))"
            conn.execute(text(f"SELECT pg_advisory_xact_lock(7310472, {schema})"))
        if latest and current_revision(conn) == HEAD:
            return  # up to date: Alembic is not even imported
        from alembic import command

        command.upgrade(_alembic_config(conn), revision)
