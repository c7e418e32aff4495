"""Generate workbooks: one client, or many at once.

Each client's template runs in a fresh kernel process of its own, so no state passes from one
client to the next; the kernels are forked from one zygote started for the batch (it has
imported the libraries the template uses, so no kernel pays for a Python start or for those
imports: :mod:`workbook.forked`). This process drives up to ``jobs`` kernels at a time
asynchronously and turns each finished notebook into HTML (in a thread of its own), PDF and a
calendar while the next kernels run; there are no worker processes to start or keep in memory
beside the kernels and the zygote. A failing client never stops the others. Files are created
with mode 0600 inside a folder only the owner can open. A client whose template fails gets no
workbook files at all: the executed notebook, with the error and its traceback, is kept as
``CLIENT-workbook-failed.ipynb`` for the practitioner, under a name no one would mistake for
the client's copy.

A stop (Ctrl-C or SIGTERM, see ``stopping.py``) cancels the runs under way: their kernels are
killed at once (nothing they would still do is kept), the PDF being printed is abandoned, and
the clients finished by then are not reported again as failures. Every file is written whole
(``files.py``), so each holds its previous copy or its new one.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import forked, stopping
from ..errors import WorkbookError
from ..files import private_dir, rename, write_private
from ..practice import Practice
from . import execute, export
from .execute import TemplateFailed, run

if TYPE_CHECKING:
    from nbformat import NotebookNode

FORMATS = ("ipynb", "html", "pdf", "ics")
AUDIENCES = ("client", "practitioner")


@dataclass
class Result:
    client: str
    ok: bool
    seconds: float
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    messages: list[str] = field(default_factory=list)  # printed in the kernel, kept out of files


def stem(client: str, audience: str) -> str:
    return f"{client}-workbook" + ("" if audience == "client" else "-practitioner")


class _Printing:
    """PDFs are printed by one Chromium, owned by one thread (Playwright's sync API needs that)."""

    def __init__(self) -> None:
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        self.printer = export.Printer()

    async def pdf(self, page: str, out: Path) -> None:
        await asyncio.get_running_loop().run_in_executor(self.thread, self.printer.pdf, page, out)

    def close(self) -> None:
        self.thread.submit(self.printer.close).result()
        self.thread.shutdown()

    def abandon(self) -> None:
        """Stop without waiting for the page being printed (its PDF is not written)."""
        self.thread.shutdown(wait=False, cancel_futures=True)


class _Lanes:
    """What the clients of a batch share. At most ``jobs`` kernels run at a time; a client's
    notebook then becomes HTML, PDF and calendar in a lane of its own, as wide, so the next
    kernel starts meanwhile and both cores stay busy. The HTML is made in a thread of its own
    (the thread's exporter, :func:`export.html`), so the event loop drives the kernels
    meanwhile; the PDF is printed by one Chromium (:class:`_Printing`)."""

    def __init__(self, jobs: int, formats: set[str], exporting: ThreadPoolExecutor | None):
        self.kernels = asyncio.Semaphore(jobs)
        self.finishing = asyncio.Semaphore(jobs)
        self.exporting = exporting
        self.printing = _Printing() if "pdf" in formats else None

    async def html(self, nb: NotebookNode, title: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.exporting, export.html, nb, title)


def _exporting(formats: set[str]) -> ThreadPoolExecutor | None:
    """The thread a batch makes its HTML in, when a format needs HTML."""
    if formats & {"html", "pdf"}:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="html")
    return None


@dataclass
class _Client:
    """One client's workbook as it is made: where its files go, and what is made so far."""

    client: str
    base: Path  # the workbook files' path without a suffix
    started: float = field(default_factory=time.perf_counter)
    files: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def result(self, error: str | None = None, files: list[Path] | None = None) -> Result:
        kept = self.files if files is None else files
        took = time.perf_counter() - self.started
        return Result(self.client, error is None, took, kept, error, self.messages)


