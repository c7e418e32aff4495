"""Figures for the workbook, readable in print and the same every time they are drawn.

Each function takes the pandas views of :mod:`workbook.frames` and returns a matplotlib Figure
(or None when there is nothing to draw). Long labels are shortened, figure heights grow with
the number of rows, and nothing random is used, so a figure drawn twice is identical. Legends
sit outside the axes, so they never hide a point; date axes always span at least a fortnight
and every tick carries its year (one check-in alone would otherwise leave matplotlib to guess
a range of years, with a warning), in the workbook's one date style (:mod:`workbook.wording`).
"""

from __future__ import annotations

import textwrap
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import wording  # noqa: E402
from .frames import (  # noqa: E402
    Frames,
    checkin_series,
    idea_list,
    latest_scores,
    plan_table,
    skills_ranked,
)

WIDTH = 7.5  # inches: fits an A4 page with margins
STATUS_COLOURS = {"todo": "#9e9e9e", "doing": "#1f77b4", "done": "#2e7d32", "dropped": "#c8c8c8"}
SOURCE_COLOURS = {"client": "#1f77b4", "practitioner": "#e07b00"}
OWNER_MARKERS = {"client": "o", "practitioner": "s", "shared": "D"}
IDEA_STATUS_EDGE = {
    "open": "none",
    "shortlisted": "#555555",
    "chosen": "#000000",
    "dropped": "#bbbbbb",
}

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "workbook",
        "path.simplify": False,
        "text.parse_math": False,  # client text with dollar signs is text, not mathematics
    }
)


