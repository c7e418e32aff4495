"""Links from a notebook's kernel to another notebook, that open right in JupyterLab and Voilà.

A kernel does not see the page its output is shown on, so it works out which server started it:

- **Voilà** puts ``VOILA_BASE_URL`` (and ``VOILA_REQUEST_URL``) into every kernel's environment. A
  page is ``<base>voila/render/<path>``, so a link *relative to the notebook's own folder* lands on
  the other notebook's page; it opens in the same browser tab (nothing is lost: every save is in
  the database already).
- **JupyterLab** writes ``jpserver-<pid>.json`` (with ``base_url`` and ``root_dir``) into Jupyter's
  runtime folder, and the kernel's parent process is that server (``JPY_PARENT_PID``). A relative
  link in an output is opened by Lab itself, as a new tab of the same workspace, without reloading
  the page. A client's notebooks open in the client's own workspace instead, through an absolute
  ``<base>lab/workspaces/<client>/tree/<path>`` link, which Lab opens in a new browser tab.

The links are meant for HTML *outputs* (see :func:`html_output`), which both front ends render with
their link handling; an ``ipywidgets.HTML`` would bypass it.
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

RESERVED_WORKSPACES = {"default"}  # Lab's own; ``auto-*`` names are Lab's too


@dataclass(frozen=True)
class Server:
    """The front end a kernel's outputs are shown in: ``lab`` or ``voila``."""

    kind: str
    base_url: str = "/"
    root: Path | None = None  # the folder Lab serves (its paths are relative to it)


def current_server(env: dict[str, str] | None = None) -> Server:
    env = os.environ if env is None else env
    if "VOILA_BASE_URL" in env or "VOILA_REQUEST_URL" in env:
        return Server("voila", env.get("VOILA_BASE_URL") or "/")
    info = _lab_info(env)
    base = info.get("base_url") or env.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    root = Path(info["root_dir"]) if info.get("root_dir") else None
    return Server("lab", base, root)


def _lab_info(env: dict[str, str]) -> dict:
    """The running Lab server's own description (base URL, root folder), if it is findable."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime = Path(jupyter_runtime_dir())
    except ImportError:  # pragma: no cover - jupyter_core comes with ipykernel
        return {}
    for pid in dict.fromkeys([env.get("JPY_PARENT_PID"), str(os.getppid())]):
        if not pid:
            continue
        try:
            return json.loads((runtime / f"jpserver-{pid}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return {}


def workspace(client: str) -> str:
    """The Lab workspace a client's notebooks open in: the client's id, unless Lab owns it."""
    if client in RESERVED_WORKSPACES or client.startswith("auto-"):
        return f"client-{client}"
    return client


@dataclass(frozen=True)
class Link:
    href: str
    target: str | None = None  # None: the front end decides (Lab opens relative links itself)

    def attrs(self) -> str:
        from html import escape

        target = f' target="{self.target}"' if self.target else ""
        return f'href="{escape(self.href)}"{target}'


def link(target: Path, here: Path, server: Server | None = None, client: str | None = None) -> Link:
    """A link to notebook ``target`` from a notebook in folder ``here``.

    With ``client``, Lab opens it in that client's workspace (a new browser tab); without, in
    the workspace already open. Voilà always opens it in the same tab.
    """
    server = server or current_server()
    relative = posixpath.join(*Path(os.path.relpath(target, here)).parts)
    if server.kind == "voila":
        return Link(quote(relative), "_self")
    if client is None:
        return Link(quote(relative))
    root = server.root or here
    path = posixpath.join(*Path(os.path.relpath(target, root)).parts)
    base = server.base_url if server.base_url.endswith("/") else server.base_url + "/"
    return Link(f"{base}lab/workspaces/{quote(workspace(client))}/tree/{quote(path)}", "_blank")


def client_app_link(client: str, env: dict[str, str] | None = None) -> Link | None:
    """On a hub, the link that opens ``client``'s app (their pages, in Voilà) from the person's
    own server (:mod:`workbook.hub.clientapps`), in a new tab; elsewhere None (``workbook app
    CLIENT --audience client`` serves it)."""
    env = os.environ if env is None else env
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX")
    if not prefix:
        return None
    from ..clientapp import HUB_ROUTE

    base = prefix if prefix.endswith("/") else prefix + "/"
    return Link(f"{base}{HUB_ROUTE}/{quote(client)}", "_blank")


def html_output(html: str) -> tuple[dict, ...]:
    """HTML as the outputs of an ``ipywidgets.Output`` (rendered by the front end's renderer)."""
    return (
        {
            "output_type": "display_data",
            "data": {"text/html": html, "text/plain": "(links to the guided notebooks)"},
            "metadata": {},
        },
    )
