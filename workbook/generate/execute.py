"""Run the workbook template for one client with papermill, in a fresh kernel.

The template's parameters are ids, paths, a date and the audience only. For the client's copy
the practitioner-only cells (tagged ``practitioner``) are removed before the run, so the copy
holds no trace of them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..errors import WorkbookError
from ..practice import Practice

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "client_workbook.ipynb"
PRIVATE_TAG = "practitioner"


class TemplateFailed(WorkbookError):
    """A cell of the template failed; the executed notebook keeps papermill's error banner."""

    def __init__(self, client: str, section: str, error: str, notebook: Path | None):
        self.client, self.section, self.notebook = client, section, notebook
        super().__init__(f"{client}: the section {section!r} of the workbook failed: {error}")


def template(audience: str) -> NotebookNode:
    if not TEMPLATE.exists():
        raise WorkbookError(f"the workbook template is missing ({TEMPLATE})")
    nb = nbformat.read(TEMPLATE, as_version=4)
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


def run(practice: Practice, client: str, audience: str, as_of: date, out: Path) -> NotebookNode:
    """Execute the template into ``out``; on a failing cell, ``out`` keeps papermill's error
    banner and :class:`TemplateFailed` names the section."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = template(audience)
    try:
        return papermill.execute_notebook(
            nb,
            str(out),
            parameters=parameters(practice, client, audience, as_of),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no transport chatter
        )
    except PapermillExecutionError as exc:
        section = section_of(nb, _template_index(nb, exc.cell_index))
        raise TemplateFailed(client, section, f"{exc.ename}: {exc.evalue}", None) from None


def _template_index(nb: NotebookNode, executed_index: int) -> int:
    """papermill inserts its injected-parameters cell (and an error banner) before the cell."""
    return max(0, min(len(nb.cells) - 1, executed_index - 1))
