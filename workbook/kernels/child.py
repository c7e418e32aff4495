"""The forked child: from a copy of the zygote to a kernel as if started on its own.

:func:`run` is called in the child right after the fork and never returns. It makes the child a
session of its own (``setsid``: signals to the kernel's group reach it and whatever it starts),
restores the signal handlers a new Python has, puts the requester's three streams on 0, 1 and 2
and closes every other descriptor it inherited, takes the requested environment and working
folder, reseeds the random number generators (``random`` does it at a fork, numpy's does not),
and starts ipykernel's application with the kernel's arguments, its history kept in memory.

The request (the only place the child learns what it is for) is JSON::

    {"argv": [arguments after "-m ipykernel_launcher"], "env": {...}, "cwd": "/folder"}

The surprise: the kernel ends with its owner (the process that asked for it, as an ordinary
kernel ends with the process that started it), not with the zygote. ipykernel's parent poller
can only watch a process's own parent, which here is the zygote; so the requester sends a pidfd
of itself with its streams, and :class:`OwnerPoller` takes the poller's place. A zygote killed
alone leaves its kernels running their notebooks to the end (an orderly stop ends them, see
``zygote.py``). The parent handle is still given on the command line, as ipykernel read
``JPY_PARENT_PID`` when the zygote imported it; without one it prints its connection details.

What a fork cannot renew: the secret behind ``hash()`` of strings is chosen when an interpreter
starts, so every kernel of one zygote shares it (set ``PYTHONHASHSEED`` to choose it); and
whatever a library read from the environment when the zygote imported it (BLAS is
single-threaded in forked kernels). A kernel asking for other such variables than the zygote's
(``zygote.fixed``) is started the ordinary way; the time zone is renewed here.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib.util
import json
import os
import random
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import NoReturn

# What a new Python interpreter sets itself; every other signal has its default action.
PYTHON_SIGNALS = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGPIPE: signal.SIG_IGN,
    signal.SIGXFSZ: signal.SIG_IGN,
}
MEMORY_HISTORY = "--HistoryManager.hist_file=:memory:"
OWNER_FD = 3  # the owner's pidfd, after the three streams
GO_FD = 4  # the reading end of the requester's go pipe: a byte, or its end (given up)
SETTLE = 30.0  # seconds to wait for a channel thread at exit (as ipykernel waits for IOPub's)


def run(request: memoryview, fds: list[int], forget: Callable[[], None]) -> NoReturn:
    """Become the kernel asked for: ``fds`` are its stdin, stdout, stderr, its owner's pidfd
    and its go pipe; ``forget`` closes what the zygote holds."""
    code: int | str | None = 1
    try:
        os.setsid()
        default_signals()
        gc.enable()  # off in the zygote; what it imported stays frozen, shared with it
        asked = json.loads(bytes(request))
        forget()  # first: the zygote's descriptors may have the numbers given below
        owner = os.dup(fds[3])  # not inheritable: the kernel's own children do not get it
        go = os.dup(fds[4])  # above owner: moving owner to 3 below cannot close it
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        if owner != OWNER_FD:
            os.dup2(owner, OWNER_FD, inheritable=False)
        if go != GO_FD:
            os.dup2(go, GO_FD, inheritable=False)
        os.closerange(GO_FD + 1, os.sysconf("SC_OPEN_MAX"))
        code = kernel(asked["argv"], asked["env"], asked["cwd"])
    except SystemExit as exc:
        code = exc.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)  # as Python does with sys.exit("why")
    except BaseException as exc:
        traceback.print_exc()
        code = -signal.SIGINT if isinstance(exc, KeyboardInterrupt) else 1
    finally:
        # As at the end of an interpreter: exit handlers (IPython's), then the streams.
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        if code == -signal.SIGINT:  # interrupted before ipykernel took SIGINT: end by it, as
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Python does
            os.kill(os.getpid(), signal.SIGINT)
        os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def default_signals() -> None:
    signal.set_wakeup_fd(-1)
    for signum in signal.valid_signals():
        if signum in (signal.SIGKILL, signal.SIGSTOP):
            continue
        with contextlib.suppress(OSError, ValueError):
            signal.signal(signum, PYTHON_SIGNALS.get(signum, signal.SIG_DFL))
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def reseed() -> None:
    random.seed()  # from the system's entropy
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # the global RandomState behind numpy.random.rand() and friends


class OwnerPoller(threading.Thread):
    """In ipykernel's poller slot: ends the kernel when its owner ends, as ipykernel's does."""

    def __init__(self, pidfd: int):
        super().__init__(daemon=True, name="owner-poller")
        self.pidfd = pidfd

    def run(self) -> None:
        select.select([self.pidfd], [], [])  # readable once the owner has ended
        from traitlets.log import get_logger

        get_logger().warning("Parent appears to have exited, shutting down.")
        os._exit(1)


def wait_for_go() -> None:
    """Wait for the requester's byte on the go pipe; exit if it closes it instead (it gave
    up on this kernel, and may have started an ordinary one on the same ports)."""
    while True:
        select.select([GO_FD], [], [])
        try:
            data = os.read(GO_FD, 1)
        except BlockingIOError:
            continue
        break
    os.close(GO_FD)
    if not data:
        raise SystemExit(0)


def widgets() -> None:
    """Register ipywidgets' comm targets in the kernel now that it exists, as importing
    ipywidgets in a kernel does: the zygote imported it before there was one, so a notebook's
    ``import ipywidgets`` finds it imported and registers nothing (and a page reloaded in
    JupyterLab, which asks the "jupyter.widget.control" target for the widgets' states, gets
    none)."""
    module = sys.modules.get("ipywidgets")
    if module is not None:
        module.register_comm_target()


def settle(app) -> None:
    """Let ipykernel's channel threads finish the message they handle before the exit
    functions stop its IOPub thread.

    A shutdown request stops the main loop from the control thread, which then flushes the
    streams through the IOPub thread and says it is idle. ipykernel's exit function stops the
    IOPub thread first and then joins the control thread: when the main thread gets there
    first, the control thread's flush waits ten seconds for a thread that has stopped, and the
    kernel is terminated by its manager (which waits 2.5 s) instead of exiting. An ordinary
    kernel seldom gets there first (it ends its history session in a file first): a forked
    kernel, whose history is in memory, did in 5 shutdowns of 24."""
    for thread in (app.control_thread, app.shell_channel_thread):
        if thread is not None and thread.is_alive():
            thread.stop()  # a no-op for the control thread a shutdown request has stopped
            thread.join(SETTLE)


def adopt(env: dict[str, str]) -> None:
    """Take the environment asked for, and renew what the C library read from the zygote's:
    the local time zone (``TZ``). What else a fork cannot renew the provisioner checks."""
    os.environ.clear()
    os.environ.update(env)
    time.tzset()


def kernel(argv: list[str], env: dict[str, str], cwd: str) -> int:
    """Start ipykernel with ``argv`` in ``env`` and ``cwd``, as ``python -m ipykernel_launcher``."""
    wait_for_go()
    adopt(env)
    os.chdir(cwd)
    reseed()
    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher and launcher.origin else "ipykernel_launcher", *argv]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    owner = os.environ.get("JPY_PARENT_PID") or "1"  # the requester's (launch_kernel's too)
    # Ours replace these options when the command has them (nbclient names the history's file
    # for kernels named python3): given twice, an option becomes a list and the kernel dies.
    ours = [f"--IPKernelApp.parent_handle={owner}", MEMORY_HISTORY]
    argv = [a for a in argv if not a.startswith(tuple(o.partition("=")[0] for o in ours))]
    app.initialize([*argv, *ours])
    widgets()
    app.poller = OwnerPoller(OWNER_FD)
    app.start()
    settle(app)
    return 0
