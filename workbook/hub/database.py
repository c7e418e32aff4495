"""Practitioners' records on PostgreSQL: a login role and a schema of their own each.

``provision(admin_url, name)`` makes (or brings back in line) the role ``wb-NAME`` and the
schema ``wb-NAME`` it owns, and returns the role's connection URL, whose ``search_path`` is
that schema alone: the store's unqualified tables, the migrations' own ``alembic_version``
included, are created and read there. The URL is the secret (a fresh random password each
call); the hub writes it 0600 into the practitioner's home. ``drop(admin_url, name)`` removes
both, and refuses if the role owns or holds anything else.

What keeps practitioners apart is the database's own checking, not the workbook's: the role is
no superuser and may create nothing but in its schema; the schema and the tables in it are
granted to nobody else (no role is a member of another, so none can ``SET ROLE`` to another);
``public`` takes no new objects (PostgreSQL 15's default, revoked again for older servers).
What PostgreSQL still shows every role: the catalog (schema and table names, so the
practitioners' hub names, and the statistics views' row counts), never a row of a table.
Superusers, the admin URL's role among them, see everything.

The role's password goes to the server as a SCRAM verifier made by libpq, never in clear, so
a statement log does not hold it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..errors import WorkbookError
from ..store.engine import redact_url
from .layout import HubError, check_name

PREFIX = "wb-"  # like the operating-system accounts: never a name the agency's roles use
MARK = "workbook hub practitioner, database {}"  # the role's comment: the hub made it, for
# that database (roles are the whole server's: two hubs' "alice" must not become one role)


class DatabaseError(WorkbookError):
    """The records' database refused or could not be reached; the message says which."""


def role_name(name: str) -> str:
    """The login role, and the schema, of practitioner ``name``."""
    try:
        return PREFIX + check_name(name)  # the hub's rule for names, said the hub's way
    except HubError as refused:
        raise DatabaseError(str(refused)) from None


def provision(admin_url: str, name: str, *, password: str | None = None) -> str:
    """Create or update practitioner ``name``'s role and schema; return the role's URL.

    Idempotent: the schema and its records are kept. The password is new on every call
    (the previous URL stops working) unless ``password`` gives the one to keep.
    """
    role = role_name(name)
    password = password or secrets.token_urlsafe(32)
    admin = _parse(admin_url)
    with _admin(admin) as conn:
        _check_ours(conn, role)
        verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
        r, v = sql.Identifier(role), sql.Literal(verifier.decode("ascii"))
        exists = _role(conn, role) is not None
        conn.execute(
            sql.SQL(
                "{} ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
                "NOREPLICATION NOBYPASSRLS PASSWORD {}"
            ).format(sql.SQL("ALTER" if exists else "CREATE"), r, v)
        )
        mark = sql.Literal(MARK.format(conn.info.dbname))
        conn.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(r, mark))
        conn.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(r, r))
        _revoke_memberships(conn, role)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(r, r))
        _revoke_grants(conn, role)
        db = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r))
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    return role_url(admin, role, password)


def drop(admin_url: str, name: str) -> bool:
    """Remove practitioner ``name``'s schema (with every record in it) and role.

    Returns False when there was neither. Refuses, changing nothing, when the role owns or
    holds anything outside its schema (here or in another database of the server).
    """
    role = role_name(name)
    admin = _parse(admin_url)
    with _admin(admin) as conn:
        _check_ours(conn, role)  # so a schema of that name without the role is not ours
        if _role(conn, role) is None:
            return False
        r = sql.Identifier(role)
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role]
        )
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(r))
        db = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(db, r))
        try:
            with conn.transaction():
                conn.execute(sql.SQL("DROP ROLE {}").format(r))
        except psycopg.errors.DependentObjectsStillExist as exc:
            detail = (exc.diag.message_detail or "").replace("\n", "; ")
            raise DatabaseError(
                f"role {role}: not removed, it still owns or holds something outside its "
                f"schema ({detail}); the database's administrator must move or drop that first"
            ) from None
    return True


