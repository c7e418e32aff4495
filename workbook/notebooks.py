"""The guided notebooks in a practice, prepared from ``notebooks/`` with papermill, and the
servers that open them (JupyterLab, Voilà).

``PRACTICE/notebooks/00_start_here.ipynb`` and ``PRACTICE/notebooks/caseload.ipynb`` are the
practice's own (given the practice, no client); ``PRACTICE/notebooks/<client>/`` holds each
client's copies of the step notebooks. The servers serve the whole ``notebooks/`` folder, so
start-here's links reach every client's notebooks.

Only ids and paths are injected as parameters (never client text, never a password): the
notebooks read everything else from the store when they run.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .errors import ClientNotFound, WorkbookError
from .files import private_dir, write_private
from .practice import Practice
from .resources import NOTEBOOKS
from .steps import CASELOAD, START, STEPS

SOURCE = NOTEBOOKS


def source_notebooks() -> list[Path]:
    found = sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise WorkbookError(
            f"the guided notebooks are not at {SOURCE}; run the workbook from a source checkout"
        )
    return found


def notebooks_dir(practice: Practice, client: str | None = None) -> Path:
    return practice.notebooks(client)


def parameters(practice: Practice, client: str | None = None) -> dict[str, str | None]:
    """What a notebook is given: ids and paths; a URL without its password.

    The start-here notebook (no ``client``) is given the practice and database only.
    """
    url = None
    if practice.db_url:
        from sqlalchemy.engine import make_url

        url = (
            make_url(practice.db_url)._replace(password=None).render_as_string(hide_password=False)
        )
    found = {"practice": str(practice.path.resolve()), "db_url": url}
    return {"client": client, **found} if client else found


@dataclass(frozen=True)
class Prepared:
    path: Path
    written: bool


def prepare(practice: Practice, client: str, *, force: bool = False) -> list[Prepared]:
    """Write the client's own copy of every guided step notebook (papermill's parameters), and
    refresh the practice's start-here.

    Copies that exist already are kept (they may hold the practitioner's own notes) unless
    ``force`` is given.
    """
    with practice.open(create=False) as store:
        if not store.has(client):
            raise ClientNotFound(client)
    folder = notebooks_dir(practice, client)
    stale = folder / START  # the start-here lives in the practice folder now, not the client's
    stale.unlink(missing_ok=True)
    done = write_notebooks(folder, parameters(practice, client), force=force)
    return [*done, write_start(practice)]


def write_start(practice: Practice) -> Prepared:
    """Write the practice's start-here notebook (a missing practice is an error, not made)."""
    with practice.open(create=False):
        pass
    return write_start_notebook(notebooks_dir(practice), parameters(practice))


def write_start_notebook(folder: Path, params: dict[str, str | None]) -> Prepared:
    """Write the start-here notebook into ``folder``, and the caseload notebook beside it, each
    unless the one there has the same cells.

    A notebook with the same code and text is kept as it is (with its outputs), so a copy
    open in JupyterLab is not changed under it.
    """
    _write_practice_notebook(folder, CASELOAD, _practice_source(CASELOAD), params)
    return _write_practice_notebook(folder, START, _sources()[START], params)


def _write_practice_notebook(
    folder: Path, name: str, source: NotebookNode, params: dict[str, str | None]
) -> Prepared:
    out = private_dir(folder) / name
    nb = _parameterized(source, params)
    if out.exists() and _cells(nbformat.reads(out.read_text("utf-8"), 4)) == _cells(nb):
        return Prepared(out, False)
    write_private(out, nbformat.writes(nb).encode("utf-8"))
    return Prepared(out, True)


def prepare_missing(practice: Practice, clients: Sequence[str]) -> None:
    """Write the step notebooks of those ``clients`` that lack any (the caseload links to
    them); notebooks that exist are kept as they are."""
    for client in clients:
        folder = notebooks_dir(practice, client)
        if not all((folder / s.notebook).exists() for s in STEPS):
            write_notebooks(folder, parameters(practice, client), force=False)


def _cells(nb: NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


@lru_cache(maxsize=1)
def _all_sources() -> tuple[tuple[str, NotebookNode], ...]:
    from papermill.iorw import load_notebook_node

    return tuple((p.name, load_notebook_node(str(p))) for p in source_notebooks())


def preload() -> None:
    """Read the notebook sources now: children forked afterwards write them without reading
    the package's files again (they may run as accounts that cannot write its caches)."""
    _all_sources()


def _sources() -> dict[str, NotebookNode]:
    return dict(_all_sources())


@lru_cache(maxsize=4)
def _practice_source(name: str) -> NotebookNode:
    """A practice-level notebook other than start-here (not one of the numbered steps)."""
    from papermill.iorw import load_notebook_node

    path = SOURCE / name
    if not path.exists():
        raise WorkbookError(f"the notebook {name} is not at {SOURCE}; reinstall the workbook")
    return load_notebook_node(str(path))


def _parameterized(source: NotebookNode, params: dict[str, str | None]) -> NotebookNode:
    from papermill.parameterize import parameterize_notebook

    return parameterize_notebook(
        copy.deepcopy(source), params, kernel_name="python3", language="python"
    )


def write_notebooks(
    folder: Path, params: dict[str, str | None], *, force: bool = True
) -> list[Prepared]:
    """Write every guided step notebook into ``folder`` with ``params`` injected (mode 0600)."""
    target = private_dir(folder)
    done = []
    for name, source in _all_sources():
        if name == START:
            continue
        out = target / name
        if out.exists() and not force:
            done.append(Prepared(out, False))
            continue
        nb = _parameterized(source, params)
        write_private(out, nbformat.writes(nb).encode("utf-8"))
        done.append(Prepared(out, True))
    return done


def _executable(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise WorkbookError(f"{name} is not installed here; run `make setup` first")
    return found


def _environment(practice: Practice) -> dict[str, str]:
    env = dict(os.environ, WORKBOOK_PRACTICE=str(practice.path.resolve()))
    if practice.db_url:
        env["WORKBOOK_DB"] = practice.db_url
    return env


def first_page(client: str | None) -> str:
    """What a server opens on, relative to the folder it serves: start-here, or the client's
    first notebook."""
    return f"{client}/{STEPS[0].notebook}" if client else START


def server_flags(port: int | None, browser: bool, retries: str) -> list[str]:
    """``--port`` (that port or an error, never another one) and ``--no-browser``."""
    args = [f"--port={port}", f"--{retries}=0"] if port is not None else []
    return args if browser else [*args, "--no-browser"]


def lab_command(
    practice: Practice,
    client: str | None = None,
    *,
    port: int | None = None,
    browser: bool = True,
    extra: Sequence[str] = (),
) -> list[str]:
    """jupyter-lab on the practice's notebooks, opening start-here or, for a client, their first
    notebook in the client's own workspace (so tabs of another client are never restored).
    Its kernels are forked from a zygote the server starts (:mod:`workbook.forked`)."""
    from . import forked
    from .forms.links import workspace

    root = private_dir(notebooks_dir(practice))
    page = f"/lab/workspaces/{workspace(client)}/tree/" if client else "/lab/tree/"
    args = [
        _executable("jupyter-lab"),
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={page}{first_page(client)}",
        *server_flags(port, browser, "ServerApp.port_retries"),
        *forked.lab_flags(),  # its kernels forked from a zygote of its own
    ]
    if os.geteuid() == 0 and "--allow-root" not in extra:
        args.append("--allow-root")
    return [*args, *extra]


def app_command(
    practice: Practice,
    client: str | None = None,
    *,
    port: int | None = None,
    browser: bool = True,
    extra: Sequence[str] = (),
) -> list[str]:
    """Voilà on the practice's notebooks (so start-here's links reach every client's), opening
    start-here or, for a client, their first notebook."""
    root = notebooks_dir(practice)
    if not (root / first_page(client)).exists():
        raise WorkbookError(f"no notebooks at {root}; run `workbook init` first")
    return [
        sys.executable,
        "-m",
        "workbook.voila_app",
        f"--page=voila/render/{first_page(client)}",
        str(root),
        *server_flags(port, browser, "Voila.port_retries"),
        *extra,
    ]


def run(command: list[str], practice: Practice) -> None:
    """Replace this process with the server, so its PID is the server's."""
    sys.stdout.flush()
    os.execve(command[0], command, _environment(practice))
