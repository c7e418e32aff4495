"""Each person's server: a local process running as their own account, ``wb-NAME``.

JupyterHub's LocalProcessSpawner looks accounts up by the hub name; here the hub name NAME is
the account ``wb-NAME``. The server is ``python -m workbook.hub.singleuser`` (this Python, the
project's), which makes ``~/practice`` if it is missing and opens its start-here. A
practitioner on PostgreSQL gets the one connection of their own role, read from
the hub's copy (``records/NAME.url`` in the hub folder, root's) and handed over as
``WORKBOOK_DB``; the copy in their home (``~/.workbook/db-url``) is theirs to use, and never
read by the hub, which runs as root: a file a person controls could be swapped for a link to
any other file between a check and the read.
"""

from __future__ import annotations

import pwd
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Unicode

from .accounts import system_name
from .layout import Hub


class WorkbookSpawner(LocalProcessSpawner):
    hub_folder = Unicode(help="The hub folder (`workbook hub init`)").tag(config=True)

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
        hub = Hub(self.hub_folder)
        if hub.people().get(self.user.name) == "practitioner":
            url = hub.records_url(self.user.name)
            if url:
                env["WORKBOOK_DB"] = url
        return env

    async def move_certs(self, paths: dict) -> dict:  # not used: the hub runs without TLS inside
        return paths


def configure(c, hub: Hub, *, start_timeout: int = 120) -> None:  # noqa: ANN001 - traitlets'
    c.JupyterHub.spawner_class = WorkbookSpawner
    c.WorkbookSpawner.hub_folder = str(hub.folder)
    c.Spawner.cmd = [sys.executable, "-m", "workbook.hub.singleuser"]
    c.Spawner.start_timeout = start_timeout
    c.Spawner.http_timeout = start_timeout
    c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
