"""The hub's JupyterHub configuration: a two-line ``jupyterhub_config.py`` in the hub folder
that calls :func:`configure` here, so the settings live in ``hub.json`` and the logic in the
package (tested), and an upgraded workbook needs no new configuration file.

What it sets: the hub's database and secrets from the folder; sign-in by PAM for the accounts
``wb-NAME`` (``auth.py``); servers as those accounts (``spawner.py``); the roles as hub groups
(from ``people.json``; ``hub serve`` then removes memberships the file no longer has); the CLI's
token as a service ``workbook-cli``; the idle culler as a service the hub runs; and the
admin's role, which oversees the servers but opens no one's (``ADMIN_SCOPES``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..files import write_private
from .layout import Hub, proxy_command

CONFIG = """\
# Written by `workbook hub init`; the settings are in hub.json beside this file.
from workbook.hub.config import configure

configure(c, __file__)  # noqa: F821 - `c` is JupyterHub's configuration
"""

CLI_SERVICE = "workbook-cli"
CULLER = "idle-culler"
CLI_SCOPES = [
    "admin:users",
    "admin:groups",
    "admin:servers",
    "list:services",
    "read:services",
    "read:hub",
]
# The hub's admin oversees: sees people and groups, starts and stops their servers. Not
# JupyterHub's own admin role, which may also open anyone's server (and so their practice)
# and make tokens in their name.
ADMIN_ROLE = "workbook-admin"
ADMIN_SCOPES = [
    "admin-ui",
    "list:users",
    "read:users",
    "admin:servers",
    "list:groups",
    "read:groups",
    "read:hub",
    "list:services",
    "read:services",
]
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]


def write_config(hub: Hub) -> Path:
    return write_private(hub.config_path, CONFIG.encode("utf-8"))


def culler_command(timeout: int) -> list[str]:
    """The idle culler: stops servers idle for ``timeout`` seconds, looking often enough."""
    every = max(1, min(300, timeout // 2))
    return [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={timeout}"] + [
        f"--cull-every={every}"
    ]


def configure(c, config_file: str) -> None:  # noqa: ANN001 - traitlets' config object
    from .spawner import configure as spawner

    hub = Hub(Path(config_file).parent)
    settings = hub.settings()
    c.JupyterHub.db_url = settings["hub_db_url"]
    c.JupyterHub.cookie_secret_file = str(hub.cookie_secret_path)
    c.JupyterHub.pid_file = ""
    c.JupyterHub.cleanup_servers = True  # a stopped hub leaves no server running
    c.JupyterHub.authenticator_class = "workbook.hub.auth.WorkbookAuthenticator"
    c.WorkbookAuthenticator.hub_folder = str(hub.folder)
    c.Authenticator.auth_refresh_age = 60
    c.JupyterHub.load_groups = {role: {"users": names} for role, names in hub.groups().items()}
    c.JupyterHub.services = [
        {"name": CLI_SERVICE, "api_token": hub.admin_token()},
        {"name": CULLER, "command": culler_command(int(settings["idle_timeout"]))},
    ]
    c.JupyterHub.load_roles = [
        {"name": CLI_SERVICE, "scopes": CLI_SCOPES, "services": [CLI_SERVICE]},
        {"name": CULLER, "scopes": CULLER_SCOPES, "services": [CULLER]},
        {"name": ADMIN_ROLE, "scopes": ADMIN_SCOPES, "users": [settings["admin"]]},
    ]
    c.ConfigurableHTTPProxy.command = proxy_command()
    spawner(c, hub, start_timeout=hub.start_timeout)
    from .service import register  # the exchange (hand-ins, supervision), after the services

    register(c, hub)
