"""Generate workbooks: one client, or many in parallel processes.

Each client's template runs in a fresh kernel (papermill starts one per run), so no state passes
from one client to the next. A failing client never stops the others. Files are created with
mode 0600 inside a folder only the owner can open.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import WorkbookError
from ..files import private_dir, write_private
from ..practice import Practice
from . import export
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


def stem(client: str, audience: str) -> str:
    return f"{client}-workbook" + ("" if audience == "client" else "-practitioner")


def generate_one(
    practice: Practice,
    client: str,
    *,
    audience: str = "client",
    formats: Iterable[str] = FORMATS,
    as_of: date | None = None,
    printer: export.Printer | None = None,
) -> Result:
    """Write one client's workbook files; failures come back in the result, not raised."""
    started, formats = time.perf_counter(), set(formats)
    as_of = as_of or date.today()
    previous = os.umask(0o077)
    files: list[Path] = []
    try:
        with practice.open(create=False) as store:
            case = store.load(client)
        target = private_dir(practice.workbooks(client))
        base = target / stem(client, audience)
        for ext in ("html", "pdf"):  # never leave an older, complete-looking copy behind
            base.with_suffix(f".{ext}").unlink(missing_ok=True)
        if formats & {"ipynb", "html", "pdf"}:
            notebook = base.with_suffix(".ipynb")
            try:
                nb = run(practice, client, audience, as_of, notebook)
            except TemplateFailed as exc:
                return Result(client, False, time.perf_counter() - started, [notebook], str(exc))
            if "ipynb" in formats:
                files.append(notebook)
            else:
                notebook.unlink()
            if formats & {"html", "pdf"}:
                page = export.html(nb, f"Action plan: {case.client.name}")
                if "html" in formats:
                    files.append(write_private(base.with_suffix(".html"), page.encode("utf-8")))
                if "pdf" in formats:
                    own = printer or export.Printer()
                    try:
                        own.pdf(page, base.with_suffix(".pdf"))
                    finally:
                        if printer is None:
                            own.close()
                    files.append(base.with_suffix(".pdf"))
        if "ics" in formats:
            files.append(
                write_private(target / f"{client}-calendar.ics", export.calendar(case, as_of))
            )
        return Result(client, True, time.perf_counter() - started, files)
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
    finally:
        os.umask(previous)


_printer: export.Printer | None = None


def _worker_printer() -> export.Printer:
    global _printer
    if _printer is None:
        _printer = export.Printer()
        atexit.register(_printer.close)
    return _printer


def _work(
    practice: Practice, client: str, audience: str, formats: tuple[str, ...], as_of: date
) -> Result:
    printer = _worker_printer() if "pdf" in formats else None
    return generate_one(
        practice, client, audience=audience, formats=formats, as_of=as_of, printer=printer
    )


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
    """Generate for every client, ``jobs`` processes at a time (default: one per core).

    ``done`` is called in this process as each client finishes (for a progress display).
    Results come back in the order of ``clients``.
    """
    formats = tuple(f for f in FORMATS if f in set(formats))
    as_of = as_of or date.today()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(clients) or 1))
    results: dict[str, Result] = {}
    if jobs == 1:
        for client in clients:
            results[client] = _work(practice, client, audience, formats, as_of)
            if done:
                done(results[client])
        if _printer is not None:
            _printer.close()
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {
                pool.submit(_work, practice, c, audience, formats, as_of): c for c in clients
            }
            for future in as_completed(futures):
                client = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker that died: reported, the batch goes on
                    result = Result(client, False, 0.0, error=f"{client}: worker failed: {exc}")
                results[client] = result
                if done:
                    done(result)
    return [results[c] for c in clients]
