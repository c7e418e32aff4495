"""Fresh kernels in a fraction of a start: a fork server (the zygote) and its kernelspec.

A kernel started the ordinary way pays for a Python start and for importing pandas, matplotlib,
SQLAlchemy and pydantic. The zygote (``zygote.py``) pays for those imports once, then forks a
child for each kernel (``child.py``), which starts ipykernel from its connection file; the
imported pages are shared copy-on-write. The ``workbook-fork`` provisioner (``provisioner.py``)
asks the zygote for a kernel and falls back to the ordinary launch whenever it cannot have one.

The public interface (what the rest of the workbook uses)::

    KERNEL_NAME = "workbook"          # the kernelspec's name ("Python 3 (workbook)")
    VARIABLE = "WORKBOOK_ZYGOTE"      # the zygote's socket, for this process and its children
    SPEC_DIR: Path                    # holds workbook/kernel.json: a KernelSpecManager.kernel_dirs
                                      # entry (shipped as package data)

    class Zygote:                     # a context manager: ``with Zygote() as zygote: ...``
        Zygote(folder: Path | None = None)   # its socket's folder (0700); a private temporary
                                             # one by default, removed on stop
        start(meanwhile=None) -> bool
                              # starts ``python -m workbook.kernels.zygote``, waits until it
                              # answers, sets os.environ[VARIABLE]; False (and one warning on
                              # the "workbook.kernels" logger) when it cannot: kernels then
                              # start the ordinary way. Never raises for a zygote that fails.
                              # meanwhile() runs while it imports (what it raises
                              # kills the zygote and goes on up)
        stop() -> None        # closes its pipe (it exits, and its kernels with it), waits for
                              # it, removes the folder and restores os.environ[VARIABLE]
        env() -> dict[str, str]   # {VARIABLE: socket} while running, else {}: for a server
                                  # started as a child process (os.environ already has it)
        running: bool
        pid: int | None           # the zygote's process id while running
        process: Popen | None     # the zygote's process (tests kill it)
        kernels() -> list[int]    # process ids of the kernels it has forked that still run

    class KernelSpecs(KernelSpecManager):    # finds SPEC_DIR before the installed kernelspecs
        python3: Bool = False                # config: serve the name "python3" with the
                                             # workbook kernelspec too (notebooks keep
                                             # "python3" in their metadata)

    class KernelManager(AsyncKernelManager): # its kernel_spec_manager is a KernelSpecs
                                             # (python3=True), so for nbclient/papermill:
        NotebookClient(nb, kernel_name=KERNEL_NAME, kernel_manager_class=KernelManager)

    # In a Jupyter server's config (JupyterLab, Voila):
    #   c.ServerApp.kernel_spec_manager_class = "workbook.kernels.KernelSpecs"
    #   c.KernelSpecs.python3 = True

A kernel started with the ``workbook`` kernelspec (or "python3" through KernelSpecs(python3=True))
is forked when os.environ[VARIABLE] names a live zygote of the same Python, and started the
ordinary way otherwise (one warning per process when a zygote was named but failed; that
zygote is then not asked again by this process).

Lifetimes: a forked kernel ends with its owner (the process whose kernel manager asked for it),
as an ordinary kernel does, whether or not the zygote still runs; ``stop()`` (or the death of
the zygote's owner) ends the zygote and kills the kernels it forked that still run; a zygote
killed alone leaves its running kernels to finish, and later kernels start the ordinary way.
Whether a kernel was forked: ``isinstance(manager.provisioner.process,
workbook.kernels.process.ForkedKernel)``, or its parent is ``Zygote.pid`` (``kernels()``).
Test helpers (a kernel to run code in, a process's end, a search of a process's memory):
``tests/kernels/forked.py``.

The surprise: the zygote is Linux-only (it uses pidfds, /proc and SO_PEERCRED); elsewhere
``start()`` returns False and every kernel starts the ordinary way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

KERNEL_NAME = "workbook"
SPEC_DIR = Path(__file__).with_name("spec")

from .owner import VARIABLE, Zygote  # noqa: E402

__all__ = ["KERNEL_NAME", "SPEC_DIR", "VARIABLE", "KernelManager", "KernelSpecs", "Zygote"]


def __getattr__(name: str) -> Any:
    """KernelSpecs and KernelManager import jupyter_client: only when asked for."""
    if name in ("KernelSpecs", "KernelManager"):
        from . import specs

        return getattr(specs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
