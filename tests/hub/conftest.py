"""The ``hub`` fixture: a real JupyterHub (real proxy, PAM sign-in, servers as ``wb-NAME``)
started with ``workbook hub serve`` on free ports on 127.0.0.1, shared by the hub tests of a
session (each start costs seconds).

Its folder and the people's homes are temporary; every account a test makes goes through
``hub.add_user`` (names with a random tail, so runs on one machine never meet) and is removed
(``userdel -r``) when the session ends. It needs root (accounts, PAM): as another user the hub
tests skip, and under CI they fail.

If the folders leading to this Python are closed to others (a clone under /root), the people's
servers could not run it: the fixture opens them for entry (``o+x``, never reading) for the
session and puts their modes back afterwards; ``hub serve`` itself refuses with a message.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

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
    url: str = ""
    process: subprocess.Popen | None = None
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

    def start_server(self, name: str):  # noqa: ANN201 - a signed-in requests.Session
        """Sign ``name`` in and start their server; the session then reaches /user/NAME/."""
        session, answer = self.login(name)
        assert answer.status_code == 302, answer.text[:500]
        reply = session.get(f"{self.url}/hub/spawn", timeout=START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            status = session.get(f"{self.url}/user/{name}/api/status", timeout=30)
            if status.status_code == 200 and status.headers["content-type"].startswith(
                "application/json"
            ):
                return session
            time.sleep(0.5)
        raise AssertionError(f"{name}'s server did not start: {reply.status_code} {reply.url}")

    def api(self):  # noqa: ANN201 - workbook.hub.api.Api
        from workbook.hub.api import connect

        return connect(self.layout)


def _opened_for_entry() -> list[tuple[Path, int]]:
    """Give others entry (x) to the folders closed on the way to this Python; returns the
    old modes to put back."""
    from workbook.hub.layout import unreachable

    changed = []
    for folder in unreachable():
        mode = stat.S_IMODE(folder.stat().st_mode)
        folder.chmod(mode | stat.S_IXOTH)
        changed.append((folder, mode))
    return changed


def start(folder: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [WORKBOOK, "hub", "serve", str(folder), "--ip", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_ready(url: str, process: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"hub serve ended ({process.returncode}): {process.stdout.read()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/hub/api", timeout=5).status_code == 200:
                return
        time.sleep(0.3)
    raise AssertionError("the hub did not answer in time")


def stop(process: subprocess.Popen, signum: int = signal.SIGINT) -> tuple[int, str]:
    """Stop ``hub serve`` with ``signum``; its exit status and output."""
    if process.poll() is None:
        process.send_signal(signum)
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return process.returncode, output


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


def make_hub(tmp: Path, *extra: str) -> RunningHub:
    """A hub folder (admin ``admin``) and a homes folder in ``tmp``, not yet started."""
    homes = tmp / "homes"
    homes.mkdir(mode=0o755)
    homes.chmod(0o755)  # each person enters their own home through it
    folder = tmp / "hub"
    run_workbook("hub", "init", folder, "--admin", "admin", "--homes", homes, *extra)
    return RunningHub(folder, homes)


def cleanup(running: RunningHub) -> None:
    from workbook.hub import accounts

    for name in running.names:
        with contextlib.suppress(Exception):
            accounts.remove_account(running.layout, name)


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """A running hub for the session (see the module's docstring); stopped and its accounts
    removed at the end."""
    requirements()
    opened = _opened_for_entry()
    running = make_hub(tmp_path_factory.mktemp("hubs"))
    port = free_port()
    running.url = f"http://127.0.0.1:{port}"
    running.process = start(running.folder, port)
    try:
        wait_ready(running.url, running.process)
        yield running
    finally:
        stop(running.process)
        cleanup(running)
        for folder, mode in opened:
            folder.chmod(mode)
