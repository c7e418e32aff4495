"""A real hub, shared (the ``hub`` fixture): sign-in by PAM, roles as hub groups, each
person's server running as their own account on their own practice, and nobody reaching
anyone else's server or files."""

from __future__ import annotations

import pwd
import stat
import subprocess

import pytest

from tests.hub.conftest import RunningHub, servers_of
from workbook.hub import accounts

pytestmark = pytest.mark.hub


def test_sign_in_takes_the_right_password_only(hub: RunningHub):
    name = hub.add_user("practitioner")
    assert hub.login(name)[1].status_code == 302
    assert hub.login(name, password="not-the-password")[1].status_code == 403
    assert hub.login("nobody-here", password="x")[1].status_code == 403


def test_add_user_while_running_puts_them_in_their_role_group(hub: RunningHub):
    api = hub.api()
    name = hub.add_user("trainee")
    assert name in api.call("GET", "/groups/trainee")["users"]
    hub.add_user("educator", name=name)
    assert name in api.call("GET", "/groups/educator")["users"]
    assert name not in api.call("GET", "/groups/trainee")["users"]


def test_a_removed_account_can_no_longer_sign_in(hub: RunningHub):
    name = hub.add_user("supervisor")
    password = hub.passwords[name]
    assert hub.login(name)[1].status_code == 302
    hub.remove_user(name)
    assert hub.login(name, password=password)[1].status_code == 403
    with pytest.raises(KeyError):
        pwd.getpwnam(f"wb-{name}")
    assert not (hub.homes / f"wb-{name}").exists()
    assert name not in hub.api().users()


def test_each_server_runs_as_its_person_and_no_one_reaches_anothers(hub: RunningHub):
    a, b = hub.add_user("practitioner"), hub.add_user("practitioner")
    url_a = f"sqlite:///{hub.homes}/wb-{a}/elsewhere.db"  # what `add-user` on --db keeps
    hub.layout.save_records_url(a, url_a)
    assert stat.S_IMODE(hub.layout.records_url_path(a).stat().st_mode) == 0o600
    # b writes a URL of their own choosing into their home: the hub, which runs as root, never
    # reads a person's home for them (a file there could be swapped for a link to any file
    # between a check and the read), so b's server gets no database from it
    planted = hub.homes / f"wb-{b}" / ".workbook" / "db-url"
    accounts.write_as(pwd.getpwnam(f"wb-{b}"), planted, b"sqlite:////tmp/chosen-by-b.db\n")
    session_a, session_b = hub.start_servers(a, b)

    for name in (a, b):  # each server is its person's account, on their own practice
        entry = pwd.getpwnam(f"wb-{name}")
        (server,) = servers_of(name)
        assert server.uids().effective == entry.pw_uid
        environ = server.environ()
        assert environ["WORKBOOK_PRACTICE"] == f"{entry.pw_dir}/practice"
        assert environ.get("WORKBOOK_DB") == (url_a if name == a else None)
        start = hub.homes / f"wb-{name}" / "practice" / "notebooks" / "00_start_here.ipynb"
        assert start.stat().st_uid == entry.pw_uid
    opened = session_a.get(f"{hub.url}/user/{a}/", timeout=60)
    assert opened.url.endswith(f"/user/{a}/lab/tree/notebooks/00_start_here.ipynb")
    assert session_a.get(f"{hub.url}/user/{a}/api/status", timeout=60).status_code == 200
    app = session_a.get(
        f"{hub.url}/user/{a}/voila/render/notebooks/00_start_here.ipynb", timeout=180
    )
    assert app.status_code == 200 and "start" in app.text.lower(), app.text[:300]

    # A's signed-in session does not reach B's server: refused, or sent to sign in
    for path in ("", "api/status", "api/contents/practice.db"):
        other = session_a.get(f"{hub.url}/user/{b}/{path}", timeout=60)
        assert other.status_code == 403 or "/hub/login" in other.url, (path, other.url)
    assert session_b.get(f"{hub.url}/user/{b}/api/status", timeout=60).status_code == 200

    # the hub's admin oversees the servers but opens no one's
    hub.add_user("educator", name=hub.admin)
    admin, answer = hub.login(hub.admin)
    assert answer.status_code == 302
    assert admin.get(f"{hub.url}/hub/admin", timeout=60).status_code == 200
    listed = admin.get(f"{hub.url}/hub/api/users/{b}", timeout=60)
    assert listed.status_code == 200 and listed.json()["servers"][""]["ready"]
    for path in ("", "api/contents/practice.db"):  # the page: the hub's OAuth says no
        other = admin.get(f"{hub.url}/user/{b}/{path}", timeout=60)
        assert other.status_code == 403 or "/hub/login" in other.url, (path, other.url)

    # and as A's account, B's home cannot be listed nor B's practice read
    home_b = hub.homes / f"wb-{b}"
    for command in (["ls", str(home_b)], ["cat", str(home_b / "practice" / "practice.db")]):
        denied = subprocess.run(["runuser", "-u", f"wb-{a}", "--", *command], capture_output=True)
        assert denied.returncode != 0 and b"Permission denied" in denied.stderr
