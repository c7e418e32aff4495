"""A client's own notebooks: prepared from ``notebooks/`` with papermill, opened in JupyterLab
or served by Voilà.

Only ids and paths are injected as parameters (never client text, never a password): the
notebooks read everything else from the store when they run.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .errors import ClientNotFound, WorkbookError
from .files import private_dir, write_private
from .practice import Practice
from .resources import NOTEBOOKS

SOURCE = NOTEBOOKS
START = "00_start_here.ipynb"


def source_notebooks() -> list[Path]:
    found = sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise WorkbookError(
            f"the guided notebooks are not at {SOURCE}; run the workbook from a source checkout"
        )
    return found


def notebooks_dir(practice: Practice, client: str | None = None) -> Path:
    base = practice.path.resolve() / "notebooks"
    return base / client if client else base


def parameters(practice: Practice, client: str) -> dict[str, str | None]:
    """What a client's notebooks are given: ids and paths; a URL without its password."""
    url = None
    if practice.db_url:
        from sqlalchemy.engine import make_url

        url = (
            make_url(practice.db_url)._replace(password=None).render_as_string(hide_password=False)
        )
    return {"client": client, "practice": str(practice.path.resolve()), "db_url": url}


@dataclass(frozen=True)
class Prepared:
    path: Path
    written: bool


def prepare(practice: Practice, client: str, *, force: bool = False) -> list[Prepared]:
    """Write the client's own copy of every guided notebook (papermill's parameters).

    Copies that exist already are kept (they may hold the practitioner's own notes) unless
    ``force`` is given.
    """
    with practice.open(create=False) as store:
        if not store.has(client):
            raise ClientNotFound(client)
    return write_notebooks(
        notebooks_dir(practice, client), parameters(practice, client), force=force
    )


@lru_cache(maxsize=1)
def _sources() -> tuple[tuple[str, NotebookNode], ...]:
    from papermill.iorw import load_notebook_node

    return tuple((p.name, load_notebook_node(str(p))) for p in source_notebooks())


def write_notebooks(
    folder: Path, params: dict[str, str | None], *, force: bool = True
) -> list[Prepared]:
    """Write every guided notebook into ``folder`` with ``params`` injected (mode 0600)."""
    from papermill.parameterize import parameterize_notebook

    target = private_dir(folder)
    done = []
    for name, source in _sources():
        out = target / name
        if out.exists() and not force:
            done.append(Prepared(out, False))
            continue
        nb = parameterize_notebook(
            copy.deepcopy(source), params, kernel_name="python3", language="python"
        )
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


def lab_command(practice: Practice, client: str | None, extra: list[str]) -> list[str]:
    root = private_dir(notebooks_dir(practice))
    args = [_executable("jupyter-lab"), f"--ServerApp.root_dir={root}"]
    if client:
        args.append(f"--LabApp.default_url=/lab/tree/{client}/{START}")
    if os.geteuid() == 0 and "--allow-root" not in extra:
        args.append("--allow-root")
    return [*args, *extra]


def app_command(practice: Practice, client: str | None, extra: list[str]) -> list[str]:
    root = notebooks_dir(practice, client)
    if not root.exists():
        raise WorkbookError(f"no notebooks at {root}; run `workbook prepare CLIENT` first")
    return [_executable("voila"), str(root), *extra]


def run(command: list[str], practice: Practice) -> None:
    """Replace this process with the server, so its PID is the server's."""
    sys.stdout.flush()
    os.execve(command[0], command, _environment(practice))
