"""Sign-in: JupyterHub's own PAM authenticator, with hub names mapped to their accounts.

A person signs in as NAME; PAM checks the password of the account ``wb-NAME`` (hashed in
/etc/shadow). Only the people in the hub folder's ``people.json`` (and the admin) are let in,
read at each sign-in, so ``hub add-user`` and ``hub remove-user`` take effect at once, whether
or not the hub was told through its API.
"""

from __future__ import annotations

from jupyterhub.auth import Authenticator, PAMAuthenticator
from traitlets import Unicode

from .accounts import system_name
from .layout import NAME, Hub


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

    async def refresh_user(self, user, handler=None) -> bool:  # noqa: ANN001
        """A person removed from the hub loses the sign-in they had (checked every minute)."""
        return self.check_allowed(user.name)

    async def add_user(self, user) -> None:  # noqa: ANN001
        """Accounts are made by ``hub add-user``, not by the hub: a hub user without one (the
        admin before they were given one) just cannot sign in or start a server yet."""
        Authenticator.add_user(self, user)

    def pre_spawn_start(self, user, spawner):  # noqa: ANN001, ANN201
        return None  # no PAM session: the account has no login shell

    def post_spawn_stop(self, user, spawner):  # noqa: ANN001, ANN201
        return None
