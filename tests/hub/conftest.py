"""The ``hub`` fixture: a real JupyterHub (real proxy, PAM sign-in, servers as ``wb-NAME``)
started with ``workbook hub serve`` on free ports on 127.0.0.1, shared by the hub tests of a
session (each start costs seconds).

Its folder and the people's homes are temporary; every account a test makes goes through
``hub.add_user`` (names with a random tail, so runs on one machine never meet) and is removed
(``userdel -r``) when the session ends. It needs root (accounts, PAM): as another user the hub
tests skip, and under CI they fail.

If the folders leading to this Python are closed to others (a clone, or a pyenv Python, under
/root), the people's servers could not run it: the fixture opens them for entry (``o+x``,
never reading) and says so; ``hub serve`` itself refuses with a message naming them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.conftest import unavailable

WORKBOOK = str(Path(sys.executable).with_name("workbook"))
START_TIMEOUT = 120.0  # seconds for the hub to answer (two shared cores)


def run_workbook(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """``workbook ARGS`` in a process of its own; its output kept."""
    done = subprocess.run(
        [WORKBOOK, *map(str, args)], capture_output=True, text=True, timeout=300, **kwargs
    )
    if check and done.returncode != 0:
        raise AssertionError(f"workbook {' '.join(map(str, args))}: {done.stderr}")
    return done


def free_port() -> int:
    from workbook.hub.serve import free_port as free

    return free()


def new_name(prefix: str = "t") -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


@dataclass
class RunningHub:
    folder: Path
    homes: Path
    admin: str = ""  # the hub's admin (no account until added with add_user)
    url: str = ""
    process: subprocess.Popen | None = None
    log: Path | None = None
    names: set[str] = field(default_factory=set)
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def layout(self):  # noqa: ANN201 - workbook.hub.layout.Hub
        from workbook.hub.layout import Hub

        return Hub(self.folder)

    def add_user(self, role: str, name: str | None = None, password: str | None = None) -> str:
        """Add (or update) a person with ``hub add-user``; returns their name."""
        name = name or new_name(role[0])
        password = password or secrets.token_urlsafe(12)
        self.names.add(name)
        secret = self.folder.parent / f"pw-{name}"
        secret.write_text(password + "\n")
        secret.chmod(0o600)
        try:
            run_workbook(
                "hub", "add-user", self.folder, name, "--role", role, "--password-file", secret
            )
        finally:
            secret.unlink()
        self.passwords[name] = password
        return name

    def remove_user(self, name: str) -> None:
        run_workbook("hub", "remove-user", self.folder, name, "--yes")
        self.passwords.pop(name, None)

    def login(self, name: str, password: str | None = None):  # noqa: ANN201 - (session, answer)
        """Sign in as a script does (RECIPES): the _xsrf cookie, then the form. Returns the
        session and the POST's answer (302 signed in, 403 refused), redirects not followed."""
        import requests

        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30)
        answer = session.post(
            f"{self.url}/hub/login",
            data={
                "username": name,
                "password": self.passwords.get(name, "") if password is None else password,
                "_xsrf": session.cookies.get("_xsrf", ""),
            },
            allow_redirects=False,
            timeout=60,
        )
        return session, answer

    def start_servers(self, *names: str) -> list:
        """Sign each of ``names`` in and start their servers (all at once); returns their
        sessions, which then reach their servers (their own cookies, through the hub's OAuth
        redirects)."""
        sessions = []
        for name in names:
            session, answer = self.login(name)
            assert answer.status_code == 302, answer.text[:500]
            session.get(f"{self.url}/hub/spawn", timeout=START_TIMEOUT)  # pending, not waited for
            sessions.append(session)
        api, deadline = self.api(), time.monotonic() + START_TIMEOUT
        for name, session in zip(names, sessions, strict=True):
            while not (server := api.call("GET", f"/users/{name}")["servers"].get("", {})).get(
                "ready"
            ):
                log = self.log.read_text()[-3000:] if self.log else ""
                assert server, f"{name}'s server failed to start: {log}"
                assert time.monotonic() < deadline, f"{name}'s server did not start in time: {log}"
                time.sleep(0.5)
            opened = session.get(f"{self.url}/user/{name}/", timeout=60)
            assert opened.status_code == 200, (opened.status_code, opened.url)
        return sessions

    def start_server(self, name: str):  # noqa: ANN201 - a signed-in requests.Session
        return self.start_servers(name)[0]

    def api(self):  # noqa: ANN201 - workbook.hub.api.Api
        from workbook.hub.api import connect

        return connect(self.layout)