def role_url(admin: URL, role: str, password: str) -> str:
    """The admin URL's server and database, as ``role``, searching only its schema."""
    query = {k: v for k, v in admin.query.items() if k != "options"}
    query["options"] = f"-csearch_path={role}"
    url = admin.set(drivername="postgresql+psycopg", username=role, password=password)
    return url.set(query=query).render_as_string(hide_password=False)


def _parse(admin_url: str) -> URL:
    try:
        url = make_url(admin_url)
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql":
        raise DatabaseError(
            f"records admin URL: {redact_url(admin_url)} is not a PostgreSQL URL; "
            "try postgresql+psycopg://postgres@host:5432/agency"
        )
    return url


@contextmanager
def _admin(url: URL) -> Iterator[psycopg.Connection]:
    """One transaction as the admin URL's role: everything happens, or nothing."""
    args = url.translate_connect_args(username="user", database="dbname")
    args.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    where = redact_url(url.render_as_string(hide_password=False))
    try:
        with psycopg.connect(**args) as conn, conn.transaction():
            yield conn
    except psycopg.Error as exc:
        reason = exc.diag.message_primary or str(exc).strip().splitlines()[0]
        raise DatabaseError(f"records database {where}: {reason}") from None


def _role(conn: psycopg.Connection, role: str) -> tuple | None:
    return conn.execute(
        "SELECT oid, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s",
        [role],
    ).fetchone()


def _check_ours(conn: psycopg.Connection, role: str) -> None:
    """Refuse to touch a role or schema of that name that the hub did not make."""
    found = _role(conn, role)
    if found is not None and found[1] != MARK.format(conn.info.dbname):
        raise DatabaseError(
            f"role {role}: already exists and the hub did not make it for database "
            f"{conn.info.dbname}; remove or rename it, or choose another user name"
        )
    owner = conn.execute(
        "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", [role]
    ).fetchone()
    if owner is not None and owner[0] != role:
        raise DatabaseError(
            f"schema {role}: already exists, owned by {owner[0]}; the hub leaves it alone "
            "(remove or rename it, or choose another user name)"
        )


def _revoke_memberships(conn: psycopg.Connection, role: str) -> None:
    """The role is a member of no role and no role is a member of it: no SET ROLE across."""
    rows = conn.execute(
        "SELECT g.rolname, m.rolname FROM pg_auth_members a "
        "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
        "WHERE g.rolname = %s OR m.rolname = %s",
        [role, role],
    ).fetchall()
    for granted, member in rows:
        conn.execute(
            sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(granted), sql.Identifier(member))
        )


def _revoke_grants(conn: psycopg.Connection, role: str) -> None:
    """Take back whatever the schema, its tables or their columns grant to anyone else."""
    r = sql.Identifier(role)
    conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(r))
    rows = conn.execute(
        "SELECT DISTINCT c.relname, c.relkind = 'S', g.rolname "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL (SELECT c.relacl UNION ALL "
        "  SELECT t.attacl FROM pg_attribute t WHERE t.attrelid = c.oid) acls(acl) "
        "CROSS JOIN LATERAL aclexplode(acls.acl) a "
        "LEFT JOIN pg_roles g ON g.oid = a.grantee "
        "WHERE n.nspname = %s AND a.grantee <> c.relowner "
        "UNION SELECT NULL, false, g.rolname FROM pg_namespace n "
        "CROSS JOIN LATERAL aclexplode(n.nspacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee "
        "WHERE n.nspname = %s AND a.grantee <> n.nspowner",
        [role, role],
    ).fetchall()
    for relation, sequence, grantee in rows:
        who = sql.Identifier(grantee) if grantee else sql.SQL("PUBLIC")
        if relation is None:
            conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(r, who))
            continue
        kind = sql.SQL("SEQUENCE" if sequence else "TABLE")
        target = sql.Identifier(role, relation)
        conn.execute(sql.SQL("REVOKE ALL ON {} {} FROM {}").format(kind, target, who))
