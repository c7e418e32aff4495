"""The client app's folder and the command that serves it.

The pages' sources are ``notebooks/client/`` in the repository. For one client they are written,
with that client's id and the practice's path as papermill parameters (never client text), into
``PRACTICE/notebooks/CLIENT/client-app/``: a folder holding that client's pages and nothing else,
each file 0600. Voilà is then started with that folder as its root, so no other file (the
practitioner's notebooks, another client's) can be reached through it. The pages are written
afresh each time: they hold no edits of anyone's.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

from ..errors import ClientNotFound, WorkbookError
from ..files import DIR_MODE, private_dir, remove_tree, write_private
from ..practice import Practice
from ..resources import NOTEBOOKS

SOURCE = NOTEBOOKS / "client"
FOLDER = "client-app"
HOME = "00_home.ipynb"  # the landing page, linking to every other page


def pages_dir(practice: Practice, client: str) -> Path:
    return practice.notebooks(client) / FOLDER


def sources() -> list[Path]:
    found = sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise WorkbookError(f"the client app's pages are not at {SOURCE}")
    return found


def write_pages(practice: Practice, client: str) -> Path:
    """Write the client's pages into their own folder (replacing any older copies)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from ..notebooks import parameters

    with practice.open(create=False) as store:
        if not store.has(client):
            raise ClientNotFound(client)
    folder = private_dir(pages_dir(practice, client))
    folder.chmod(DIR_MODE)  # even if it was made earlier by hand: the client's alone
    params = parameters(practice, client)
    keep = set()
    for source in sources():
        nb = parameterize_notebook(
            copy.deepcopy(load_notebook_node(str(source))),
            params,
            kernel_name="python3",
            language="python",
        )
        write_private(folder / source.name, nbformat.writes(nb).encode("utf-8"))
        keep.add(source.name)
    for stale in folder.iterdir():  # a page renamed or removed since, or anything put there
        if stale.name not in keep:  # by hand: not left reachable
            remove_tree(stale) if stale.is_dir() else stale.unlink()
    return folder


def app_command(practice: Practice, client: str, extra: list[str]) -> list[str]:
    """Voilà on the client's folder alone, opening on the landing page (see ``server``).

    Voilà itself lets the browser send a page's kernel widget messages only, never code to run
    (tests/browser/test_client_app.py checks it).
    """
    folder = write_pages(practice, client)
    return [
        sys.executable,
        "-m",
        "workbook.clientapp.server",
        str(folder),
        "--VoilaConfiguration.show_tracebacks=False",
        *extra,
    ]
