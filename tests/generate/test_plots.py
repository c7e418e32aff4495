"""Figures: deterministic, and readable with many actions and long names."""

from __future__ import annotations

import io
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
    assert "overdue" in texts and f"as of {AS_OF.isoformat()}" in texts
    trend = plots.checkin_trend(frames)
    shaded = [p for p in trend.axes[0].patches if p.get_facecolor()[:3] != (1, 1, 1)]
    assert len(shaded) == 1  # the three weeks between 8 and 29 October


def test_empty_case_draws_nothing():
    frames = case_frames(minimal_case("e", "E"))
    assert all(draw(frames) is None for draw in FIGURES.values())
