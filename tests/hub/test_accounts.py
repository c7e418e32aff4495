"""``hub init`` and ``hub add-user`` with no hub running: the files, the accounts, the homes."""

from __future__ import annotations

import json
import pwd
import stat
from pathlib import Path

import pytest

from tests.hub.conftest import RunningHub, cleanup, make_hub, requirements

pytestmark = pytest.mark.hub


def shadow(account: str) -> str:
    """The password field of ``account`` in /etc/shadow (its hash)."""
    for line in Path("/etc/shadow").read_text("utf-8").splitlines():
        fields = line.split(":")
        if fields[0] == account:
            return fields[1]
    raise KeyError(account)


def mode(path) -> int:  # noqa: ANN001
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def stopped(tmp_path):
    requirements()
    made = make_hub(tmp_path)
    yield made
    cleanup(made)


def test_init_writes_the_hub_folder_private(stopped: RunningHub):
    layout = stopped.layout
    assert mode(layout.folder) == 0o700
    for path in (layout.settings_path, layout.cookie_secret_path, layout.admin_token_path):
        assert mode(path) == 0o600, path
    assert mode(layout.people_path) == 0o600
    assert "configure(c, __file__)" in layout.config_path.read_text()
    settings = json.loads(layout.settings_path.read_text())
    assert settings["admin"] == stopped.admin
    assert settings["homes"] == str(stopped.homes)
    assert settings["hub_db_url"] == f"sqlite:///{layout.folder / 'jupyterhub.sqlite'}"
    assert settings["idle_timeout"] == 3600
    assert settings["start_timeout"] == 120


def test_init_again_changes_settings_and_keeps_the_secrets(stopped: RunningHub):
    from tests.hub.conftest import run_workbook

    layout = stopped.layout
    token = layout.admin_token()
    run_workbook(
        "hub",
        "init",
        layout.folder,
        "--admin",
        "boss",
        "--homes",
        stopped.homes,
        "--idle-timeout",
        "600",
        "--start-timeout",
        "300",
    )
    assert layout.admin_token() == token
    assert layout.admin == "boss"
    assert layout.idle_timeout == 600
    assert layout.start_timeout == 300
    from traitlets.config import Config

    from workbook.hub.config import configure

    c = Config()
    configure(c, str(layout.config_path))  # as JupyterHub loads it
    assert c.Spawner.start_timeout == 300 and c.Spawner.http_timeout == 300


def test_init_again_keeps_what_it_is_not_given(stopped: RunningHub):
    from tests.hub.conftest import run_workbook

    layout = stopped.layout
    run_workbook("hub", "init", layout.folder, "--admin", stopped.admin, "--start-timeout", "200")
    before = layout.settings()
    run_workbook("hub", "init", layout.folder, "--admin", stopped.admin, "--idle-timeout", "900")
    after = layout.settings()
    assert after == before | {"idle_timeout": 900}  # the homes, databases, start timeout kept
    assert after["homes"] == str(stopped.homes) != "/home"


def test_init_refuses_to_move_the_homes_or_database_of_a_hub_with_people(stopped: RunningHub):
    from tests.hub.conftest import run_workbook

    layout = stopped.layout
    layout.save_people({"sam": "practitioner"})
    before = layout.settings_path.read_bytes()
    for option, value in (
        ("--homes", "/srv/elsewhere"),
        ("--db", "postgresql+psycopg://admin:s3cret-pw@127.0.0.1:5/agency"),
    ):
        done = run_workbook(
            "hub", "init", layout.folder, "--admin", "a", option, value, check=False
        )
        assert done.returncode == 1
        assert done.stderr.startswith(f"workbook: error: {option}: this hub's people already")
        assert str(stopped.homes) in done.stderr if option == "--homes" else "SQLite" in done.stderr
        assert layout.settings_path.read_bytes() == before


def test_a_refused_database_url_is_not_echoed_with_its_password(stopped: RunningHub):
    from tests.hub.conftest import run_workbook

    url = "postgres://admin:s3cret-pw@127.0.0.1:5432/agency"  # not postgresql://: refused
    done = run_workbook(
        "hub", "init", stopped.layout.folder, "--admin", "a", "--db", url, check=False
    )
    assert done.returncode == 1 and "--db:" in done.stderr
    assert "s3cret-pw" not in done.stderr and "127.0.0.1:5432/agency" in done.stderr


