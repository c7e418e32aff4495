"""Accessibility scans with axe-core, run inside a Playwright page.

``scan(page)`` injects axe-core (the npm package, installed by ``make setup`` under
.venv/node) into the page, runs it for WCAG 2 A and AA, and returns each violation with the
CSS selectors of the elements at fault. It is reusable for any page a test has open: the
practitioner app, JupyterLab, a generated workbook, the client's app.

``scan`` narrows the scan with ``include`` (the page content to check, e.g. Voilà's rendered
notebook) and ``exclude`` (parts that are not ours); keep exclusions to chrome the project does
not render, and say why beside each one. ``scan_voila(page)`` waits until Voilà has drawn every
output of the notebook, then scans what it rendered (``#rendered_cells``): Voilà's own frame
around it had no violation when this was written, and is left out only because it is not ours.
A page whose Content-Security-Policy forbids scripts (the generated workbook) needs a browser
context made with ``bypass_csp=True``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where ``make setup`` installs axe-core; WORKBOOK_AXE_JS points elsewhere if needed.
AXE_JS = Path(
    os.environ.get(
        "WORKBOOK_AXE_JS", ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
    )
)
WCAG_TAGS = ("wcag2a", "wcag2aa")
VOILA_CONTENT = "#rendered_cells"
# Voilà has drawn the notebook once every code cell with outputs shows each of them (a widget's
# output is empty until its view is rendered).
VOILA_RENDERED = """() => {
    const cells = [...document.querySelectorAll('#rendered_cells .jp-CodeCell')]
        .filter(c => !c.classList.contains('jp-mod-noOutputs'));
    return cells.length > 0 && cells.every(c => {
        const outputs = [...c.querySelectorAll('.jp-OutputArea-output')];
        return outputs.length > 0 && outputs.every(o => o.children.length > 0);
    });
}"""

_RUN = """async ([context, tags]) => {
    const result = await axe.run(context, {runOnly: {type: "tag", values: tags}});
    return {
        violations: result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html})),
        })),
        passes: result.passes.length,
    };
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken, and the elements that break it."""

    rule: str
    impact: str
    help: str
    targets: list[str]  # a CSS selector per element
    html: list[str]  # each element's opening markup, to see what it was

    def __str__(self) -> str:
        shown = "\n".join(
            f"    {t}: {h[:160]}" for t, h in zip(self.targets, self.html, strict=True)
        )
        return f"{self.rule} ({self.impact}, {len(self.targets)} elements): {self.help}\n{shown}"


def available() -> bool:
    return AXE_JS.is_file()


def scan(
    page,  # noqa: ANN001 - a playwright Page
    include: str | list[str] | None = None,
    exclude: tuple[str, ...] | list[str] = (),
    tags: tuple[str, ...] = WCAG_TAGS,
) -> list[Violation]:
    """Run axe-core on ``page`` (only inside ``include``, if given) for ``tags``."""
    if not available():
        raise FileNotFoundError(
            f"axe-core is not installed at {AXE_JS}: run `make setup` (it runs npm install)"
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    includes = [include] if isinstance(include, str) else list(include or [])
    context: dict = {"exclude": [[s] for s in exclude]}
    if includes:
        context["include"] = [[s] for s in includes]
    result = page.evaluate(_RUN, [context, list(tags)])
    return [
        Violation(
            v["id"],
            v["impact"] or "",
            v["help"],
            [", ".join(n["target"]) for n in v["nodes"]],
            [n["html"] for n in v["nodes"]],
        )
        for v in result["violations"]
    ]


def wait_for_voila(page) -> None:  # noqa: ANN001 - a playwright Page
    """Wait until Voilà has rendered every output of the notebook it serves."""
    page.wait_for_function(VOILA_RENDERED)


def scan_voila(page, exclude: tuple[str, ...] | list[str] = ()) -> list[Violation]:  # noqa: ANN001
    """Scan the notebook a Voilà page renders, once it is all drawn."""
    wait_for_voila(page)
    return scan(page, include=VOILA_CONTENT, exclude=exclude)


def report(violations: list[Violation]) -> str:
    """The violations as text, for an assertion message."""
    return "\n".join(str(v) for v in violations) or "no violations"
