"""Stopping a command cleanly: Ctrl-C (SIGINT) or SIGTERM ends it within moments.

Within :func:`on_signals`, either signal raises :class:`Stopped` in the main thread, wherever it
is: the ``finally`` blocks on the way out remove scratch files (every file is written whole, see
``files.py``, so none is left in part) and shut the kernels down. Whatever still runs under this
process after that (a kernel, the Playwright driver, Chromium) is ended by :func:`end_children`.
A second signal while stopping is ignored, so pressing Ctrl-C twice stops as cleanly as once.

The surprise: nbclient claims SIGINT and SIGTERM on the event loop for every kernel it starts,
and then only shuts that one kernel down and carries on. The batch's event loop refuses it
those two signals (:class:`Loop`), so they come here.

A command that does several things counts them (:func:`counting`), so the line printed when it
is stopped says how many were done: ``Stopped: 3 of 12 workbooks done.``
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class Count:
    total: int
    what: str
    done: int = 0

    def line(self) -> str:
        return f"Stopped: {self.done} of {self.total} {self.what}."


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by a signal; its exit status is 128 + the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.count: Count | None = None

    @property
    def status(self) -> int:
        return 128 + self.signum


_signalled: list[int] = []  # the signal that asked to stop, once one has


def requested() -> bool:
    """Whether a stop was asked for: work finishing on the way out is then not reported."""
    return bool(_signalled)


@contextlib.contextmanager
def counting(total: int, what: str) -> Iterator[Count]:
    """Count the things done in the block, for the line printed if it is stopped in it."""
    count = Count(total, what)
    try:
        yield count
    except Stopped as exc:
        exc.count = exc.count or count  # the innermost count says it best
        raise


def summary(exc: Stopped) -> str:
    """The one line to print when stopped: how many of the things being done were done."""
    return exc.count.line() if exc.count else "Stopped."


@contextlib.contextmanager
def on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Stopped` in the block (main thread only; elsewhere
    signals cannot be caught, and the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        if _signalled:  # already on the way out
            return
        _signalled.append(signum)
        raise Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _signalled.clear()


def end_children(grace: float = 0.3) -> list[int]:
    """End every process started under this one (kernels, the browser): asked first, then
    killed after ``grace`` seconds. Returns their process ids."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    end_processes(children, grace)
    return [c.pid for c in children]


def end_processes(procs: list, grace: float) -> None:
    """Ask each of ``procs`` (psutil processes) to end, and kill those left after ``grace``
    seconds; one already gone is no matter."""
    import psutil

    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=grace)


class Loop(asyncio.SelectorEventLoop):
    """An event loop that keeps SIGINT and SIGTERM for :func:`on_signals` (see above)."""

    def add_signal_handler(self, sig: int, callback, *args) -> None:  # noqa: ANN001
        if sig in SIGNALS:
            raise RuntimeError("SIGINT and SIGTERM stop the whole command")
        super().add_signal_handler(sig, callback, *args)


def run(work) -> object:  # noqa: ANN001 - a coroutine
    """``asyncio.run`` on a :class:`Loop`."""
    with asyncio.Runner(loop_factory=Loop) as runner:
        return runner.run(work)


__all__ = ["Stopped", "counting", "end_children", "on_signals", "run", "summary"]