def test_add_user_makes_an_account_with_a_private_home_then_updates_it(stopped: RunningHub):
    name = stopped.add_user("trainee")
    entry = pwd.getpwnam(f"wb-{name}")
    home = stopped.homes / f"wb-{name}"
    assert entry.pw_dir == str(home)
    assert home.stat().st_uid == entry.pw_uid
    assert mode(home) == 0o700
    assert stopped.layout.people() == {name: "trainee"}
    hashed = shadow(f"wb-{name}")
    assert hashed.startswith("$") and stopped.passwords[name] not in hashed

    stopped.add_user("practitioner", name=name, password="another-one")
    assert stopped.layout.people() == {name: "practitioner"}
    assert pwd.getpwnam(f"wb-{name}").pw_uid == entry.pw_uid  # the same account
    assert "practitioner" in pwd.getpwnam(f"wb-{name}").pw_gecos
    assert shadow(f"wb-{name}") != hashed
    groups = stopped.layout.groups()
    assert groups["practitioner"] == [name] and groups["trainee"] == []


def test_a_home_that_is_not_the_accounts_own_is_refused(stopped: RunningHub):
    from tests.hub.conftest import new_name, run_workbook

    name = new_name("t")
    stopped.names.add(name)
    squatted = stopped.homes / f"wb-{name}"
    squatted.mkdir()  # root's, as a folder left behind would be
    secret = stopped.folder.parent / "pw"
    secret.write_text("a-password\n")
    done = run_workbook(
        "hub",
        "add-user",
        stopped.folder,
        name,
        "--role",
        "trainee",
        "--password-file",
        secret,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"workbook: error: homes: {squatted} is there already and is not wb-{name}'s own "
        "folder; move it away\n"
    )
    assert squatted.stat().st_uid == 0 and name not in stopped.layout.people()


def add_user_cli(hub: RunningHub, name: str, role: str = "trainee"):  # noqa: ANN201
    """``hub add-user`` as a command, its outcome returned (not raised)."""
    from tests.hub.conftest import run_workbook

    secret = hub.folder.parent / "pw"
    secret.write_text("a-password\n")
    return run_workbook(
        "hub", "add-user", hub.folder, name, "--role", role, "--password-file", secret, check=False
    )


def test_two_hubs_on_one_machine_never_take_over_or_remove_each_others_people(
    stopped: RunningHub, tmp_path
):
    from tests.hub.conftest import run_workbook

    name = stopped.add_user("practitioner")
    entry, hashed = pwd.getpwnam(f"wb-{name}"), shadow(f"wb-{name}")
    assert entry.pw_gecos == f"workbook hub {stopped.layout.hub_id} practitioner"
    other = make_hub(tmp_path / "other")
    try:
        assert other.layout.hub_id != stopped.layout.hub_id
        done = add_user_cli(other, name)
        assert done.returncode == 1
        assert done.stderr == (
            f"workbook: error: user name: the account 'wb-{name}' was made by another workbook "
            "hub, not this one; choose another name\n"
        )
        done = run_workbook("hub", "remove-user", other.folder, name, "--yes", check=False)
        assert done.returncode == 1 and "made by another workbook hub" in done.stderr
        assert pwd.getpwnam(f"wb-{name}") == entry and shadow(f"wb-{name}") == hashed
        assert (stopped.homes / f"wb-{name}").is_dir() and other.layout.people() == {}
    finally:
        cleanup(other)
    assert pwd.getpwnam(f"wb-{name}") == entry  # the other hub's cleanup left it too


def test_an_account_no_hub_made_is_refused(stopped: RunningHub):
    import subprocess

    from tests.hub.conftest import new_name

    name = new_name("t")
    subprocess.run(
        ["useradd", "--no-create-home", "--comment", "someone", f"wb-{name}"], check=True
    )
    try:
        done = add_user_cli(stopped, name)
        assert done.returncode == 1 and "was made by no workbook hub" in done.stderr
        assert pwd.getpwnam(f"wb-{name}").pw_gecos == "someone"
        assert stopped.layout.people() == {}
    finally:
        subprocess.run(["userdel", f"wb-{name}"], check=True)


@pytest.mark.parametrize("problem", ["others-write", "not-root"])
def test_a_homes_folder_others_could_write_to_is_refused_before_any_account(
    stopped: RunningHub, problem
):
    from tests.hub.conftest import new_name

    if problem == "others-write":
        stopped.homes.chmod(0o777)
    else:
        import os

        os.chown(stopped.homes, 65534, -1)  # nobody's
    name = new_name("t")
    stopped.names.add(name)
    done = add_user_cli(stopped, name)
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"workbook: error: homes: {stopped.homes} must be owned by root and writable by root only"
    )
    with pytest.raises(KeyError):
        pwd.getpwnam(f"wb-{name}")
    assert list(stopped.homes.iterdir()) == [] and stopped.layout.people() == {}


def test_init_refuses_a_homes_folder_others_can_write_to(tmp_path):
    from tests.hub.conftest import run_workbook

    requirements()
    folder = tmp_path / "hub"
    done = run_workbook("hub", "init", folder, "--admin", "a", "--homes", "/tmp", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "workbook: error: homes: /tmp must be owned by root and writable by root only"
    )
    assert not folder.exists()
