"""Live views under a step's forms: what the client's records add up to, redrawn on every save.

A step notebook ends with one view (``wb.view("skills")``); the session redraws it whenever a
form saves, edits or deletes, as it redraws the navigation bar. Each view is drawn from the same
pandas aggregations (:mod:`workbook.frames`) and figures (:mod:`workbook.plots`) as the
generated workbook, so the notebook and the workbook can never disagree. Every piece of client
text goes through :func:`workbook.wording.esc`; dates and statuses are worded by
:mod:`workbook.wording`, as in the forms and the workbook.

The surprising choice: this module brings pandas into the kernel (and matplotlib, for the two
views with a figure), which the forms themselves avoid (``tests/forms/test_kernel_imports.py``),
so the session imports it only when a notebook asks for a view. Drawing a figure is most of a
refresh's cost, so each figure is kept with a digest of the rows it was drawn from and redrawn
only when those rows change.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import ipywidgets as w
import pandas as pd

from .. import wording
from ..frames import (
    Frames,
    action_progress,
    case_frames,
    checkin_series,
    contact_rhythm,
    idea_list,
    ideas_weighed,
    life_roles,
    referral_chains,
    skills_ranked,
)
from ..wording import esc

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    from ..model import Case
    from .workbook import Workbook

DPI = 96  # a screen's, not print's: a quarter of the pixels of the workbook's 120 to draw
STYLE = """<style>
.wb-view{border-top:2px solid #c8c8c8;margin-top:.6em;padding-top:.3em;line-height:1.45}
.wb-view table{border-collapse:collapse;margin:.3em 0 .8em}
.wb-view th,.wb-view td{border-bottom:1px solid #ddd;padding:2px 6px;text-align:left;
  vertical-align:top}
.wb-view td.wb-n,.wb-view th.wb-n{text-align:center}
.wb-view img{max-width:100%;height:auto}
.wb-view h5{font-size:1em;margin:.8em 0 .2em}
.wb-view .wb-muted{color:#595959}
.wb-view .wb-unrated,.wb-view .wb-overdue{color:#b71c1c;font-weight:bold}
.wb-view .wb-tested{color:#1b5e20}
</style>"""
TITLES = {
    "skills": "What the stories add up to",
    "ideas": "The ideas so far",
    "weighed": "The ideas weighed",
    "progress": "How the plan is going",
}
LIFE_ROLE = {
    "worker": "work",
    "student": "study",
    "parent": "parenting",
    "volunteer": "volunteering",
    "community": "the community",
    "other": "other parts of life",
}
SCORE = {
    -2: "much less than expected",
    -1: "less than expected",
    0: "as expected",
    1: "more than expected",
    2: "much more than expected",
}


def _empty(text: str) -> str:
    return f'<p class="wb-muted wb-view-empty">{html.escape(text)}</p>'


def _table(head: list[tuple[str, str]], rows: list[list[str]]) -> str:
    """Rows of cells already made HTML (client text escaped by the caller); ``head`` holds
    (label, class) pairs."""
    th = "".join(f'<th class="{c}">{html.escape(label)}</th>' for label, c in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{c}">{cell}</td>' for (_, c), cell in zip(head, r, strict=True))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _n(value: object) -> str:
    return wording.MISSING if value is None or pd.isna(value) else str(int(value))


def _titles(titles: list[str]) -> str:
    return "; ".join(esc(t) for t in titles)


def frame_key(fig: Figure) -> str:
    """A digest of what constrained layout lays a figure out by: its size, each axes' place in
    its grid, titles, axis labels, limits and tick labels, and the legends' texts.

    The plotted data is not in it: every plotted artist is clipped to its axes (matplotlib
    leaves such artists out of the layout), so two figures with the same key are laid out alike.
    """
    parts: list[object] = [fig.get_size_inches().round(4).tolist()]
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        grid = spec.get_gridspec() if spec else None
        parts += [
            spec.get_geometry() if spec else None,
            grid.get_height_ratios() if grid else None,
            ax.get_title(),
            ax.get_xlabel(),
            ax.get_ylabel(),
            [round(v, 6) for v in (*ax.get_xlim(), *ax.get_ylim())],
            [t.get_text() for t in ax.get_xticklabels()],
            [t.get_text() for t in ax.get_yticklabels()],
        ]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    for legend in legends:
        if legend is not None:
            title = legend.get_title().get_text()
            parts.append([title, *(t.get_text() for t in legend.get_texts())])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class Figures:
    """Figures as inline PNG images, each redrawn only when the rows it is drawn from change.

    A redraw costs matplotlib's constrained layout (measuring every label, most of a draw)
    only when the figure's frame changed: the axes' places from the last layout of the same
    figure are kept with its :func:`frame_key` and set again when the key is the same, which
    gives the same picture as laying it out afresh. Each figure keeps one canvas, so the text
    measured for one draw is not measured again for the next.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, str]] = {}  # name -> (digest of the rows, <img>)
        self._layouts: dict[str, tuple[str, list[Bbox]]] = {}  # name -> (frame key, places)
        self._canvases: dict[str, FigureCanvasAgg] = {}
        self.drawn = 0  # how many figures were actually drawn (for tests and the bench)
        self.laid_out = 0  # how many of them needed constrained layout

    def image(self, name: str, rows: pd.DataFrame, draw: Callable[[], object], alt: str) -> str:
        digest = hashlib.sha256(rows.to_json(date_format="iso").encode()).hexdigest()
        kept = self._kept.get(name)
        if kept and kept[0] == digest:
            return kept[1]
        fig = draw()
        if fig is None:
            img = ""
        else:
            data = base64.b64encode(self.png(name, fig)).decode("ascii")
            src = f"data:image/png;base64,{data}"
            img = f'<img class="wb-view-figure" alt="{html.escape(alt)}" src="{src}">'
            self.drawn += 1
        self._kept[name] = (digest, img)
        return img

    def png(self, name: str, fig: Figure) -> bytes:
        """The figure as PNG, laid out as it was last time when its frame is the same."""
        key = frame_key(fig)
        layout = self._layouts.get(name)
        if layout and layout[0] == key:
            fig.set_layout_engine("none")
            for ax, place in zip(fig.axes, layout[1], strict=True):
                ax.set_position(place)
        else:
            self.laid_out += 1
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # only views with a figure

        canvas = self._canvases.get(name)
        if canvas is None:
            canvas = self._canvases[name] = FigureCanvasAgg(fig)
        else:
            canvas.figure = fig
            fig.set_canvas(canvas)
        # The canvas's own print_png draws once; savefig would first draw the whole figure
        # without rendering whenever a layout engine is set (even the one "none" leaves).
        fig.set_dpi(DPI)
        buffer = io.BytesIO()
        canvas.print_png(
            buffer,
            metadata={"Software": None},
            pil_kwargs={"compress_level": 1},  # a screen's image, made once: speed over bytes
        )
        self._layouts[name] = (key, [ax.get_position(original=True).frozen() for ax in fig.axes])
        return buffer.getvalue()


# ------------------------------------------------------------------------------ the four views


def skills(frames: Frames, figures: Figures, today: date) -> str:
    """Step 1: the skills the stories show, ranked, with the stories behind each; the parts of
    life the stories come from."""
    ranked = skills_ranked(frames)
    if frames.stories.empty:
        return _empty("No stories yet. Save a story above and the skills it shows are ranked here.")
    parts = ["<h5>Skills the stories show, most often first</h5>"]
    if ranked.empty:
        parts.append(_empty("No skills named yet: tick the skills each story shows."))
    else:
        rows = [
            [
                str(i),
                esc(r.skill)
                + ("" if r.skills_for_success else ' <span class="wb-muted">(own words)</span>'),
                str(int(r.stories)),
                _titles(r.story_titles),
            ]
            for i, r in enumerate(ranked.itertuples(), start=1)
        ]
        parts.append(
            _table(
                [
                    ("Rank", "wb-n"),
                    ("Skill", ""),
                    ("Stories", "wb-n"),
                    ("The stories behind it", ""),
                ],
                rows,
            )
        )
    roles = life_roles(frames)
    parts.append("<h5>The parts of life the stories come from</h5>")
    if roles.empty:
        parts.append(_empty("No life roles given yet: say where each story happened."))
    else:
        items = "".join(
            f"<li><b>{html.escape(LIFE_ROLE.get(r.life_role, r.life_role))}</b>: "
            f"{r.stories} {'story' if r.stories == 1 else 'stories'}"
            f" ({r.felt_good} felt good) — {_titles(r.story_titles)}</li>"
            for r in roles.itertuples()
        )
        parts.append(f'<ul class="wb-view-roles">{items}</ul>')
        beyond = [LIFE_ROLE.get(r, r) for r in roles["life_role"] if r != "worker"]
        if beyond:
            parts.append(
                "<p>Evidence from beyond work ("
                + html.escape(", ".join(beyond))
                + "): the client has carried changes through elsewhere.</p>"
            )
    return "".join(parts)


def ideas(frames: Frames, figures: Figures, today: date) -> str:
    """Step 2: the combined list with each idea's source, the idea map, and the referral chain
    of the interviews with what each taught."""
    from .. import plots  # matplotlib: only in the notebooks whose view has a figure

    table = idea_list(frames)
    parts = ["<h5>The combined list</h5>"]
    if table.empty:
        parts.append(_empty("No ideas yet. Save an idea above and the combined list starts here."))
    else:
        counts = table["source"].value_counts()
        parts.append(
            f"<p>{len(table)} ideas: {int(counts.get('client', 0))} the client's, "
            f"{int(counts.get('practitioner', 0))} the practitioner's.</p>"
        )
        rows = [
            [
                esc(r.id),
                esc(r.text),
                html.escape(f"{r.source}'s"),
                html.escape(wording.idea_status(r.status)),
                html.escape(wording.day(r.added)),
            ]
            for r in table.itertuples()
        ]
        parts.append(
            _table([("Id", ""), ("Idea", ""), ("Whose", ""), ("Status", ""), ("Added", "")], rows)
        )
        rated = table.dropna(subset=["fit", "interest"])
        img = figures.image(
            "idea_map",
            rated[["id", "source", "fit", "interest", "feasibility", "status"]],
            lambda: plots.idea_map(frames),
            "The idea map: each rated idea by fit and interest, sized by feasibility.",
        )
        parts.append(
            img or _empty("The idea map appears once ideas are rated for fit and interest.")
        )
    parts.append("<h5>Informational interviews: who led to whom</h5>")
    interviews = frames.interviews.set_index("id")
    if interviews.empty:
        parts.append(
            _empty("No interviews yet. Each one saved above joins its referral chain here.")
        )
        return "".join(parts)
    for chain in referral_chains(frames):
        items = []
        for step, vid in enumerate(chain):
            v = interviews.loc[vid]
            who = ", ".join(esc(x) for x in (v.role, v.organisation) if isinstance(x, str) and x)
            how = (
                "first contact"
                if step == 0
                else f"referred by {esc(interviews.loc[chain[step - 1]].person)}"
            )
            taught = (
                esc(v.insights) if isinstance(v.insights, str) and v.insights else _empty_inline()
            )
            items.append(
                f"<li><b>{esc(v.person)}</b>{f' ({who})' if who else ''}, "
                f"{html.escape(wording.day(v.date))}, {how}. Taught: {taught}</li>"
            )
        parts.append(f'<ol class="wb-view-chain">{"".join(items)}</ol>')
    return "".join(parts)


def _empty_inline() -> str:
    return '<span class="wb-muted">nothing noted yet</span>'


def weighed(frames: Frames, figures: Figures, today: date) -> str:
    """Step 3: the ideas ranked by fit, interest and feasibility, with their source; the ones
    not yet rated and the ones an interview tested marked."""
    ranked = ideas_weighed(frames)
    if ranked.empty:
        return _empty("No ideas yet: add them in step 2, then rate them here.")
    people = dict(zip(frames.interviews["id"], frames.interviews["person"], strict=True))
    rows = []
    for r in ranked.itertuples():
        rank = str(int(r.rank)) if r.rated else '<span class="wb-unrated">not rated yet</span>'
        tested = (
            '<span class="wb-tested">&#10003; tested by '
            + ", ".join(esc(people.get(v, v)) for v in r.tested_by)
            + "</span>"
            if r.tested_by
            else '<span class="wb-muted">not tested yet</span>'
        )
        rows.append(
            [
                rank,
                f"{esc(r.id)} {esc(r.text)}",
                html.escape(f"{r.source}'s"),
                _n(r.fit),
                _n(r.interest),
                _n(r.feasibility),
                _n(r.score),
                html.escape(wording.idea_status(r.status)),
                tested,
            ]
        )
    unrated = ranked.loc[~ranked["rated"], "id"].tolist()
    tested_n = int(ranked["tested_by"].map(bool).sum())
    summary = (
        f"<p>{len(ranked) - len(unrated)} of {len(ranked)} ideas rated"
        + (f"; not rated yet: {', '.join(esc(i) for i in unrated)}" if unrated else "")
        + f". {tested_n} tested by an interview.</p>"
    )
    return summary + _table(
        [
            ("Rank", "wb-n"),
            ("Idea", ""),
            ("Whose", ""),
            ("Fit", "wb-n"),
            ("Interest", "wb-n"),
            ("Feasibility", "wb-n"),
            ("Score (of 15)", "wb-n"),
            ("Status", ""),
            ("Tested", ""),
        ],
        rows,
    )


def _days(n: int) -> str:
    return "today" if n == 0 else f"{n} day{'s' if n != 1 else ''} ago"


def progress(frames: Frames, figures: Figures, today: date, case: Case | None = None) -> str:
    """Step 4: the importance and confidence trend, the days since the last contact against
    the weekly rhythm (when the next check-in is due, by the same rule as the fidelity check
    and the caseload), and progress per action."""
    from .. import (
        fidelity,
        plots,  # matplotlib: only in the notebooks whose view has a figure
    )

    rhythm = contact_rhythm(frames, today)
    due = fidelity.next_checkin(case, today) if case is not None else rhythm["next_due"]
    parts = ["<h5>Contact</h5>"]
    if rhythm["last"] is None:
        first = f" The first is due by {wording.day(due)}." if due else ""
        parts.append(_empty(f"No check-ins yet.{first}"))
    else:
        line = f"Last check-in {wording.day(rhythm['last'])}, {_days(rhythm['days_since'])}. "
        late = (today - due).days if due is not None and today > due else 0
        if due is None:
            parts.append(
                f"<p>{html.escape(line)}No further check-in is due: no action is planned, or "
                "the plan's target date comes within a week of the last one.</p>"
            )
        elif late:
            parts.append(
                f'<p>{html.escape(line)}<span class="wb-overdue">{late} day'
                f"{'s' if late != 1 else ''} past the weekly rhythm</span>: the next was due by "
                f"{html.escape(wording.day(due))}.</p>"
            )
        else:
            parts.append(
                f"<p>{html.escape(line)}Within the weekly rhythm: the next is due by "
                f"{html.escape(wording.day(due))}.</p>"
            )
        if rhythm["longest_gap"] is not None:
            over = [g for g in rhythm["gaps"] if g > rhythm["week"]]
            parts.append(
                "<p>"
                + (
                    f"{len(over)} of {len(rhythm['gaps'])} gaps between check-ins were longer "
                    f"than a week (the longest {rhythm['longest_gap']} days)."
                    if over
                    else "Every gap between check-ins was a week or less "
                    f"({len(rhythm['gaps'])} gaps)."
                )
                + "</p>"
            )
    series = checkin_series(frames)
    if not series.empty:
        parts.append("<h5>Importance and confidence</h5>")
        rulers = series.dropna(subset=["importance", "confidence"], how="all")
        latest = rulers.iloc[-1] if len(rulers) else None
        if latest is not None:
            text = (
                f"Latest ({wording.day(rulers.index[-1])}): importance "
                f"{_n(latest.importance)}/10, confidence {_n(latest.confidence)}/10"
            )
            if len(rulers) > 1:
                before = rulers.iloc[-2]
                change = [
                    f"{name} {_change(latest[name], before[name])}"
                    for name in ("importance", "confidence")
                ]
                text += f" ({', '.join(change)} since the check-in before)"
            parts.append(f"<p>{html.escape(text)}.</p>")
        parts.append(
            figures.image(
                "trend",
                series[["importance", "confidence"]],
                lambda: plots.checkin_trend(frames),
                "Importance and confidence at each check-in, 0 to 10.",
            )
        )
    parts.append("<h5>Progress on each action</h5>")
    plan = action_progress(frames, today)
    if plan.empty:
        parts.append(_empty("No actions yet: they are written in step 3."))
        return "".join(parts)
    done = int((plan["status"] == "done").sum())
    parts.append(f"<p>{done} of {len(plan)} actions done.</p>")
    rows = []
    for r in plan.itertuples():
        due = html.escape(wording.day(r.due))
        if r.overdue:
            late = int(r.days_overdue)
            due += f' <span class="wb-overdue">overdue by {late} day{"s" * (late != 1)}</span>'
        score = (
            '<span class="wb-muted">not scored yet</span>'
            if pd.isna(r.score)
            else html.escape(
                f"{_signed(int(r.score))} ({SCORE[int(r.score)]}), {wording.day(r.scored_on)}"
            )
        )
        rows.append(
            [
                f"{esc(r.id)} {esc(r.text)}",
                html.escape(wording.owner(r.owner)),
                due,
                html.escape(wording.action_status(r.status)),
                score,
            ]
        )
    parts.append(
        _table(
            [("Action", ""), ("Who", ""), ("Due", ""), ("Status", ""), ("Latest score", "")],
            rows,
        )
    )
    return "".join(parts)


def _signed(score: int) -> str:
    return f"{score:+d}" if score else "0"


def _change(now: object, before: object) -> str:
    if pd.isna(now) or pd.isna(before):
        return "not comparable"
    d = int(now) - int(before)
    return "unchanged" if d == 0 else f"{'up' if d > 0 else 'down'} {abs(d)}"


VIEWS: dict[str, Callable[..., str]] = {
    "skills": skills,
    "ideas": ideas,
    "weighed": weighed,
    "progress": progress,
}


class LiveView:
    """One view under a step's forms; ``refresh`` redraws it (the session calls it on save)."""

    def __init__(self, wb: Workbook, name: str):
        if name not in VIEWS:
            raise ValueError(f"no view {name!r}; the views are {', '.join(VIEWS)}")
        self.wb, self.name = wb, name
        self.figures = Figures()
        self.widget = w.HTML()
        self.widget.add_class("wb-live-view")
        self.widget.add_class(f"wb-view-{name}")
        self.refresh()

    @property
    def html(self) -> str:
        return self.widget.value

    def refresh(self) -> None:
        case = self.wb.case
        if case is None:
            body = _empty("Choose a client first, in the start-here notebook.")
        else:
            try:
                view, today = VIEWS[self.name], self.wb.today()
                extra = {"case": case} if view is progress else {}
                body = view(case_frames(case), self.figures, today, **extra)
            except Exception as exc:  # a bug: said in the view, never hidden or blocking a save
                body = (
                    '<p role="alert">This view could not be drawn '
                    f"({html.escape(type(exc).__name__)}: {html.escape(str(exc))}); "
                    "the records themselves are saved.</p>"
                )
        title = html.escape(TITLES[self.name])
        self.widget.value = (
            f'{STYLE}<section class="wb-view tex2jax_ignore mathjax_ignore" aria-label="{title}">'
            f"<h4>{title}</h4>{body}</section>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
