"""Clients' apps behind the hub's sign-in: a server extension of each person's server.

``workbook app CLIENT --audience client`` writes a client's pages into
``PRACTICE/notebooks/CLIENT/client-app/`` and serves them with a Voilà of their own. On a hub
the person's server already serves their practice and has Voilà in it (``/voila/render/``),
behind the hub's sign-in. ``GET /user/NAME/workbook/client-app/CLIENT`` (signed in as NAME, as
every page of the server) writes that client's pages afresh, as the command does, then sends
the browser on to the landing page, ``voila/render/notebooks/CLIENT/client-app/00_home.ipynb``.
A client not in the practice answers 404. Start-here links it for the chosen client.

Loaded by :mod:`workbook.hub.singleuser` (``ServerApp.jpserver_extensions``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..clientapp import HUB_ROUTE as ROUTE  # the rest when asked: the server starts as quickly

ID = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"  # a client's id (``model.records.SLUG``)


def app_path(prefix: str, client: str) -> str:
    """The page of the person's server that opens ``client``'s app (``prefix``: the server's
    base URL, ``/user/NAME/``)."""
    return url_path_join(prefix, ROUTE, client)


class ClientAppHandler(JupyterHandler):
    auth_resource = "contents"  # the practice's files: what the person may read

    @web.authenticated
    @authorized
    async def get(self, client: str) -> None:
        from ..clientapp.serve import HOME, write_pages
        from ..errors import ClientNotFound
        from ..practice import Practice

        practice = Practice.locate()
        try:
            folder = await asyncio.to_thread(write_pages, practice, client)
        except ClientNotFound:
            raise web.HTTPError(404, f"no client {client!r} in this practice") from None
        root = Path(self.contents_manager.root_dir).expanduser().resolve()  # what Voilà reads
        try:
            page = folder.resolve().relative_to(root) / HOME
        except ValueError:
            raise web.HTTPError(500, "the client's pages are outside the server's folder") from None
        self.redirect(url_path_join(self.base_url, "voila/render", page.as_posix()))


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "workbook.hub.clientapps"}]


def _load_jupyter_server_extension(serverapp) -> None:  # noqa: ANN001 - jupyter_server's app
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$", [(url_path_join(base, ROUTE, f"({ID})"), ClientAppHandler)]
    )