async def _one(
    practice: Practice,
    client: str,
    audience: str,
    formats: set[str],
    as_of: date,
    lanes: _Lanes,
) -> Result:
    made = _Client(client, practice.workbooks(client) / stem(client, audience))
    try:
        async with lanes.kernels:
            made.started = time.perf_counter()  # the client's own time, not its wait
            with practice.open(create=False) as store:
                case = store.load(client)
            private_dir(made.base.parent)
            nb = None
            if formats & {"ipynb", "html", "pdf"}:
                try:
                    nb = await _run(practice, audience, formats, as_of, made)
                except TemplateFailed as exc:
                    return made.result(str(exc))
        async with lanes.finishing:
            if nb is not None and formats & {"html", "pdf"}:
                page = await lanes.html(nb, f"Action plan: {case.client.name}")
                if "html" in formats:
                    html = made.base.with_suffix(".html")
                    made.files.append(write_private(html, page.encode("utf-8")))
                if lanes.printing is not None:
                    await lanes.printing.pdf(page, made.base.with_suffix(".pdf"))
                    made.files.append(made.base.with_suffix(".pdf"))
            if "ics" in formats:
                calendar = made.base.parent / f"{client}-calendar.ics"
                made.files.append(write_private(calendar, export.calendar(case, as_of)))
        with practice.open(create=False) as store:
            erased = not store.has(client)
        if erased:  # `delete` ran meanwhile: what was made from the records it erased goes too
            practice.remove_client_files(client)
            return made.result(
                f"{client}: erased while the workbook was being made; nothing was kept", []
            )
        return made.result()
    except WorkbookError as exc:
        return made.result(str(exc))
    except Exception as exc:  # one client's failure must not stop the batch: report it
        return made.result(f"{client}: {type(exc).__name__}: {exc}")


async def _run(
    practice: Practice, audience: str, formats: set[str], as_of: date, made: _Client
) -> NotebookNode:
    """Run the template for the client; its notebook. The run writes beside the workbook under
    a name of its own, and becomes the workbook only once it succeeded: the previous good copy
    of every format stays until its new copy is whole, and formats not asked for are left
    alone. A failed run is kept under its own name (then :class:`TemplateFailed`)."""
    notebook = made.base.with_suffix(".ipynb")
    running = made.base.with_name(f".{made.base.name}.running.ipynb")
    failed = made.base.with_name(f"{made.base.name}-failed.ipynb")
    failed.unlink(missing_ok=True)
    try:
        try:
            nb, made.messages = await run(practice, made.client, audience, as_of, running)
        except TemplateFailed:
            made.files = [rename(running, failed)] if running.exists() else []
            raise
        if "ipynb" in formats:
            made.files.append(rename(running, notebook))
        return nb
    finally:  # done, failed, broken or stopped: no half-run notebook left behind
        running.unlink(missing_ok=True)


async def _batch(
    practice: Practice,
    clients: list[str],
    audience: str,
    formats: set[str],
    as_of: date,
    jobs: int,
    done: Callable[[Result], None] | None,
    exporting: ThreadPoolExecutor | None,
) -> list[Result]:
    lanes = _Lanes(jobs, formats, exporting)

    async def each(client: str) -> Result:
        result = await _one(practice, client, audience, formats, as_of, lanes)
        if stopping.requested():  # a kernel ended by the stop is not this client's failure
            raise asyncio.CancelledError
        if done:
            done(result)
        return result

    try:
        results = list(await asyncio.gather(*(each(c) for c in clients)))
    except BaseException:  # stopped: the browser is not waited for (stopping.end_children)
        if lanes.printing is not None:
            lanes.printing.abandon()
        raise
    if lanes.printing is not None:
        lanes.printing.close()
    return results


def generate_many(
    practice: Practice,
    clients: list[str],
    *,
    audience: str = "client",
    formats: Iterable[str] = FORMATS,
    as_of: date | None = None,
    jobs: int | None = None,
    done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Generate for every client, ``jobs`` kernels at a time (default: one per core).

    ``done`` is called as each client finishes (for a progress display). Results come back in
    the order of ``clients``.
    """
    clients = list(dict.fromkeys(clients))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(clients) or 1))
    wanted = set(formats) & set(FORMATS)
    exporting = _exporting(wanted)

    def load() -> None:  # while the zygote imports what the kernels need, on the other core
        execute.load()
        if exporting is not None:
            exporting.submit(export.load).result()

    previous = os.umask(0o077)  # everything written, by us or by papermill, is private
    try:
        with forked.zygote(load):  # the batch's kernels are forked from it (workbook.forked)
            return run_to_completion(
                _batch(
                    practice,
                    clients,
                    audience,
                    wanted,
                    as_of or date.today(),
                    jobs,
                    done,
                    exporting,
                )  # fmt: skip
            )
    finally:
        os.umask(previous)
        if exporting is not None:  # an HTML being made when stopped is not waited for
            exporting.shutdown(wait=False, cancel_futures=True)


def run_to_completion(work: Coroutine[Any, Any, Any]) -> Any:
    """Run ``work`` on an event loop of its own, even when called from code that already
    runs one (a notebook, or Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return stopping.run(work)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate") as thread:
        return thread.submit(stopping.run, work).result()


def generate_one(
    practice: Practice,
    client: str,
    *,
    audience: str = "client",
    formats: Iterable[str] = FORMATS,
    as_of: date | None = None,
) -> Result:
    """Write one client's workbook files; failures come back in the result, not raised."""
    return generate_many(
        practice, [client], audience=audience, formats=formats, as_of=as_of, jobs=1
    )[0]
