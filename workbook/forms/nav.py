"""The navigation bar of a step's notebook, and the list of a client's notebooks with their
progress marks (also shown by start-here).

The bar is an ``ipywidgets.Output`` holding HTML, so Lab and Voilà handle its links (see
``links``); it depends on a case and a folder only, never on the notebook session that shows it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from ..model import Case
from ..steps import BY_KEY, CASELOAD, START, STEPS, progress
from .links import Link, Server, html_output, link


def _a(target: Link, text: str, cls: str, extra: str = "") -> str:
    return f'<a class="{cls}" {target.attrs()}{extra}>{text}</a>'


def steps_html(
    case: Case | None,
    folder: Path,
    here: Path,
    current: str | None = None,
    server: Server | None = None,
    client: str | None = None,
) -> str:
    """The steps as a list of links with a mark for those with records; client text escaped.

    ``folder`` holds the client's notebooks; ``here`` is the folder of the notebook showing the
    list; ``client`` opens the links in that client's own Lab workspace.
    """
    done = progress(case)
    items = []
    for s in STEPS:
        mark = "&#10003;" if done[s.key] else "&#9675;"
        state = "has records" if done[s.key] else "nothing recorded yet"
        here_attr = ' aria-current="page"' if s.key == current else ""
        target = link(folder / s.notebook, here, server, client)
        text = f'<span aria-hidden="true">{mark}</span> {html.escape(s.title)}'
        text += f'<span class="wb-sr-only"> ({state})</span>'
        cls = f"wb-step wb-step-{s.key}" + (" wb-step-done" if done[s.key] else "")
        items.append(f'<li class="{cls}">{_a(target, text, "wb-step-link", here_attr)}</li>')
    count = sum(done.values())
    who = html.escape(case.client.name) if case else "No client"
    return (
        f'<ol class="wb-steps">{"".join(items)}</ol>'
        f'<p class="wb-progress-summary">{who}: {count} of {len(STEPS)} parts have records.</p>'
    )


STYLE = """<style>
.wb-nav{border:1px solid #c8c8c8;border-radius:4px;padding:.4em .8em;margin:.2em 0;
  background:#f7f7f7;font-size:14px}
.wb-nav a{color:#0b57a4;text-decoration:underline}
.wb-nav .wb-nav-links{display:flex;gap:1.5em;flex-wrap:wrap;margin:0 0 .3em 0}
.wb-nav ol.wb-steps{display:flex;flex-wrap:wrap;gap:.3em 1.2em;padding:0;margin:.2em 0}
.wb-nav ol.wb-steps li{list-style:none;margin:0;padding:0}
.wb-steps a[aria-current=page]{font-weight:bold;text-decoration:none;color:#1d1d1d}
.wb-step-done a{color:#1b5e20}
.wb-progress-summary{margin:.2em 0;color:#333}
.wb-sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
</style>"""


def nav_html(case: Case | None, folder: Path, step: str, server: Server | None = None) -> str:
    """Back to start-here, the practice's caseload, the previous and next notebooks, and the
    client's progress."""
    index = [s.key for s in STEPS].index(step)
    parts = [_a(link(folder.parent / START, folder, server), "&#8962; Start here", "wb-nav-start")]
    parts.append(_a(link(folder.parent / CASELOAD, folder, server), "Caseload", "wb-nav-caseload"))
    if index > 0:
        prev = STEPS[index - 1]
        target = link(folder / prev.notebook, folder, server)
        parts.append(_a(target, f"&larr; {html.escape(prev.title)}", "wb-nav-prev", ' rel="prev"'))
    if index + 1 < len(STEPS):
        nxt = STEPS[index + 1]
        target = link(folder / nxt.notebook, folder, server)
        parts.append(_a(target, f"{html.escape(nxt.title)} &rarr;", "wb-nav-next", ' rel="next"'))
    return (
        f'{STYLE}<nav class="wb-nav" aria-label="The method\'s notebooks">'
        f'<div class="wb-nav-links">{"".join(parts)}</div>'
        f"{steps_html(case, folder, folder, step, server)}</nav>"
    )


class NavBar:
    """The navigation bar of one notebook; ``refresh`` redraws it (the session calls it on save)."""

    def __init__(self, step: str, folder: Path, case: Callable[[], Case | None]):
        if step not in BY_KEY:
            raise ValueError(f"no step {step!r}; the steps are {', '.join(BY_KEY)}")
        self.step, self.folder, self.case = step, folder, case
        self.widget = w.Output()
        self.widget.add_class("wb-navigation")
        self.refresh()

    @property
    def html(self) -> str:
        return self.widget.outputs[0]["data"]["text/html"]

    def refresh(self) -> None:
        self.widget.outputs = html_output(nav_html(self.case(), self.folder, self.step))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
