"""Each person's server: a local process running as their own account, ``wb-NAME``.

JupyterHub's LocalProcessSpawner looks accounts up by the hub name; here the hub name NAME is
the account ``wb-NAME``. The server is ``python -m workbook.hub.singleuser`` (this Python, the
project's), which makes ``~/practice`` if it is missing and opens its start-here. A
practitioner on PostgreSQL gets the one connection of their own role, read from
``~/.workbook/db-url`` (0600, theirs) and handed over as ``WORKBOOK_DB``.
"""

from __future__ import annotations

import pwd
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

from .accounts import system_name

DB_URL_FILE = Path(".workbook") / "db-url"


class WorkbookSpawner(LocalProcessSpawner):
    def _account(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(system_name(self.user.name))
        except KeyError:
            raise RuntimeError(
                f"{self.user.name} has no account ({system_name(self.user.name)}); "
                "add them with `workbook hub add-user`"
            ) from None

    def make_preexec_fn(self, name: str):  # noqa: ANN201
        return set_user_setuid(system_name(name))

    def user_env(self, env: dict) -> dict:
        entry = self._account()
        home = Path(entry.pw_dir)
        env.update(USER=entry.pw_name, HOME=str(home), SHELL=entry.pw_shell)
        env["WORKBOOK_PRACTICE"] = str(home / "practice")
        env.pop("WORKBOOK_DB", None)
        url_file = home / DB_URL_FILE
        if url_file.is_file() and url_file.stat().st_uid == entry.pw_uid:
            env["WORKBOOK_DB"] = url_file.read_text("utf-8").strip()
        return env

    async def move_certs(self, paths: dict) -> dict:  # not used: the hub runs without TLS inside
        return paths


def configure(c, *, start_timeout: int = 120) -> None:  # noqa: ANN001 - traitlets' config
    c.JupyterHub.spawner_class = WorkbookSpawner
    c.Spawner.cmd = [sys.executable, "-m", "workbook.hub.singleuser"]
    c.Spawner.start_timeout = start_timeout
    c.Spawner.http_timeout = start_timeout
    c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
