"""The exchange as a service the hub runs (``workbook-exchange``): hand-ins and supervision.

JupyterHub starts it as a managed service (:func:`register`), as root like the hub itself,
listening on 127.0.0.1 at a port chosen when the hub starts; each person's server is told
where (``WORKBOOK_EXCHANGE_URL``), and start-here's **Hand in** and **Send to supervisor**
call it with the person's own hub token (``JUPYTERHUB_API_TOKEN``, which their server and its
kernels hold). The service asks the hub whose token it is (``HubAuth.user_for_token``); what
that person may do is decided here from the hub's own records (their role in ``people.json``,
the workshops' rosters), never from anything the request says about who sent it.

    GET  /            {"name", "role", "workshops": [...], "supervisors": [...] (practitioners)}
    POST /hand-in     {"workshop": optional}       -> {"workshop", "trainee", "handed_in"}
    POST /supervision {"client", "supervisor"}     -> {"supervisor", "client", "file", ...}

Refusals answer 403 with {"error": one line}; a token the hub does not know, 401.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from urllib.parse import urlparse

from .layout import Hub, HubError

NAME = "workbook-exchange"
URL_VARIABLE = "WORKBOOK_EXCHANGE_URL"


def register(c, hub: Hub) -> str:  # noqa: ANN001 - traitlets' config object
    """Add the service to a hub's configuration (after ``c.JupyterHub.services`` is set), and
    tell every person's server where it answers. Returns its URL."""
    from .serve import free_port

    url = f"http://127.0.0.1:{free_port()}"
    service = {
        "name": NAME,
        "url": url,
        "command": [sys.executable, "-m", "workbook.hub.service", str(hub.folder)],
        "display": False,
    }
    services = c.JupyterHub.services if isinstance(c.JupyterHub.services, list) else []
    c.JupyterHub.services = [s for s in services if s.get("name") != NAME] + [service]
    environment = c.Spawner.environment if isinstance(c.Spawner.environment, dict) else {}
    c.Spawner.environment = {**environment, URL_VARIABLE: url}
    return url


def make_app(hub: Hub, auth=None):  # noqa: ANN001, ANN201 - a HubAuth; a tornado Application
    from jupyterhub.services.auth import HubAuth
    from tornado import web

    from . import exchange

    auth = auth or HubAuth(cache_max_age=0)
    locks: dict[str, asyncio.Lock] = {}

    class Handler(web.RequestHandler):
        def check_xsrf_cookie(self) -> None:  # a token in a header, never a cookie
            return None

        def person(self) -> str:
            header = self.request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            model = None
            if scheme.lower() in ("token", "bearer") and token.strip():
                model = auth.user_for_token(token.strip(), use_cache=False)
            if not model or model.get("kind", "user") != "user" or not model.get("name"):
                raise web.HTTPError(401, "sign in to the hub first")
            return model["name"]

        def body(self) -> dict:
            try:
                found = json.loads(self.request.body or b"{}")
            except ValueError:
                raise web.HTTPError(400, "the request is not JSON") from None
            if not isinstance(found, dict):
                raise web.HTTPError(400, "the request is not a JSON object")
            return found

        async def act(self, name: str, fn, *args) -> None:  # noqa: ANN001
            lock = locks.setdefault(name, asyncio.Lock())
            async with lock:  # one request at a time per person
                try:
                    self.finish(await asyncio.to_thread(fn, hub, name, *args))
                except exchange.Refused as exc:
                    self.answer(403, str(exc))
                except HubError as exc:
                    self.answer(400, str(exc))

        def answer(self, status: int, message: str) -> None:
            self.set_status(status)
            self.finish({"error": message})

        def write_error(self, status_code: int, **kwargs) -> None:  # noqa: ANN003
            exc = kwargs.get("exc_info", (None, None))[1]
            message = getattr(exc, "log_message", None) or self._reason
            self.finish({"error": message})

    class Whoami(Handler):
        def get(self) -> None:
            name = self.person()
            role = hub.people().get(name)
            self.finish(
                {
                    "name": name,
                    "role": role,
                    "workshops": exchange.workshops_of(hub, name),
                    # who supervises is for those who may send to them
                    "supervisors": exchange.supervisors(hub) if role == "practitioner" else [],
                }
            )

    class HandIn(Handler):
        async def post(self) -> None:
            name = self.person()
            workshop = self.body().get("workshop")
            if workshop is not None and not isinstance(workshop, str):
                raise web.HTTPError(400, "workshop must be a name")
            await self.act(name, exchange.hand_in, workshop)

    class Supervision(Handler):
        async def post(self) -> None:
            name = self.person()
            body = self.body()
            client, supervisor = body.get("client"), body.get("supervisor")
            if not isinstance(client, str) or not isinstance(supervisor, str):
                raise web.HTTPError(400, "say which client and which supervisor")
            await self.act(name, exchange.send_to_supervisor, client, supervisor)

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    routes = [(r"/", Whoami), (r"/hand-in", HandIn), (r"/supervision", Supervision)]
    if prefix and prefix != "/":  # also under /services/NAME/, when reached through the proxy
        routes += [(prefix.rstrip("/") + path, handler) for path, handler in routes]
    return web.Application(routes)


async def _serve(folder: str) -> None:
    hub = Hub(folder)
    hub.settings()
    where = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
    if not where.port:
        raise HubError("the exchange runs as a service of the hub (JUPYTERHUB_SERVICE_URL unset)")
    app = make_app(hub)
    server = app.listen(where.port, address=where.hostname or "127.0.0.1")
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C reaches the hub's whole group
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    server.stop()


def main(argv: list[str]) -> None:
    os.umask(0o077)
    if len(argv) != 1:
        sys.exit("usage: python -m workbook.hub.service HUB_FOLDER")
    asyncio.run(_serve(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
