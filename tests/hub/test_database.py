"""An agency on PostgreSQL: a login role and a schema per practitioner, kept apart by the
database itself (every refusal here is PostgreSQL's, not the workbook's)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors
from sqlalchemy.engine import make_url

from tests.conftest import minimal_case
from workbook.casefile import dump_case
from workbook.cli import cli
from workbook.errors import StoreError
from workbook.forms import Workbook
from workbook.hub.database import DatabaseError, drop, provision, role_name
from workbook.notebooks import parameters
from workbook.practice import Practice
from workbook.store import Store

pytestmark = [pytest.mark.postgres, pytest.mark.hub]

_agencies = itertools.count()
LANA = Path(__file__).parents[2] / "workbook" / "sample" / "lana.yaml"


def new_agency(pg_server) -> str:
    """A fresh database for an agency; its admin URL (with a password the practitioners'
    URLs must never carry)."""
    url = make_url(pg_server.create_database(f"agency{next(_agencies)}"))
    return url.set(password="admin-secret").render_as_string(hide_password=False)


def drop_roles(admin: str) -> None:
    """Roles are the whole server's: drop those made for this database, or by hand."""
    roles = as_admin(
        admin,
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'wb-%%' AND coalesce("
        "shobj_description(oid, 'pg_authid'), '') IN ('', %s)",
        [f"workbook hub practitioner, database {make_url(admin).database}"],
    )
    for (role,) in roles:
        as_admin(admin, f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


@pytest.fixture
def admin(pg_server) -> str:
    url = new_agency(pg_server)
    yield url
    drop_roles(url)


def connect(url: str) -> psycopg.Connection:
    """A plain connection from a store URL, as a practitioner would open one."""
    u = make_url(url)
    args = u.translate_connect_args(username="user", database="dbname")
    return psycopg.connect(**args, **dict(u.query), autocommit=True)


def as_admin(admin: str, statement: str, params=None) -> list[tuple]:
    with connect(admin) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def workbook(url: str, practice: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command, its database given as a practitioner's server gets it (WORKBOOK_DB)."""
    env = {**os.environ, "WORKBOOK_DB": url, "WORKBOOK_PRACTICE": str(practice)}
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args], env=env, capture_output=True, text=True
    )


def cli_run(url: str, practice: Path, *args: str):
    result = CliRunner().invoke(cli, ["--practice", str(practice), "--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def practitioners(admin: str, folder: Path, names=("alice", "bob")) -> dict[str, str]:
    """The first (Lana, the sample) and the second (Ben), each imported with their own URL."""
    urls = {name: provision(admin, name) for name in names}
    ben = folder / "ben.yaml"
    ben.write_text(dump_case(minimal_case("ben", "Ben")))
    for name, case in zip(names, (LANA, ben), strict=True):
        cli_run(urls[name], folder / name, "import", str(case))
    return urls


@pytest.fixture
def two(admin, tmp_path):
    return practitioners(admin, tmp_path)


@pytest.fixture(scope="module")
def pat_and_sam(pg_server, tmp_path_factory):
    """Two practitioners for the tests that only look (other names: roles are the server's)."""
    admin = new_agency(pg_server)
    as_admin(admin, "CREATE TABLE public.api_tokens (hashed text)")  # as the hub's own tables
    yield practitioners(admin, tmp_path_factory.mktemp("agency"), ("pat", "sam"))
    drop_roles(admin)


def test_each_practitioner_keeps_and_sees_only_their_own_clients(two, admin, tmp_path):
    carl = tmp_path / "carl.yaml"
    carl.write_text(dump_case(minimal_case("carl", "Carl")))
    done = workbook(two["bob"], tmp_path / "bob", "import", str(carl))
    assert done.returncode == 0, done.stderr
    for name, mine, theirs in (("alice", ["lana"], "ben"), ("bob", ["ben", "carl"], "lana")):
        listed = workbook(two[name], tmp_path / name, "clients")
        assert listed.returncode == 0, listed.stderr
        assert all(c in listed.stdout for c in mine) and theirs not in listed.stdout
        with Store(two[name]) as store:
            assert store.client_ids() == mine
    tables = as_admin(
        admin,
        "SELECT schemaname, tableowner FROM pg_tables "
        "WHERE tablename IN ('clients', 'history', 'alembic_version')",
    )
    assert sorted(tables) == [("wb-alice", "wb-alice")] * 3 + [("wb-bob", "wb-bob")] * 3
    powers = as_admin(
        admin,
        "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolinherit OR rolbypassrls "
        "FROM pg_roles WHERE rolname IN ('wb-alice', 'wb-bob')",
    )
    assert powers == [(False,), (False,)]


def test_the_forms_work_on_a_practitioners_schema(two, tmp_path):
    session = Workbook("lana", str(tmp_path / "alice"), two["alice"])
    try:
        form = session.form("stories")
        form.fields["id"].set("s9")
        form.fields["title"].set("Choir")
        form.fields["text"].set("Ran the newsletter for a year.")
        form.save_button.click()
        assert session.problem == "" and "s9" in [s.id for s in session.store.load("lana").stories]
    finally:
        session.store.close()
    other = Workbook("lana", str(tmp_path / "bob"), two["bob"])
    try:
        assert other.client is None and "no client 'lana'" in other.problem
    finally:
        other.store.close()


REFUSED = [
    ('SELECT * FROM "wb-sam".clients', "permission denied for schema wb-sam"),
    ("SELECT id, name FROM \"wb-sam\".clients WHERE id = 'ben'", "permission denied for schema"),
    ('SELECT count(*) FROM "wb-sam".history', "permission denied for schema wb-sam"),
    ('SELECT * FROM "wb-sam".alembic_version', "permission denied for schema wb-sam"),
    ('CREATE TABLE "wb-sam".planted (i int)', "permission denied for schema wb-sam"),
    ('CREATE VIEW "wb-sam".planted AS SELECT 1', "permission denied for schema wb-sam"),
    ('SET ROLE "wb-sam"', 'permission denied to set role "wb-sam"'),
    ('SET SESSION AUTHORIZATION "wb-sam"', "permission denied to set session authorization"),
    ("ALTER ROLE \"wb-sam\" PASSWORD 'x'", "permission denied"),
    ('DROP SCHEMA "wb-sam" CASCADE', "must be owner of schema wb-sam"),
    ("CREATE TABLE public.planted (i int)", "permission denied for schema public"),
    ("SELECT * FROM public.api_tokens", "permission denied for table api_tokens"),
    ("CREATE SCHEMA planted", "permission denied for database"),
    ("CREATE DATABASE planted", "permission denied to create database"),
]


@pytest.mark.parametrize(("statement", "message"), REFUSED, ids=[s for s, _ in REFUSED])
def test_the_database_refuses_one_practitioner_the_others_schema(pat_and_sam, statement, message):
    with connect(pat_and_sam["pat"]) as conn, pytest.raises(errors.InsufficientPrivilege) as no:
        conn.execute(statement)
    assert message in str(no.value)
    with Store(pat_and_sam["sam"]) as store:
        assert store.client_ids() == ["ben"]


def test_provisioning_again_takes_back_what_was_granted_across(two, admin):
    """A grant or a membership someone added by hand is taken back by the next provision."""
    as_admin(admin, 'GRANT USAGE ON SCHEMA "wb-bob" TO "wb-alice"')
    with connect(two["alice"]) as conn, pytest.raises(errors.InsufficientPrivilege) as refused:
        conn.execute('SELECT * FROM "wb-bob".clients')  # the tables' own privileges still hold
    assert "permission denied for table clients" in str(refused.value)
    as_admin(admin, 'GRANT SELECT (name) ON "wb-bob".clients TO PUBLIC')
    as_admin(admin, 'GRANT SELECT ON "wb-bob".history TO "wb-alice"')
    as_admin(admin, 'GRANT "wb-bob" TO "wb-alice"')
    with connect(two["alice"]) as conn:
        assert conn.execute('SELECT name FROM "wb-bob".clients').fetchall() == [("Ben",)]
        conn.execute('SELECT count(*) FROM "wb-bob".history')
        conn.execute('SET ROLE "wb-bob"')
    bob = provision(admin, "bob")
    for statement, message in [
        ('SELECT name FROM "wb-bob".clients', "permission denied for schema wb-bob"),
        ('SET ROLE "wb-bob"', 'permission denied to set role "wb-bob"'),
    ]:
        with connect(two["alice"]) as conn, pytest.raises(errors.InsufficientPrivilege) as no:
            conn.execute(statement)
        assert message in str(no.value)
    as_admin(admin, 'GRANT USAGE ON SCHEMA "wb-bob" TO "wb-alice"')
    for table in ("clients", "history"):
        with connect(two["alice"]) as conn, pytest.raises(errors.InsufficientPrivilege) as no:
            conn.execute(f'SELECT * FROM "wb-bob".{table}')
        assert f"permission denied for table {table}" in str(no.value)
    with Store(bob) as store:
        assert store.client_ids() == ["ben"]


def test_an_older_servers_public_schema_takes_nothing_new(admin):
    """Before PostgreSQL 15 every role could create in ``public``; provisioning revokes it."""
    as_admin(admin, "GRANT CREATE ON SCHEMA public TO PUBLIC")
    alice = provision(admin, "alice")
    with connect(alice) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("CREATE TABLE public.planted (i int)")


def test_provisioning_again_keeps_the_records_and_rotates_the_password(two, admin):
    again = provision(admin, "alice")
    assert make_url(again).password != make_url(two["alice"]).password
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(two["alice"])
    with Store(again) as store:
        assert store.client_ids() == ["lana"]
    kept = provision(admin, "alice", password=make_url(again).password)
    assert kept == again
    with Store(kept) as store:
        assert store.client_ids() == ["lana"]


def test_the_url_holds_the_role_and_its_schema_never_the_admins(two, admin):
    for name, url in two.items():
        parsed = make_url(url)
        assert parsed.username == f"wb-{name}" and len(parsed.password) >= 40
        assert parsed.query["options"] == f"-csearch_path=wb-{name}"
        assert "admin-secret" not in url and "postgres" not in url.replace("postgresql", "")
    with connect(two["alice"]) as conn:
        assert conn.execute("SELECT current_user, current_schema").fetchone() == (
            "wb-alice",
            "wb-alice",
        )
    no_options = make_url(two["alice"]).difference_update_query(["options"])
    with connect(no_options.render_as_string(hide_password=False)) as conn:
        assert conn.execute("SHOW search_path").fetchone() == ('"wb-alice"',)  # the role's own


def test_the_server_never_receives_the_password_in_clear(admin, pg_server):
    """With every statement logged, the log holds the role's verifier, not its password."""
    as_admin(admin, f"ALTER DATABASE {make_url(admin).database} SET log_statement = 'all'")
    password = make_url(provision(admin, "alice")).password
    log = (pg_server.root / "log").read_text()
    assert 'ROLE "wb-alice" WITH LOGIN' in log and "PASSWORD 'SCRAM-SHA-256$" in log
    assert password not in log
    stored = as_admin(admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'wb-alice'")
    assert stored[0][0].startswith("SCRAM-SHA-256$")


def test_drop_removes_the_schema_the_role_and_every_way_in(two, admin):
    assert drop(admin, "alice") is True
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(two["alice"])
    assert as_admin(admin, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'wb-%'") == [
        ("wb-bob",)
    ]
    roles = "SELECT rolname FROM pg_roles WHERE rolname IN ('wb-alice', 'wb-bob')"
    assert as_admin(admin, roles) == [("wb-bob",)]
    assert drop(admin, "alice") is False
    with Store(two["bob"]) as store:
        assert store.client_ids() == ["ben"]


def test_drop_refuses_a_role_that_owns_something_else_and_changes_nothing(two, admin):
    as_admin(admin, 'CREATE TABLE public.elsewhere (i int); ALTER TABLE public.elsewhere '
             'OWNER TO "wb-alice"')  # fmt: skip
    with pytest.raises(DatabaseError) as refused:
        drop(admin, "alice")
    assert "role wb-alice: not removed" in str(refused.value)
    assert "owner of table elsewhere" in str(refused.value)
    with Store(two["alice"]) as store:
        assert store.client_ids() == ["lana"]


def test_one_name_on_two_hubs_of_one_server_is_not_one_role(admin, pg_server):
    """Roles belong to the whole server: another database's hub cannot take Alice's role."""
    provision(admin, "alice")
    other = pg_server.create_database(f"agency{next(_agencies)}")
    with pytest.raises(DatabaseError, match="hub did not make it for database agency"):
        provision(other, "alice")
    with pytest.raises(DatabaseError, match="role wb-alice: already exists"):
        drop(other, "alice")


def test_a_role_or_schema_the_hub_did_not_make_is_left_alone(admin):
    as_admin(admin, 'CREATE ROLE "wb-carol" LOGIN SUPERUSER')
    with pytest.raises(DatabaseError, match="role wb-carol: already exists and the hub did not"):
        provision(admin, "carol")
    with pytest.raises(DatabaseError, match="role wb-carol: already exists"):
        drop(admin, "carol")
    assert as_admin(admin, "SELECT rolsuper FROM pg_roles WHERE rolname = 'wb-carol'") == [(True,)]
    as_admin(admin, 'CREATE SCHEMA "wb-dan"')
    with pytest.raises(DatabaseError, match="schema wb-dan: already exists, owned by postgres"):
        provision(admin, "dan")
    with pytest.raises(DatabaseError, match="schema wb-dan: already exists, owned by postgres"):
        drop(admin, "dan")
    assert as_admin(admin, "SELECT nspname FROM pg_namespace WHERE nspname = 'wb-dan'") != []
    assert as_admin(admin, "SELECT rolname FROM pg_roles WHERE rolname = 'wb-dan'") == []


@pytest.mark.parametrize("name", ["Alice", "", "a_b", 'a"b', "a;drop", "-a", "x" * 30])
def test_a_name_outside_the_rule_is_refused_before_the_database_is_touched(name):
    with pytest.raises(DatabaseError, match="user name: .* is not allowed"):
        provision("postgresql+psycopg://nobody@127.0.0.1:1/none", name)


def test_names_that_are_keywords_or_start_with_digits_are_quoted(admin):
    for name in ("select", "0-a", "user"):
        with Store(provision(admin, name)) as store:
            store.save(minimal_case())
            assert store.client_ids() == ["new"]
    assert role_name("user") == "wb-user"


def test_an_up_to_date_store_opens_while_another_role_holds_the_upgrade_locks(two, admin):
    """Advisory locks are the whole database's: Alice holding every key Bob's store could take
    must not keep Bob's up-to-date store from opening (a lock wait would end in an error)."""
    bob = make_url(two["bob"])
    bob = bob.update_query_dict({"options": bob.query["options"] + " -clock_timeout=20s"})
    with connect(two["alice"]) as holder:
        holder.execute(
            "SELECT pg_advisory_lock(7310472), pg_advisory_lock(7310472, hashtext('wb-bob'))"
        )
        with Store(bob.render_as_string(hide_password=False)) as store:
            assert store.client_ids() == ["ben"]
    carol = provision(admin, "carol")  # a new schema's first upgrade takes its own key only
    with connect(two["alice"]) as holder:
        holder.execute("SELECT pg_advisory_lock(7310472)")
        with Store(carol) as store:
            assert store.client_ids() == []


def test_caseload_draft_and_backups_work_on_a_practitioners_schema(two, admin, tmp_path):
    alice = tmp_path / "alice"
    items = json.loads(cli_run(two["alice"], alice, "caseload", "--format", "json"))
    assert [i["client"] for i in items] == ["lana"]
    with Store(two["alice"]) as store, store.edit("lana") as case:
        next(i for i in case.ideas if i.id == "i4").status = "chosen"
    drafted = json.loads(
        cli_run(two["alice"], alice, "draft", "lana", "--as-of", "2026-11-26", "--format", "json")
    )
    assert "i4" in {i for a in drafted["actions"] for i in a["ideas"]}
    with Store(two["alice"]) as store:
        store.add("lana", "stories", {"id": "s9", "title": "Choir", "text": "Ran it."})
        history = len(store.history("lana"))
        kept = dump_case(store.load("lana"))
    backup = tmp_path / "alice.zip"
    cli_run(two["alice"], alice, "backup", "create", "-o", str(backup))
    refused = CliRunner().invoke(
        cli,
        [
            "--practice",
            str(tmp_path / "bob"),
            "--db",
            two["bob"],
            "backup",
            "restore",
            str(backup),
        ],  # fmt: skip
    )
    assert refused.exit_code == 1 and "already holds 1 client(s)" in refused.output
    carol = provision(admin, "carol")
    cli_run(carol, tmp_path / "carol", "backup", "restore", str(backup))
    with Store(carol) as store:
        assert store.client_ids() == ["lana"]
        assert dump_case(store.load("lana")) == kept
        assert len(store.history("lana")) == history
        store.add("lana", "stories", {"id": "s10", "title": "Next", "text": "After."})
        assert len(store.history("lana")) == history + 1  # the history's numbering moved on
    assert as_admin(admin, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


def test_notebooks_given_the_url_without_its_password_use_their_servers(two, tmp_path, monkeypatch):
    """Parameters never carry a password: a notebook's URL gets it from the server's
    environment (WORKBOOK_DB, as the hub hands it over), and only when the rest matches."""
    params = parameters(Practice(tmp_path / "alice", two["alice"]), "lana")
    assert make_url(params["db_url"]).password is None
    monkeypatch.delenv("WORKBOOK_DB", raising=False)
    with pytest.raises(StoreError, match="no password supplied"):
        Workbook("lana", params["practice"], params["db_url"])
    monkeypatch.setenv("WORKBOOK_DB", two["bob"])  # another role's URL is not borrowed
    with pytest.raises(StoreError, match="no password supplied"):
        Workbook("lana", params["practice"], params["db_url"])
    monkeypatch.setenv("WORKBOOK_DB", two["alice"])
    session = Workbook("lana", params["practice"], params["db_url"])
    try:
        assert session.case.client.id == "lana" and session.problem == ""
    finally:
        session.store.close()


def test_a_client_workbook_is_generated_from_a_practitioners_schema(two, tmp_path):
    """``generate`` runs the report notebook in a kernel of its own, given the URL without
    its password."""
    done = workbook(two["alice"], tmp_path / "alice", "generate", "lana", "--format", "ipynb")
    assert done.returncode == 0, done.stderr
    made = list((tmp_path / "alice" / "workbooks" / "lana").glob("*.ipynb"))
    assert made and "Lana" in made[0].read_text()
