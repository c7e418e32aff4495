"""Benchmark: a step notebook's live view redrawn after a save, side by side with the save alone.

    .venv/bin/python bench/live_view.py               # 30 saves per step (a few minutes)
    .venv/bin/python bench/live_view.py --saves 100 --steps progress

A practice holds the sample client (Lana). For each step's view, two notebook sessions are open
on her, as two kernels would be: one shows only the step's form, the other the same form with
the step's live view under it (``wb.view(...)``). Each round changes a value the view draws
(a check-in's confidence, an idea's fit, a story's skills) and presses Save in both sessions,
in an order drawn at random. Reported: the Save alone (form session), the Save with the view,
and the view's own redraw inside it, as wall time and as the process's CPU time (which other
work on the machine does not inflate). The view redraws its figure on every round, as the
changed value is always one the figure shows: the worst case.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from workbook.forms import Workbook
from workbook.practice import Practice
from workbook.sample import sample_case

TODAY = date(2026, 11, 26)


# the view, the form that saves, the record edited, and a value the view shows, per round
def _skills(form, n: int) -> None:  # noqa: ANN001
    form.fields["skills"].other.value = f"event organising, round {n}"


STEPS = {
    "skills": ("stories", "s2", _skills),
    "ideas": ("ideas", "i4", lambda f, n: f.fields["fit"].set(1 + n % 5)),
    "weighed": ("ideas", "i4", lambda f, n: f.fields["fit"].set(1 + n % 5)),
    "progress": ("checkins", 7, lambda f, n: f.fields["confidence"].set(n % 11)),
}


class Clock:
    """Wall and CPU time of a call."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, call):  # noqa: ANN001, ANN201
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        return result


def run(folder: Path, view_name: str, saves: int) -> dict[str, Clock]:
    kind, key, change = STEPS[view_name]
    alone, shown = (Workbook("lana", str(folder), today=TODAY) for _ in range(2))
    forms = {"alone": alone.form(kind), "with view": shown.form(kind)}
    view = shown.view(view_name)
    clocks = {"alone": Clock(), "with view": Clock(), "view redraw": Clock()}
    redraw, measuring = view.refresh, [False]
    view.refresh = lambda: clocks["view redraw"].time(redraw) if measuring[0] else redraw()
    for n in range(-5, saves):  # five rounds to warm up, not counted
        for name in random.sample(list(forms), 2):
            form = forms[name]
            form.edit(key)
            change(form, 2 * n + (name == "with view"))  # never the value the other just saved
            before = len(clocks["view redraw"].wall)
            measuring[0] = True
            outcome = clocks[name].time(form.save)
            measuring[0] = False
            assert outcome.ok, outcome.message
            assert name == "alone" or len(clocks["view redraw"].wall) == before + 1
        if n < 0:
            for c in clocks.values():
                c.wall.clear()
                c.cpu.clear()
    for wb in (alone, shown):
        wb.store.close()
    return clocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30, help="saves per step and session")
    parser.add_argument("--steps", nargs="*", default=list(STEPS), choices=list(STEPS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-view-") as tmp:
        folder = Path(tmp) / "practice"
        with Practice.locate(str(folder)).open() as store:
            store.save(sample_case())
        results = {v: run(folder, v, args.saves) for v in args.steps}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.saves} saves per step and session, interleaved (load average {load})")
    print(
        f"{'view':<10} {'measure':<12} {'wall median':>12} {'wall p90':>9} {'CPU median':>11}"
        f" {'CPU p90':>8}"
    )
    for view_name, clocks in results.items():
        for name, c in clocks.items():
            wall, cpu = sorted(c.wall), sorted(c.cpu)
            print(
                f"{view_name:<10} {name:<12} {statistics.median(wall) * 1000:>10.0f}ms "
                f"{wall[int(0.9 * (len(wall) - 1))] * 1000:>7.0f}ms "
                f"{statistics.median(cpu) * 1000:>9.0f}ms"
                f" {cpu[int(0.9 * (len(cpu) - 1))] * 1000:>6.0f}ms"
            )


if __name__ == "__main__":
    main()