def open_for_entry() -> None:
    """Give others entry (x, not reading) to the folders closed on the way to this Python,
    saying so. Left open afterwards: putting a mode back while another run's hub still
    needs it would break that run's servers."""
    from workbook.hub.layout import unreachable

    for folder in unreachable():
        folder.chmod(stat.S_IMODE(folder.stat().st_mode) | stat.S_IXOTH)
        print(f"hub tests: gave others entry to {folder} (chmod o+x), to run this Python")


def start(running: RunningHub, port: int) -> None:
    """``hub serve`` for ``running`` on ``port``, its output going to ``running.log``."""
    running.url = f"http://127.0.0.1:{port}"
    running.log = running.folder.parent / "serve.log"
    with open(running.log, "w") as log:
        running.process = subprocess.Popen(
            [
                WORKBOOK,
                "hub",
                "serve",
                str(running.folder),
                "--ip",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, as in a terminal: see stop()
        )


def wait_ready(running: RunningHub) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"hub serve ended: {running.log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{running.url}/hub/api", timeout=5).status_code == 200:
                return
        time.sleep(0.3)
    raise AssertionError("the hub did not answer in time")


def stop(running: RunningHub, signum: int = signal.SIGINT) -> tuple[int, str]:
    """Stop ``hub serve`` with ``signum`` sent to its whole process group, as a terminal's
    Ctrl-C is (JupyterHub and its proxy get it too); its exit status and output."""
    process = running.process
    if process.poll() is None:
        os.killpg(process.pid, signum)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.returncode, running.log.read_text()


def requirements() -> None:
    if os.geteuid() != 0:
        unavailable("the hub tests", "they need root (operating-system accounts, PAM)")
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError:
        unavailable("the hub tests", "JupyterHub is not installed (make setup)")
    from workbook.hub.layout import HubError, proxy_command

    try:
        proxy_command()
    except HubError as exc:
        unavailable("the hub tests", str(exc))
    open_for_entry()


def make_hub(tmp: Path, *extra: str) -> RunningHub:
    """A hub folder (its admin named at random) in ``tmp`` and a homes folder, not yet started.

    The homes are made in /tmp itself, since pytest's own temporary folders are closed to
    others and people must enter their homes through it; :func:`cleanup` removes them."""
    homes = Path(tempfile.mkdtemp(prefix="wb-homes-", dir="/tmp"))
    homes.chmod(0o755)
    folder, admin = tmp / "hub", new_name("admin")
    run_workbook("hub", "init", folder, "--admin", admin, "--homes", homes, *extra)
    return RunningHub(folder, homes, admin)


def cleanup(running: RunningHub) -> None:
    from workbook.hub import accounts

    with contextlib.suppress(Exception):  # people added by other commands (a workshop) too
        running.names |= set(running.layout.people())
    for name in running.names:
        with contextlib.suppress(Exception):
            accounts.remove_account(running.layout, name)
    shutil.rmtree(running.homes, ignore_errors=True)


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """A running hub for the session (see the module's docstring); stopped and its accounts
    removed at the end."""
    requirements()
    running = make_hub(tmp_path_factory.mktemp("hubs"))
    start(running, free_port())
    try:
        wait_ready(running)
        yield running
    finally:
        stop(running)
        cleanup(running)


def processes_of(name: str) -> list[psutil.Process]:
    """Every live process running as ``name``'s account (a zombie, or a process that ends
    while they are looked at, is left out)."""
    from workbook.hub.accounts import account

    uid = account(name).pw_uid
    return [
        p
        for p in psutil.process_iter(["uids", "cmdline", "status"])
        if p.info["uids"] is not None
        and p.info["uids"].real == uid
        and p.info["status"] != psutil.STATUS_ZOMBIE
    ]


def servers_of(name: str) -> list[psutil.Process]:
    """``name``'s server processes (``jupyterhub-singleuser`` running as their account)."""
    mine = processes_of(name)
    return [p for p in mine if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or ())]
