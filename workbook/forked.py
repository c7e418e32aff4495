"""Where the workbook starts kernels, they are forked from a zygote (:mod:`workbook.kernels`).

- **Batches** (``generate``, ``workshop collect`` and its cohort report) run their notebooks in
  :func:`zygote`: one zygote for the whole batch, stopped with it, and every notebook runs with
  the ``workbook`` kernelspec (:func:`notebook_client`), whose provisioner asks that zygote.
- **Servers** (``workbook lab``, ``workbook app``, the client app) start a zygote in their own
  process (this module as a server extension for JupyterLab, :func:`zygote` around Voilà), so
  it ends with the server: stopped on the way out, and, should the server die, its pipe closes
  and it exits all the same. The zygote is the server's child; its kernels are the zygote's.

How a guided notebook reaches the forked kernel: the notebooks keep ``python3`` as their
kernelspec, and the workbook's servers serve that name with the workbook kernelspec
(``KernelSpecs.python3``: the same interpreter and ipykernel, with the fork provisioner). The
choice is the server's, not the notebook's: a notebook naming a ``workbook`` kernelspec would
open in a plain Jupyter (or on a colleague's machine, or in nbval) on "kernel not found", and
its copies, exported and handed on, would carry a name that means nothing elsewhere. In the
workbook's servers the name keeps ipykernel's display name, so a notebook saved there keeps its
metadata as it was; only the server's configuration differs, never the files.

Nothing here ever stops a run: a zygote that cannot start, is missing or was killed leaves the
provisioner to start kernels the ordinary way (with one warning). ``WORKBOOK_PLAIN_KERNELS=1``
asks for ordinary kernels everywhere (no zygote, and servers configured as before), for a
machine where forking misbehaves and for the benchmark's "before" figures.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

PLAIN = "WORKBOOK_PLAIN_KERNELS"
SPECS = "workbook.kernels.KernelSpecs"
EXTENSION = "workbook.forked"  # this module, as a Jupyter server extension (JupyterLab)


def plain() -> bool:
    """Whether kernels start the ordinary way: asked for (:data:`PLAIN` set to anything but 0
    or empty), or not on Linux (the zygote needs it), without a word."""
    if not sys.platform.startswith("linux"):
        return True
    return os.environ.get(PLAIN, "").strip() not in ("", "0")


def notebook_client(*arguments: str) -> dict[str, Any]:
    """The options that make an ``nbclient.NotebookClient`` start the workbook's kernel, with
    ``arguments`` for the kernel.

    Its history is kept in memory: nbclient does that only for kernels named ``python3``, and
    the parameters cell (ids and paths) has no business in ``~/.ipython``."""
    if plain():
        return {"kernel_name": "python3", "extra_arguments": list(arguments)}
    from .kernels import KERNEL_NAME, KernelManager

    return {
        "kernel_name": KERNEL_NAME,
        "kernel_manager_class": KernelManager,
        "extra_arguments": [*arguments, "--HistoryManager.hist_file=:memory:"],
    }


@contextlib.contextmanager
def zygote(meanwhile: Callable[[], object] | None = None) -> Iterator[Any]:
    """A zygote for the block (a batch, or a Voilà server run in it): the
    :class:`workbook.kernels.Zygote`, or None when plain kernels were asked for. One that fails
    to start has said why; the block runs on. ``meanwhile`` runs while the zygote starts (or
    at once, without one): what the block will need, loaded on the other core."""
    if plain():
        if meanwhile is not None:
            meanwhile()
        yield None
        return
    from .kernels import Zygote

    started = Zygote()
    started.start(meanwhile)
    try:
        yield started
    finally:
        started.stop()


# ----------------------------------------------------------------------------------- servers


def lab_flags() -> list[str]:
    """jupyter-lab's options: the workbook kernelspec for ``python3``, and the zygote started
    in the server's process by this module's server extension."""
    if plain():
        return []
    return [
        f"--ServerApp.kernel_spec_manager_class={SPECS}",
        "--KernelSpecs.python3=True",
        f"--ServerApp.jpserver_extensions={EXTENSION}=True",
    ]


def voila_flags() -> list[str]:
    """Voilà's options: the workbook kernelspec for ``python3`` (the zygote is started by the
    Voilà process itself, in :func:`zygote`)."""
    if plain():
        return []
    return [f"--VoilaConfiguration.kernel_spec_manager_class={SPECS}", "--KernelSpecs.python3=True"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp: Any) -> None:  # noqa: ANN401 - a ServerApp
    """Start the server's zygote (JupyterLab). It is stopped when the process exits, after the
    server has shut its kernels down; killed, the server closes the zygote's pipe by dying."""
    if plain():
        return
    from .kernels import Zygote

    started = Zygote()
    if started.start():
        atexit.register(started.stop)
        serverapp.log.info("Kernels are forked from the workbook's zygote (pid %s)", started.pid)
