"""Run the workbook template for one client, with papermill's parameters, in a fresh kernel.

The template's parameters are ids, paths, a date and the audience only. For the client's copy
the practitioner-only cells (tagged ``practitioner``) are removed before the run, so the copy
holds no trace of them.

The template's sections only display; nothing they do should print. Should a library print
anyway in the kernel (a warning from a newer matplotlib or pandas, say), that text would name
the server's files in the client's PDF: it is taken out of the client's notebook and handed
to whoever generates the workbook instead (:attr:`Run.messages`), so it is seen, not hidden.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import forked
from ..errors import WorkbookError
from ..files import write_private
from ..practice import Practice
from ..resources import TEMPLATES

if TYPE_CHECKING:
    from nbformat import NotebookNode

TEMPLATE = TEMPLATES / "client_workbook.ipynb"
PRIVATE_TAG = "practitioner"


class TemplateFailed(WorkbookError):
    """A cell of the template failed; the executed notebook keeps papermill's error banner."""

    def __init__(self, client: str, section: str, error: str, notebook: Path | None):
        self.client, self.section, self.notebook = client, section, notebook
        super().__init__(f"{client}: the section {section!r} of the workbook failed: {error}")


def load() -> None:
    """Import what running a template takes (a second or more of a batch's start), so a batch
    can do it while its zygote starts."""
    import nbclient  # noqa: F401
    import papermill.execute  # noqa: F401
    import papermill.iorw  # noqa: F401
    import papermill.parameterize  # noqa: F401

    if not forked.plain():
        from ..kernels import specs  # noqa: F401


def template(audience: str) -> NotebookNode:
    """The template as papermill reads it, without the practitioner's cells unless asked."""
    from papermill.iorw import load_notebook_node

    if not TEMPLATE.exists():
        raise WorkbookError(f"the workbook template is missing ({TEMPLATE})")
    nb = load_notebook_node(str(TEMPLATE))
    if audience != "practitioner":
        nb.cells = [c for c in nb.cells if PRIVATE_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def parameters(practice: Practice, client: str, audience: str, as_of: date) -> dict:
    from ..notebooks import parameters as notebook_parameters

    return notebook_parameters(practice, client) | {
        "as_of": as_of.isoformat(),
        "audience": audience,
    }


def section_of(nb: NotebookNode, index: int) -> str:
    """The heading of the template section that holds cell ``index``."""
    for cell in reversed(nb.cells[: index + 1]):
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s*(.+)$", cell.source, re.MULTILINE)
            if match:
                return match[1].strip()
    return "the cover"


async def run(
    practice: Practice, client: str, audience: str, as_of: date, out: Path
) -> tuple[NotebookNode, list[str]]:
    """Execute the client workbook template for one client, writing the result to ``out``.

    Returns the notebook and the text its cells printed (taken out of it; normally none)."""
    params = parameters(practice, client, audience, as_of)
    messages: list[str] = []
    nb = await execute(template(audience), params, out, client, messages=messages)
    return nb, messages


def take_streams(nb: NotebookNode) -> list[str]:
    """Remove every printed output (stdout, stderr) from ``nb``'s cells; return its text."""
    taken = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        taken += [o.text.strip() for o in cell.outputs if o.output_type == "stream"]
        cell.outputs = [o for o in cell.outputs if o.output_type != "stream"]
    return [t for t in taken if t]


async def execute(
    source: NotebookNode, params: dict, out: Path, label: str, messages: list[str] | None = None
) -> NotebookNode:
    """Execute a template in a fresh kernel with papermill's parameters, writing ``out``.

    The kernel is the workbook's (:mod:`workbook.forked`): forked from the batch's zygote when
    one runs, else started the ordinary way. The notebook keeps ``python3`` as its kernelspec,
    so the copy opens in any Jupyter.

    When a cell fails, papermill's error banner goes into ``out`` and :class:`TemplateFailed`
    names the section. The kernel is driven asynchronously, so one process can run several
    kernels at once. With a ``messages`` list, what the cells printed moves from the notebook
    into that list.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(
        copy.deepcopy(source),  # papermill changes the notebook it is given in place
        params,
        kernel_name="python3",
        language="python",
    )
    nb = prepare_notebook_metadata(nb, TEMPLATE.name, str(out))
    runner = NotebookClient(
        nb,
        timeout=600,
        startup_timeout=120,
        shutdown_kernel="immediate",  # the notebook is done (or given up): no need to wait
        # the workbook's kernel, with no transport chatter on stderr
        **forked.notebook_client("--IPKernelApp.log_level=ERROR"),
    )
    with contextlib.suppress(CellExecutionError):  # the failing cell keeps its error output,
        await runner.async_execute()  # which papermill turns into its banner just below
    banner = out.with_name(f".{out.name}.{os.getpid()}.tmp.ipynb")  # papermill writes it
    try:  # in place, not whole: to a scratch name first, then whole under ``out``
        raise_for_execution_errors(nb, str(banner))
    except PapermillExecutionError as exc:
        write_private(out, banner.read_bytes())
        section = section_of(source, _template_index(source, exc.cell_index))
        raise TemplateFailed(label, section, f"{exc.ename}: {exc.evalue}", out) from None
    finally:
        banner.unlink(missing_ok=True)
    if messages is not None:
        messages += take_streams(nb)
    write_private(out, nbformat.writes(nb).encode("utf-8"))  # whole or not at all, 0600
    return nb


def _template_index(nb: NotebookNode, executed_index: int) -> int:
    """papermill inserts its injected-parameters cell (and an error banner) before the cell."""
    return max(0, min(len(nb.cells) - 1, executed_index - 1))
