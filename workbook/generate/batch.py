"""Generate workbooks: one client, or many at once.

Each client's template runs in a fresh kernel process of its own, so no state passes from one
client to the next; the kernels are forked from one zygote started for the batch (it has
imported the libraries the template uses, so no kernel pays for a Python start or for those
imports: :mod:`workbook.forked`). This process drives up to ``jobs`` kernels at a time
asynchronously and turns each finished notebook into HTML, PDF and a calendar; there are no
worker processes to start or keep in memory beside the kernels and the zygote. A failing
client never stops the others. Files are created with mode 0600 inside a folder only the
owner can open. A client whose template fails gets no workbook files at all: the executed
notebook, with the error and its traceback, is kept as ``CLIENT-workbook-failed.ipynb`` for the
practitioner, under a name no one would mistake for the client's copy.

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
from typing import Any

from .. import forked, stopping
from ..errors import WorkbookError
from ..files import private_dir, rename, write_private
from ..practice import Practice
from . import execute, export
from .execute import TemplateFailed, run

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


async def _one(
    practice: Practice,
    client: str,
    audience: str,
    formats: set[str],
    as_of: date,
    printing: _Printing | None,
) -> Result:
    started, files, messages = time.perf_counter(), [], []
    try:
        with practice.open(create=False) as store:
            case = store.load(client)
        target = private_dir(practice.workbooks(client))
        base = target / stem(client, audience)
        if formats & {"ipynb", "html", "pdf"}:
            # The run writes beside the workbook under a name of its own, and becomes the
            # workbook only once it succeeded: the previous good copy of every format stays
            # until its new copy is whole, and formats not asked for are left alone.
            notebook = base.with_suffix(".ipynb")
            running = base.with_name(f".{base.name}.running.ipynb")
            failed = base.with_name(f"{base.name}-failed.ipynb")
            failed.unlink(missing_ok=True)
            try:
                try:
                    nb, messages = await run(practice, client, audience, as_of, running)
                except TemplateFailed as exc:
                    kept = [rename(running, failed)] if running.exists() else []
                    return Result(client, False, time.perf_counter() - started, kept, str(exc))
                if "ipynb" in formats:
                    files.append(rename(running, notebook))
            finally:  # done, failed, broken or stopped: no half-run notebook left behind
                running.unlink(missing_ok=True)
            if formats & {"html", "pdf"}:
                page = export.html(nb, f"Action plan: {case.client.name}")
                if "html" in formats:
                    files.append(write_private(base.with_suffix(".html"), page.encode("utf-8")))
                if printing is not None:
                    await printing.pdf(page, base.with_suffix(".pdf"))
                    files.append(base.with_suffix(".pdf"))
        if "ics" in formats:
            files.append(
                write_private(target / f"{client}-calendar.ics", export.calendar(case, as_of))
            )
        with practice.open(create=False) as store:
            erased = not store.has(client)
        if erased:  # `delete` ran meanwhile: what was made from the records it erased goes too
            practice.remove_client_files(client)
            return Result(
                client, False, time.perf_counter() - started, [],
                f"{client}: erased while the workbook was being made; nothing was kept",
            )  # fmt: skip
        return Result(client, True, time.perf_counter() - started, files, messages=messages)
    except WorkbookError as exc:
        return Result(client, False, time.perf_counter() - started, files, str(exc))
    except Exception as exc:  # one client's failure must not stop the batch: report it
        return Result(
            client,
            False,
            time.perf_counter() - started,
            files,
            f"{client}: {type(exc).__name__}: {exc}",
        )


async def _batch(
    practice: Practice,
    clients: list[str],
    audience: str,
    formats: set[str],
    as_of: date,
    jobs: int,
    done: Callable[[Result], None] | None,
) -> list[Result]:
    printing = _Printing() if "pdf" in formats else None
    slots = asyncio.Semaphore(jobs)

    async def each(client: str) -> Result:
        async with slots:
            result = await _one(practice, client, audience, formats, as_of, printing)
        if stopping.requested():  # a kernel ended by the stop is not this client's failure
            raise asyncio.CancelledError
        if done:
            done(result)
        return result

    try:
        results = list(await asyncio.gather(*(each(c) for c in clients)))
    except BaseException:  # stopped: the browser is not waited for (stopping.end_children)
        if printing is not None:
            printing.abandon()
        raise
    if printing is not None:
        printing.close()
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

    def load() -> None:  # while the zygote imports what the kernels need, on the other core
        execute.load()
        if wanted & {"html", "pdf"}:
            export.load()

    previous = os.umask(0o077)  # everything written, by us or by papermill, is private
    try:
        with forked.zygote(load):  # the batch's kernels are forked from it (workbook.forked)
            return run_to_completion(
                _batch(practice, clients, audience, wanted, as_of or date.today(), jobs, done)
            )
    finally:
        os.umask(previous)


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
