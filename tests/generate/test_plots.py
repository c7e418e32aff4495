"""Figures: deterministic, and readable with many actions and long names."""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, timedelta
from itertools import combinations

import pytest

from tests.conftest import minimal_case
from workbook import plots
from workbook.frames import case_frames
from workbook.model import validate_case
from workbook.sample import sample_case

AS_OF = date(2026, 11, 20)
FIGURES = {
    "skills": plots.skills_chart,
    "ideas": plots.idea_map,
    "plan": lambda f: plots.plan_timeline(f, AS_OF),
    "trend": plots.checkin_trend,
    "progress": plots.progress_chart,
}


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    return buffer.getvalue()


@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_deterministic_and_titled(name):
    first = FIGURES[name](case_frames(sample_case()))
    second = FIGURES[name](case_frames(sample_case()))
    assert _png(first) == _png(second)
    assert first.axes[-1].get_xlabel()  # a labelled axis
    assert any(ax.get_title() for ax in first.axes)


@pytest.fixture
def big_case():
    """Thirty actions with long names, many skills, and weekly check-ins with a gap."""
    data = sample_case().model_dump(mode="json")
    start = date(2026, 10, 1)
    data["plan"]["actions"] = [
        {
            "id": f"a{n}",
            "owner": ["client", "practitioner", "shared"][n % 3],
            "status": ["todo", "doing", "done", "dropped"][n % 4],
            "due": (start + timedelta(days=3 * n)).isoformat(),
            "ideas": ["i1"],
            "text": f"Action number {n} with a very long name that keeps going and going "
            "Pneumonoultramicroscopicsilicovolcanoconiosis and then some more words",
        }
        for n in range(1, 31)
    ]
    data["checkins"] = [
        {"date": d, "importance": 7, "confidence": 5, "progress": {"a1": 1}}
        for d in ("2026-10-01", "2026-10-08", "2026-10-29", "2026-11-05")
    ]
    data["stories"][0]["skills"] = [
        f"a skill described at great length number {n}" for n in range(20)
    ]
    return validate_case(data)


def _tick_boxes(fig, ax):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]


@pytest.mark.parametrize("name", ["plan", "progress", "skills"])
def test_thirty_rows_of_long_names_do_not_overlap(big_case, name):
    fig = FIGURES[name](case_frames(big_case))
    ax = fig.axes[-1]
    boxes = _tick_boxes(fig, ax)
    assert len(boxes) >= 20
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (name, a, b)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert max(len(t) for t in labels) <= 45
    assert fig.get_figheight() > 8  # the figure grew with its rows


def test_plan_marks_overdue_and_trend_shades_gaps(big_case):
    frames = case_frames(big_case)
    plan = plots.plan_timeline(frames, AS_OF)
    texts = [t.get_text() for t in plan.axes[0].texts]
    assert "overdue" in texts and "as of 20 November 2026" in texts
    trend = plots.checkin_trend(frames)
    shaded = [p for p in trend.axes[0].patches if p.get_facecolor()[:3] != (1, 1, 1)]
    assert len(shaded) == 1  # the three weeks between 8 and 29 October
    assert "more than 7 days apart" in [t.get_text() for t in trend.legends[0].get_texts()]


def test_empty_case_draws_nothing():
    frames = case_frames(minimal_case("e", "E"))
    assert all(draw(frames) is None for draw in FIGURES.values())


def _drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _with_checkins(n: int):
    data = sample_case().model_dump(mode="json")
    data["checkins"] = data["checkins"][:n]
    return case_frames(validate_case(data))


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("case", ["sample", "big", "one check-in"])
def test_legends_never_cover_the_axes(big_case, name, case):
    frames = {
        "sample": lambda: case_frames(sample_case()),
        "big": lambda: case_frames(big_case),
        "one check-in": lambda: _with_checkins(1),
    }[case]()
    fig = FIGURES[name](frames)
    renderer = _drawn(fig)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert legends, name
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), (name, case)


@pytest.mark.parametrize("checkins", [1, 2, 8])
def test_checkin_dates_carry_their_year_and_never_collide(checkins):
    frames = _with_checkins(checkins)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one check-in once made matplotlib guess, and warn
        fig = plots.checkin_trend(frames)
        renderer = _drawn(fig)
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert right - left >= 14  # days: a fortnight at least around a single check-in
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) >= 2
    for label in labels:
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+\n20\d\d", label.get_text()), label
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))
    names = [t.get_text() for t in (fig.legends or [ax.get_legend()])[0].get_texts()]
    assert "more than 7 days apart" not in names  # Lana's check-ins are weekly: no gap


@pytest.mark.parametrize("case", ["sample", "big"])
def test_plan_dates_carry_their_year_and_never_collide(big_case, case):
    frames = case_frames(sample_case() if case == "sample" else big_case)
    fig = plots.plan_timeline(frames, AS_OF)
    renderer = _drawn(fig)
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(
        re.fullmatch(r"\d{1,2} [A-Z][a-z]+\n20\d\d", t.get_text()) for t in labels
    )
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "to do" in legend and "todo" not in legend


def test_no_checkins_draws_no_trend_and_progress_without_scores():
    frames = _with_checkins(0)
    assert plots.checkin_trend(frames) is None
    fig = plots.progress_chart(frames)
    assert len(fig.axes) == 1  # no axis of unscored rows
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("to do (") for t in labels)
