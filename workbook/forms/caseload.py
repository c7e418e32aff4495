"""The caseload notebook: every client as a sortable table, flags coloured and named, each client
linking to their notebooks, and a chart of the caseload's check-in rhythm.

The figures are :func:`workbook.caseload.caseload`'s, the same the ``caseload`` command prints.
The table is HTML in an ``ipywidgets.Output`` (so JupyterLab and Voilà handle its links, see
``links``); a drop-down chooses the column to sort by and a toggle reverses the order. Every piece
of client text is escaped; a flag is always shown in words, its colour only repeats them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from datetime import date

import ipywidgets as w
import pandas as pd

from .. import caseload as cl
from ..audience import app_banner
from ..practice import Practice
from ..steps import BY_KEY, START, STEPS
from ..wording import day
from .links import Server, current_server, html_output, link

# column -> (label, sort key): how each column sorts, missing values always last.
SORTS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series] | None]] = {
    "urgency": ("most urgent first", None),
    "client": ("client", lambda t: t["client"]),
    "name": ("name", lambda t: t["name"].str.casefold()),
    "step": ("step reached", lambda t: t["step"].map({s.key: i for i, s in enumerate(STEPS)})),
    "days_since_contact": ("days since contact", lambda t: -t["days_since_contact"]),
    "next_checkin": ("next check-in", lambda t: t["next_checkin"]),
    "overdue_actions": ("overdue actions", lambda t: -t["overdue_actions"]),
    "importance": ("importance", lambda t: t["importance"]),
    "confidence": ("confidence", lambda t: t["confidence"]),
    "flags": ("number of flags", lambda t: -t["flags"].map(len)),
}
PREPARE_AT_OPEN = 40  # clients whose missing notebooks opening the caseload writes
FLAG_STYLE = {  # background, text and border: dark text on a light ground, readable in print
    "buy-in-lost": ("#fde0dc", "#7f0000", "#b71c1c"),
    "checkin-overdue": ("#fde0dc", "#7f0000", "#b71c1c"),
    "confidence-falling": ("#ffe9cc", "#6d3600", "#c25e00"),
    "confidence-low": ("#ffe9cc", "#6d3600", "#c25e00"),
    "actions-overdue": ("#fff6bf", "#4d3d00", "#a08000"),
    "fidelity-failing": ("#ece3f7", "#3d1a6e", "#6a3fa0"),
}
GRID = ".wb-caseload table.wb-caseload-grid"
STYLE = (
    "<style>"
    # GRID's selectors outweigh JupyterLab's own for output tables (a fixed layout, which let
    # the flags spill out of their column, and every cell aligned right).
    f"{GRID}{{border-collapse:collapse;font-size:13px;width:100%;table-layout:auto;margin:0}}"
    f"{GRID} th,{GRID} td{{border-bottom:1px solid #ddd;padding:4px 8px;"
    "text-align:left;vertical-align:top;overflow-wrap:break-word}"
    f"{GRID} td:first-child{{overflow-wrap:anywhere}}"  # a name's long word breaks, not a heading
    f"{GRID} th{{background:#f2f2f2}}"
    f"{GRID} td.wb-num{{text-align:right}}"
    ".wb-caseload a{color:#0b57a4;text-decoration:underline}"
    ".wb-flag{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:8px;"
    "border:1px solid;font-size:12px;white-space:nowrap}"
    + "".join(
        f".wb-flag-{k}{{background:{bg};color:{fg};border-color:{edge}}}"
        for k, (bg, fg, edge) in FLAG_STYLE.items()
    )
    + "</style>"
)


class Caseload:
    """The caseload notebook's session: the practice's clients as of a day (default today)."""

    def __init__(
        self,
        practice: str | None = None,
        db_url: str | None = None,
        as_of: str | date | None = None,
        server: Server | None = None,
    ):
        self.practice = Practice.locate(practice or None, db_url or None)
        self.as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of or date.today()
        self.server = server
        with self.practice.open(create=False) as store:
            self.frame = cl.caseload(store, self.as_of)
        from ..notebooks import prepare_missing

        # Where the links lead: the most urgent clients' notebooks are written now if missing;
        # a large practice's others link to start-here, which writes them when chosen.
        prepare_missing(self.practice, list(self.frame["client"])[:PREPARE_AT_OPEN])
        self.sort = w.Dropdown(
            description="Sort by",
            options=[(label, key) for key, (label, _) in SORTS.items()],
            value="urgency",
        )
        self.sort.add_class("wb-caseload-sort")
        self.reverse = w.ToggleButton(description="Reverse the order", icon="sort")
        self.reverse.add_class("wb-caseload-reverse")
        self.out = w.Output()
        self.out.add_class("wb-caseload-table")
        for control in (self.sort, self.reverse):
            control.observe(lambda _: self.render(), names="value")
        self.render()

    # -- what the notebook displays -------------------------------------------------------------

    def header(self) -> w.HTML:
        where = html.escape(self.practice.path.resolve().name)  # not the server's full path
        line = html.escape(cl.summary_line(self.frame, self.as_of))
        box = w.HTML(f"{app_banner()}<p><b>Practice:</b> {where} · {line}</p>")
        box.add_class("wb-header")
        return box

    def table(self) -> w.VBox:
        return w.VBox([w.HBox([self.sort, self.reverse]), self.out])

    def chart(self):  # noqa: ANN201 - an IPython HTML display object
        """The check-in rhythm as a PNG with a text alternative and a caption in words."""
        from IPython.display import HTML

        from ..plots import rhythm_chart

        fig = rhythm_chart(self.frame)
        if fig is None:
            return HTML("<p>No client has a contact to count from yet.</p>")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        words = html.escape(rhythm_words(self.frame))
        return HTML(
            f'<figure class="wb-caseload-chart"><img alt="{words}" '
            f'src="data:image/png;base64,{png}"><figcaption>{words}</figcaption></figure>'
        )

    # -- the table ------------------------------------------------------------------------------

    def ordered(self) -> pd.DataFrame:
        key, descending = self.sort.value, self.reverse.value
        frame = self.frame
        if SORTS[key][1] is not None and not frame.empty:
            values = SORTS[key][1](frame)
            frame = frame.assign(_key=values.values).sort_values(
                ["_key", "client"], kind="stable", na_position="last"
            )
            frame = frame.drop(columns="_key")
        if descending:
            frame = frame.iloc[::-1]
        return frame.reset_index(drop=True)

    def render(self) -> None:
        self.out.outputs = html_output(self.html())

    @property
    def shown_html(self) -> str:
        return self.out.outputs[0]["data"]["text/html"] if self.out.outputs else ""

    def html(self) -> str:
        if self.frame.empty:
            return f"{STYLE}<p class='wb-caseload'>The practice has no clients yet.</p>"
        from ..notebooks import notebooks_dir

        here = notebooks_dir(self.practice)
        server = self.server or current_server()
        heads = [
            ("client", "Client"),
            ("step", "Step reached"),
            ("days_since_contact", "Last contact"),
            ("next_checkin", "Next check-in"),
            ("overdue_actions", "Overdue actions"),
            ("importance", "Importance"),
            ("confidence", "Confidence"),
            ("flags", "Flags"),
        ]
        order = "descending" if self.reverse.value else "ascending"
        sorted_by = f' aria-sort="{order}"'
        cells = "".join(
            f'<th scope="col"{sorted_by if k == self.sort.value else ""}>{label}</th>'
            for k, label in heads
        )
        rows = "".join(self._row(r, here, server) for r in self.ordered().itertuples(index=False))
        by = SORTS[self.sort.value][0] + (", reversed" if self.reverse.value else "")
        return (
            f'{STYLE}<div class="wb-caseload tex2jax_ignore mathjax_ignore">'
            '<table class="wb-caseload-grid">'
            f"<caption>The caseload as of {day(self.as_of)}, sorted by "
            f"{html.escape(by)}</caption><thead><tr>{cells}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    def _row(self, r, here, server: Server) -> str:  # noqa: ANN001
        folder = self.practice.notebooks(r.client)
        step = BY_KEY[r.step] if r.step else STEPS[0]
        if (folder / step.notebook).exists():
            to_step = link(folder / step.notebook, here, server, r.client)
            to_checkin = link(folder / BY_KEY["step4"].notebook, here, server, r.client)
            who = (
                f'<a class="wb-caseload-client" {to_step.attrs()}>{html.escape(r.name)}</a>'
                f" ({html.escape(r.client)})<br>"
                f'<a class="wb-caseload-checkin" {to_checkin.attrs()}>check-in notebook</a>'
            )
        else:  # not written yet: start-here writes them when the client is chosen there
            start = link(self.practice.notebooks() / START, here, server, None)
            who = (
                f"{html.escape(r.name)} ({html.escape(r.client)})<br>"
                f'<a class="wb-caseload-start" {start.attrs()}>choose them in start-here</a>'
            )
        flags = "".join(
            f'<span class="wb-flag wb-flag-{f}" title="{f}">{html.escape(cl.FLAGS[f])}</span>'
            for f in r.flags
        )
        values = [
            who,
            html.escape(r.step_title or "not started"),
            html.escape(cl.contact_words(r)),
            html.escape(cl.checkin_words(r)),
            str(int(r.overdue_actions)),
            html.escape(cl.ruler_words(r.importance, r.importance_change)),
            html.escape(cl.ruler_words(r.confidence, r.confidence_change)),
            flags or "none",
        ]
        numeric = {4, 5, 6}
        tds = "".join(
            f'<td class="wb-num">{v}</td>' if i in numeric else f"<td>{v}</td>"
            for i, v in enumerate(values)
        )
        return f'<tr class="wb-caseload-row" data-client="{html.escape(r.client)}">{tds}</tr>'


def rhythm_words(frame: pd.DataFrame) -> str:
    """The chart in words: who is past the weekly line."""
    overdue = frame[frame["checkin_due_in"].lt(0).fillna(False)]
    if overdue.empty:
        return "Days since each client's last contact: no check-in is overdue."
    names = ", ".join(f"{r.name} ({int(r.days_since_contact)} days)" for r in overdue.itertuples())
    return (
        f"Days since each client's last contact, against the weekly line at 7 days: "
        f"{len(overdue)} past it with a check-in due: {names}."
    )
