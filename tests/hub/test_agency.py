"""An agency's hub on PostgreSQL (``hub init --db``): ``hub add-user`` gives a practitioner a
role and schema of their own and their URL in their home; supervisors get neither; removing a
practitioner removes both. No hub is started: these are the commands an administrator runs."""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.hub.conftest import WORKBOOK, cleanup, make_hub, new_name, requirements
from tests.hub.test_database import LANA, as_admin, drop_roles, new_agency

pytestmark = [pytest.mark.hub, pytest.mark.postgres]


@pytest.fixture
def agency(tmp_path, pg_server):
    requirements()
    admin = new_agency(pg_server)
    made = make_hub(tmp_path, "--db", admin)
    yield made, admin
    cleanup(made)
    drop_roles(admin)


def as_account(name: str, *args: str, env: list[str] | None = None) -> subprocess.CompletedProcess:
    """``args`` run as the person's own operating-system account, in their home."""
    home = pwd.getpwnam(f"wb-{name}").pw_dir
    return subprocess.run(
        ["runuser", "-u", f"wb-{name}", "--", "env", f"HOME={home}", *(env or []), *args],
        capture_output=True,
        text=True,
        cwd=home,
        timeout=300,
    )


def schemas_and_roles(admin: str, *names: str) -> list[tuple]:
    wanted = [f"wb-{n}" for n in names]
    return as_admin(
        admin,
        "SELECT 'role', rolname FROM pg_roles WHERE rolname = ANY(%s) UNION ALL "
        "SELECT 'schema', nspname FROM pg_namespace WHERE nspname = ANY(%s) ORDER BY 1, 2",
        [wanted, wanted],
    )


def test_add_user_gives_a_practitioner_their_own_url_and_a_supervisor_none(agency):
    hub, admin = agency
    pat = hub.add_user("practitioner", new_name("p"))
    sam = hub.add_user("practitioner", new_name("p"))
    sue = hub.add_user("supervisor", new_name("s"))
    assert schemas_and_roles(admin, pat, sam, sue) == sorted(
        [("role", f"wb-{n}") for n in (pat, sam)] + [("schema", f"wb-{n}") for n in (pat, sam)]
    )
    url_file = hub.homes / f"wb-{pat}" / ".workbook" / "db-url"
    info = url_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert pwd.getpwuid(info.st_uid).pw_name == f"wb-{pat}"
    url = url_file.read_text().strip()
    assert make_url(url).username == f"wb-{pat}" and make_url(url).password
    assert "admin-secret" not in url and "//postgres" not in url  # never the admin's URL
    assert not (hub.homes / f"wb-{sue}" / ".workbook" / "db-url").exists()

    # The person's own account reads its URL and keeps its records with it; another
    # practitioner's account can read neither the file nor, with its own URL, the records.
    done = as_account(pat, WORKBOOK, "import", str(LANA), env=[f"WORKBOOK_DB={url}"])
    assert done.returncode == 0, done.stderr
    listed = as_account(pat, WORKBOOK, "clients", env=[f"WORKBOOK_DB={url}"])
    assert "lana" in listed.stdout, listed.stderr
    peek = as_account(sam, "cat", str(url_file))
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
    sams = (hub.homes / f"wb-{sam}" / ".workbook" / "db-url").read_text().strip()
    theirs = as_account(sam, WORKBOOK, "clients", env=[f"WORKBOOK_DB={sams}"])
    assert theirs.returncode == 0 and "lana" not in theirs.stdout

    hub.remove_user(pat)
    assert schemas_and_roles(admin, pat, sam) == [("role", f"wb-{sam}"), ("schema", f"wb-{sam}")]
    assert os.environ.get("WORKBOOK_DB") is None  # nothing leaked into the tests' environment


def test_adding_a_practitioner_again_keeps_their_records_and_their_connection(agency):
    hub, admin = agency
    pat = hub.add_user("practitioner", new_name("p"))
    url_file = hub.homes / f"wb-{pat}" / ".workbook" / "db-url"
    first = url_file.read_text().strip()
    assert hub.layout.records_url(pat) == first  # the hub's own copy, the one it hands over
    done = as_account(pat, WORKBOOK, "import", str(LANA), env=[f"WORKBOOK_DB={first}"])
    assert done.returncode == 0, done.stderr
    hub.add_user("practitioner", pat)  # a new sign-in password, say: the database's is kept
    second = url_file.read_text().strip()
    assert second == first == hub.layout.records_url(pat)  # a running server keeps working
    listed = as_account(pat, WORKBOOK, "clients", env=[f"WORKBOOK_DB={second}"])
    assert "lana" in listed.stdout, listed.stderr
    assert Path(url_file).read_text().count("\n") == 1


def test_a_practitioner_with_records_in_the_database_keeps_their_role(agency):
    """Made a supervisor, they would no longer be handed their records: refused, all kept."""
    hub, admin = agency
    pat = hub.add_user("practitioner", new_name("p"))
    url = hub.layout.records_url(pat)
    secret = hub.folder.parent / "pw"
    secret.write_text("another-password\n")
    done = subprocess.run(
        [WORKBOOK, "hub", "add-user", hub.folder, pat, "--role", "supervisor"]
        + ["--password-file", secret],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"workbook: error: role: {pat} is a practitioner whose records are in the agency's "
        f"database (schema wb-{pat}); as a supervisor they could no longer reach them."
    )
    assert hub.layout.people()[pat] == "practitioner" and hub.layout.records_url(pat) == url
    assert "practitioner" in pwd.getpwnam(f"wb-{pat}").pw_gecos
    assert schemas_and_roles(admin, pat) == [("role", f"wb-{pat}"), ("schema", f"wb-{pat}")]