def short(text: str, width: int = 42) -> str:
    """One line of at most ``width`` characters, cut at a word where possible."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    cut = textwrap.shorten(flat, width=width, placeholder="…")
    return cut if cut != "…" else flat[: width - 1] + "…"


def _date_axis(ax: plt.Axes, dates: list[pd.Timestamp], ticks: int) -> None:
    """An x axis over ``dates`` with some room either side (a fortnight at least), at most
    ``ticks`` ticks (about one per inch of axis), each labelled with day, month and year."""
    first, last = min(dates), max(dates)
    room = max(pd.Timedelta(days=7), (last - first) * 0.05)
    ax.set_xlim(first - room, last + room)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=ticks))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: wording.day(mdates.num2date(x), sep="\n"))
    )


def _legend_below(fig: Figure, handles: list, ncol: int = 4, **kw) -> None:  # noqa: ANN003
    """The legend under the axes, outside them: it never covers what is drawn."""
    fig.legend(
        handles=handles, loc="outside lower center", ncol=ncol, frameon=False, fontsize=8, **kw
    )


def _figure(rows: int, per_row: float = 0.32, minimum: float = 2.2) -> tuple[Figure, plt.Axes]:
    fig = Figure(figsize=(WIDTH, max(minimum, 1.1 + per_row * rows)), layout="constrained")
    return fig, fig.subplots()


def skills_chart(frames: Frames) -> Figure | None:
    """Each skill, by the number of stories that show it."""
    ranked = skills_ranked(frames)
    if ranked.empty:
        return None
    ranked = ranked.iloc[::-1]
    fig, ax = _figure(len(ranked))
    colours = ["#1f77b4" if sfs else "#7f7f7f" for sfs in ranked["skills_for_success"]]
    rows = range(len(ranked))  # by position: two long names that shorten alike stay apart
    ax.barh(list(rows), ranked["stories"].astype(int), color=colours)
    ax.set_yticks(list(rows), [short(s, 40) for s in ranked["skill"]])
    ax.set_title("Skills shown in the client's stories")
    ax.set_xlabel("number of stories")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _legend_below(
        fig,
        [
            Line2D([], [], color="#1f77b4", lw=6, label="Skills for Success"),
            Line2D([], [], color="#7f7f7f", lw=6, label="the client's own words"),
        ],
    )
    return fig


def idea_map(frames: Frames) -> Figure | None:
    """Fit against interest; bubble size is feasibility, colour the source, edge the status."""
    ideas = idea_list(frames).dropna(subset=["fit", "interest"])
    if ideas.empty:
        return None
    fig, ax = _figure(0, minimum=4.6)
    seen: dict[tuple[int, int], int] = {}
    for row in ideas.itertuples():
        spot = (int(row.fit), int(row.interest))
        nth = seen.get(spot, 0)
        seen[spot] = nth + 1
        x, y = spot[0] + 0.3 * nth, spot[1] - 0.3 * nth  # same spot: step aside, in order
        size = 120 + 90 * (int(row.feasibility) if pd.notna(row.feasibility) else 1)
        ax.scatter(
            x,
            y,
            s=size,
            color=SOURCE_COLOURS[row.source],
            alpha=0.75,
            edgecolors=IDEA_STATUS_EDGE[row.status],
            linewidths=2.2,
            marker="X" if row.status == "dropped" else "o",
        )
        ax.annotate(
            row.id, (x, y), ha="center", va="center", fontsize=7, color="white", fontweight="bold"
        )
    ax.set(
        xlim=(0.4, 5.8),
        ylim=(0.4, 5.6),
        xticks=range(1, 6),
        yticks=range(1, 6),
        xlabel="fit with the client's strengths (1-5)",
        ylabel="the client's interest (1-5)",
        title="Ideas: fit, interest and feasibility",
    )
    ax.grid(alpha=0.3)
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=f"{s}'s idea", markersize=9)
        for s, c in SOURCE_COLOURS.items()
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="white",
            markeredgewidth=2.2,
            markeredgecolor=IDEA_STATUS_EDGE["chosen"],
            label=wording.idea_status("chosen"),
        ),
        Line2D([], [], marker="X", ls="", color="#999999", label=wording.idea_status("dropped")),
    ]
    _legend_below(fig, handles, title="bubble size: feasibility", title_fontsize=8)
    return fig


def plan_timeline(frames: Frames, as_of: date) -> Figure | None:
    """Actions on a date axis, by status and owner; overdue ones marked in red."""
    plan = plan_table(frames, as_of)
    dated = plan.dropna(subset=["due"]).sort_values(["due", "id"], kind="stable")
    if dated.empty:
        return None
    fig, ax = _figure(len(dated))
    rows = range(len(dated))[::-1]
    for y, row in zip(rows, dated.itertuples(), strict=True):
        ax.scatter(
            row.due,
            y,
            s=70,
            marker=OWNER_MARKERS[row.owner],
            color=STATUS_COLOURS[row.status],
            zorder=3,
            edgecolors="#d32f2f" if row.overdue else "none",
            linewidths=2,
        )
        if row.overdue:
            ax.annotate(
                "overdue",
                (row.due, y),
                xytext=(7, -3),
                textcoords="offset points",
                color="#d32f2f",
                fontsize=7,
            )
    ax.set_yticks(list(rows), [f"{r.id} {short(r.text, 40)}" for r in dated.itertuples()])
    ax.axvline(pd.Timestamp(as_of), color="#d32f2f", ls="--", lw=1)
    ax.annotate(
        f"as of {wording.day(as_of)}",
        (pd.Timestamp(as_of), len(dated) - 0.5),
        color="#d32f2f",
        fontsize=7,
        ha="right",
        xytext=(-3, 0),
        textcoords="offset points",
    )
    _date_axis(ax, [*dated["due"], pd.Timestamp(as_of)], ticks=4)  # beside long labels
    ax.set_ylim(-0.7, len(dated) - 0.3)
    ax.set_title("The plan: actions by due date")
    ax.set_xlabel("due date")
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=wording.action_status(s))
        for s, c in STATUS_COLOURS.items()
    ]
    handles += [
        Line2D([], [], marker=m, ls="", color="#555555", label=f"owner: {wording.owner(o)}")
        for o, m in OWNER_MARKERS.items()
    ]
    _legend_below(fig, handles)
    return fig


def checkin_trend(frames: Frames) -> Figure | None:
    """Importance and confidence over time; gaps of more than a week between check-ins shaded."""
    series = checkin_series(frames).dropna(subset=["importance", "confidence"], how="all")
    if series.empty:
        return None
    fig, ax = _figure(0, minimum=3.0)
    dates = series.index
    gaps = [(a, b) for a, b in zip(dates[:-1], dates[1:], strict=True) if (b - a).days > 7]
    for earlier, later in gaps:
        ax.axvspan(earlier, later, color="#ffcdd2", alpha=0.6, lw=0)
    ax.plot(dates, series["importance"].astype(float), marker="o", label="importance")
    ax.plot(dates, series["confidence"].astype(float), marker="s", label="confidence")
    ax.set(
        ylim=(-0.5, 10.5),
        yticks=range(0, 11, 2),
        ylabel="ruler (0-10)",
        xlabel="check-in date",
        title="Check-ins: importance and confidence",
    )
    _date_axis(ax, list(dates), ticks=6)
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    if gaps:
        handles.append(Line2D([], [], color="#ffcdd2", lw=8, label="more than 7 days apart"))
    _legend_below(fig, handles)
    return fig


def progress_chart(frames: Frames) -> Figure | None:
    """Actions done of all, and each action's latest goal-attainment score (-2..+2).

    Before any action is scored, only the first part is drawn: an axis of empty rows tells
    the client nothing."""
    actions = frames.actions
    if actions.empty:
        return None
    latest = latest_scores(frames)
    if latest.isna().all():
        fig = Figure(figsize=(WIDTH, 1.5), layout="constrained")
        top, bottom = fig.subplots(), None
    else:
        fig = Figure(figsize=(WIDTH, max(2.6, 1.4 + 0.3 * len(actions))), layout="constrained")
        top, bottom = fig.subplots(2, 1, height_ratios=[1, max(2, len(actions))])
    counts = actions["status"].value_counts().reindex(list(STATUS_COLOURS), fill_value=0)
    left = 0
    for status, n in counts.items():
        if n:
            label = f"{wording.action_status(status)} ({n})"
            top.barh(0, n, left=left, color=STATUS_COLOURS[status], label=label)
            left += n
    done = int(counts["done"])
    top.set(
        yticks=[],
        xticks=[],
        xlim=(0, max(1, len(actions))),
        title=f"Progress: {done} of {len(actions)} actions done",
    )
    top.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=4, frameon=False, fontsize=8)
    if bottom is not None:
        _scores(bottom, actions, latest)
    return fig


def _scores(ax: plt.Axes, actions: pd.DataFrame, latest: pd.Series) -> None:
    rows = range(len(actions))[::-1]
    scores = latest.astype(float).fillna(0).tolist()
    colours = ["#2e7d32" if v > 0 else "#d32f2f" if v < 0 else "#1f77b4" for v in scores]
    ax.barh(list(rows), scores, color=colours, height=0.6)
    for y, v in zip(rows, latest.tolist(), strict=True):
        if pd.isna(v):
            ax.annotate(
                "not scored yet",
                (0, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="#757575",
            )
        else:
            ax.scatter(v, y, color="#333333", s=14, zorder=3)
    ax.set_yticks(
        list(rows),
        [f"{a} {short(t, 40)}" for a, t in zip(actions["id"], actions["text"], strict=True)],
    )
    ax.set(
        xlim=(-2.5, 2.5),
        xticks=range(-2, 3),
        xlabel="latest goal-attainment score (-2 to +2; 0 = as expected)",
    )
    ax.axvline(0, color="#555555", lw=0.8)


RHYTHM_BARS = 40  # clients drawn at most, the longest without contact first
RHYTHM_COLOURS = {"overdue": "#d32f2f", "due": "#1f77b4", "none": "#9e9e9e"}


def rhythm_chart(caseload: pd.DataFrame) -> Figure | None:
    """Days since each client's last contact against the weekly line (a caseload from
    :func:`workbook.caseload.caseload`); overdue check-ins red and labelled, clients with no
    check-in due grey. The longest without contact are drawn, up to :data:`RHYTHM_BARS`."""
    known = caseload.dropna(subset=["days_since_contact"])
    if known.empty:
        return None
    shown = known.sort_values(["days_since_contact", "client"], ascending=[False, True])
    shown = shown.head(RHYTHM_BARS).iloc[::-1]
    fig, ax = _figure(len(shown), per_row=0.26)
    rows = list(range(len(shown)))
    kinds = [
        "none" if pd.isna(due) else "overdue" if due < 0 else "due"
        for due in shown["checkin_due_in"]
    ]
    days = shown["days_since_contact"].astype(int).tolist()
    ax.barh(rows, days, color=[RHYTHM_COLOURS[k] for k in kinds], height=0.7)
    for y, n, kind in zip(rows, days, kinds, strict=True):
        label = f"{n}" + (" overdue" if kind == "overdue" else "")
        ax.annotate(
            label,
            (n, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="#d32f2f" if kind == "overdue" else "#333333",
        )
    ax.set_yticks(
        rows, [short(f"{c} · {n}", 32) for c, n in zip(shown["client"], shown["name"], strict=True)]
    )
    ax.axvline(7, color="#333333", ls="--", lw=1)
    ax.annotate(
        "weekly rhythm: 7 days",
        (7, len(shown) - 0.5),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=7,
        color="#333333",
    )
    ax.set_xlim(0, max(14, max(days) * 1.15 + 1))
    ax.set_ylim(-0.7, len(shown) - 0.3)
    whom = (
        f"the {len(shown)} longest of {len(known)} clients"
        if len(known) > len(shown)
        else "each client"
    )
    ax.set_title(f"Check-in rhythm: days since the last contact, {whom}")
    ax.set_xlabel("days since the last contact")
    ax.grid(axis="x", alpha=0.3)
    words = {
        "overdue": "check-in overdue",
        "due": "check-in due within the week",
        "none": "no check-in due (no actions, or the plan has ended)",
    }
    _legend_below(
        fig,
        [Line2D([], [], color=RHYTHM_COLOURS[k], lw=6, label=w) for k, w in words.items()],
        ncol=3,
    )
    return fig
