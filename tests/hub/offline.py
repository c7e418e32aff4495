"""A hub folder that is not running, with real accounts: for the exchange's tests, which act
as root through the package (as the hub's service does) and then try the files as the people.

Import the fixture ``offline_hub`` into a test module. Its homes folder is under a folder
others may enter (pytest's own temporary folders are closed to them), and every account and
workshop group it made is removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hub.conftest import requirements


@dataclass
class OfflineHub:
    folder: Path
    homes: Path
    names: set[str] = field(default_factory=set)
    workshops: set[str] = field(default_factory=set)

    @property
    def layout(self):  # noqa: ANN201 - workbook.hub.layout.Hub
        from workbook.hub.layout import Hub

        return Hub(self.folder)

    def add(self, role: str, name: str | None = None) -> str:
        """A person with ``role`` (``hub add-user``'s code, in this process); their name."""
        from workbook.hub.people import add

        name = name or f"{role[0]}-{secrets.token_hex(3)}"
        self.names.add(name)
        secret = self.folder.parent / f"pw-{name}"
        secret.write_text(secrets.token_urlsafe(12) + "\n")
        try:
            add(self.folder, name, role, secret)
        finally:
            secret.unlink()
        return name

    def entry(self, name: str):  # noqa: ANN201 - pwd.struct_passwd
        from workbook.hub.accounts import account

        return account(name)


def as_person(account: str, code: str) -> subprocess.CompletedProcess:
    """Run Python ``code`` as the operating-system account (with its groups, as a sign-in
    gives them), from /; its result, output kept."""
    return subprocess.run(
        ["runuser", "-u", account, "--", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
    )


def can_read(account: str, path: Path) -> bool:
    done = as_person(account, f"open({str(path)!r}, 'rb').read(16)")
    return done.returncode == 0


def can_list(account: str, path: Path) -> bool:
    done = as_person(account, f"import os; os.listdir({str(path)!r})")
    return done.returncode == 0


@pytest.fixture(scope="module")
def offline_hub():
    requirements()  # root, JupyterHub's parts, and this Python open for entry
    base = Path(tempfile.mkdtemp(prefix="wb-exchange-test-"))
    base.chmod(0o755)
    homes = base / "homes"
    homes.mkdir(mode=0o755)
    homes.chmod(0o755)
    running = OfflineHub(base / "hub", homes)
    running.layout.create("admin", homes=homes)
    try:
        yield running
    finally:
        from workbook.hub import accounts, exchange

        for name in running.names:
            with contextlib.suppress(Exception):
                accounts.remove_account(running.layout, name)
        for workshop in running.workshops:
            exchange.remove_workshop_group(workshop)
        shutil.rmtree(base, ignore_errors=True)
        assert not os.path.exists(base)
