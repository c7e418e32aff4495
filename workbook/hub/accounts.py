"""One operating-system account per hub user: ``wb-NAME``, home ``HOMES/wb-NAME`` (0700).

The account is what keeps people apart: each user's server runs as it, so another person's
files are closed to them by the operating system, not only by the hub. Its password lives
hashed in /etc/shadow (set with ``chpasswd``), where the hub's PAM authenticator checks it.

The surprise: files written into a user's home by root (their database URL) are written by a
child process that has become that user first, so a link the user planted cannot redirect a
root write elsewhere.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from ..files import write_private
from .layout import Hub, HubError, check_homes, check_name, check_role

PREFIX = "wb-"
MARK = "workbook hub"  # the accounts' comment field (GECOS): "workbook hub HUB-ID ROLE"


def system_name(name: str) -> str:
    """The operating-system account of hub user ``name``."""
    return PREFIX + check_name(name)


def hub_name(account: str) -> str | None:
    """The hub user of an operating-system account, or None if it is not one of the hub's."""
    return account[len(PREFIX) :] if account.startswith(PREFIX) else None


def home(hub: Hub, name: str) -> Path:
    return hub.homes / system_name(name)


def mark(hub: Hub) -> str:
    """What the comment of every account ``hub`` made starts with: its id, not only a kind."""
    return f"{MARK} {hub.hub_id}"


def check_owned(hub: Hub, found: pwd.struct_passwd) -> None:
    """Refuse an account this hub did not make: another hub's person, or nobody's."""
    if found.pw_gecos == mark(hub) or found.pw_gecos.startswith(mark(hub) + " "):
        return
    whose = "another workbook hub" if found.pw_gecos.startswith(MARK) else "no workbook hub"
    raise HubError(
        f"user name: the account {found.pw_name!r} was made by {whose}, not this one; "
        "choose another name"
    )


def account(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(system_name(name))
    except KeyError:
        return None


def ensure_account(hub: Hub, name: str, role: str) -> pwd.struct_passwd:
    """Create ``wb-NAME`` (with its own group and a 0700 home under the hub's homes), or bring
    an existing one up to date. An account of that name this hub did not make is refused."""
    check_role(role)
    login, folder = system_name(name), home(hub, name)
    found = account(name)
    comment = f"{mark(hub)} {role}"
    if not hub.homes.is_dir():
        hub.homes.mkdir(mode=0o755, parents=True)
    check_homes(hub.homes)
    if found is not None:
        check_owned(hub, found)
    if found is None:
        _run(
            ["useradd", "--home-dir", str(folder), "--no-create-home", "--user-group"]
            + ["--shell", "/usr/sbin/nologin", "--comment", comment, login]
        )
    else:
        _run(["usermod", "--comment", comment, "--home", str(folder), login])
    entry = pwd.getpwnam(login)
    if not folder.is_symlink() and not folder.exists():
        folder.mkdir(mode=0o700)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != entry.pw_uid:
        raise HubError(
            f"homes: {folder} is there already and is not {login}'s own folder; move it away"
        )
    os.chmod(folder, 0o700)
    return entry


def set_password(name: str, password: str) -> None:
    """Set the account's password (stored hashed by the system, never in clear here)."""
    if not password or "\n" in password or "\r" in password or "\0" in password:
        raise HubError("password: must be one non-empty line")
    _run(["chpasswd"], stdin=f"{system_name(name)}:{password}\n")


def remove_account(hub: Hub, name: str) -> bool:
    """Remove ``wb-NAME`` with its home and everything in it; False if there was none. Its
    processes (a server still running) are ended first."""
    found = account(name)
    if found is None:
        return False
    check_owned(hub, found)
    _end_processes(found.pw_uid)
    _run(["userdel", "--remove", found.pw_name], ok=(0, 12))  # 12: the home was gone already
    return True


def write_as(entry: pwd.struct_passwd, path: Path, data: bytes) -> None:
    """Write a private file (0600) as the account ``entry``, in a child that has become it."""
    pid = os.fork()
    if pid == 0:  # the child: become the user, write, and leave without running any cleanup
        status = 1
        try:
            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            write_private(path, data)
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise HubError(f"{path}: could not be written as {entry.pw_name}")


def _end_processes(uid: int) -> None:
    import psutil

    from ..stopping import end_processes

    end_processes([p for p in psutil.process_iter(["uids"]) if p.info["uids"].real == uid], 3)


def _run(command: list[str], *, stdin: str | None = None, ok: tuple[int, ...] = (0,)) -> None:
    if os.geteuid() != 0:
        raise HubError(f"{command[0]}: managing the hub's accounts needs root; run it with sudo")
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode not in ok:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise HubError(f"{command[0]} failed: {message[-1] if message else done.returncode}")
