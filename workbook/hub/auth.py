"""Sign-in: JupyterHub's own PAM authenticator, with hub names mapped to their accounts.

A person signs in as NAME; PAM checks the password of the account ``wb-NAME`` (hashed in
/etc/shadow). Only the people in the hub folder's ``people.json`` (and the admin) are let in,
read at each sign-in, so ``hub add-user`` and ``hub remove-user`` take effect at once, whether
or not the hub was told through its API.
"""

from __future__ import annotations

import pwd

from jupyterhub.auth import PAMAuthenticator
from traitlets import Unicode

from .accounts import MARK, system_name
from .layout import NAME, Hub, HubError


class WorkbookAuthenticator(PAMAuthenticator):
    hub_folder = Unicode(help="The hub folder (hub.json, people.json)").tag(config=True)

    def _hub(self) -> Hub:
        return Hub(self.hub_folder)

    def validate_username(self, username: str) -> bool:
        return bool(NAME.fullmatch(username)) and super().validate_username(username)

    def normalize_username(self, username: str) -> str:
        return username.strip().lower()  # not PAM's round trip: the account is wb-NAME

    async def authenticate(self, handler, data):  # noqa: ANN001, ANN201
        name = self.normalize_username(data.get("username", ""))
        if not self.validate_username(name):
            return None
        signed = await super().authenticate(handler, {**data, "username": system_name(name)})
        return name if signed else None

    def check_allowed(self, username: str, authentication: dict | None = None) -> bool:
        hub = self._hub()
        return username in hub.people() or username == hub.admin

    def system_user_exists(self, user) -> bool:  # noqa: ANN001
        try:
            found = pwd.getpwnam(system_name(user.name))
        except (KeyError, HubError):
            return False
        return found.pw_gecos.startswith(MARK)

    def pre_spawn_start(self, user, spawner):  # noqa: ANN001, ANN201
        return None  # no PAM session: the account has no login shell

    def post_spawn_stop(self, user, spawner):  # noqa: ANN001, ANN201
        return None
