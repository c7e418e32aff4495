"""Benchmark: drafting a plan for the sample client (target: at most 0.2 s).

    .venv/bin/python bench/draft.py              # 200 rounds (about half a minute)
    .venv/bin/python bench/draft.py --rounds 50

Three figures, side by side in one run, each the median of --rounds after a warm-up (the
first call pays for imports and compiled regular expressions, once per kernel):

- ``draft``: the rules alone (:func:`workbook.draft.draft_plan`) over Lana's frames;
- ``frames + draft``: the case turned into DataFrames, then drafted (what the panel's button
  and ``workbook draft`` do after reading the case);
- ``load + frames + draft``: the case read from a SQLite practice first, the whole of a press
  of **Draft the plan** but drawing the widgets.

The sample client has its onboarding idea (i4) marked chosen as well, so that every rule
drafts something (seven drafts) rather than finding the plan complete.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from workbook.draft import draft_plan
from workbook.frames import case_frames
from workbook.practice import Practice
from workbook.sample import sample_case

AS_OF = date(2026, 11, 26)
TARGET_S = 0.2


def timed(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    """The median and 90th percentile of ``rounds`` calls, in seconds, after three warm-ups."""
    for _ in range(3):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed calls per measure")
    args = parser.parse_args()
    case = sample_case()
    next(i for i in case.ideas if i.id == "i4").status = "chosen"
    frames = case_frames(case)
    drafts = len(draft_plan(frames, AS_OF).actions)
    with tempfile.TemporaryDirectory(prefix="bench-draft-") as tmp:
        store = Practice(Path(tmp) / "practice").open()
        store.save(case)
        measures = {
            "draft": lambda: draft_plan(frames, AS_OF),
            "frames + draft": lambda: draft_plan(case_frames(case), AS_OF),
            "load + frames + draft": lambda: draft_plan(case_frames(store.load("lana")), AS_OF),
        }
        results = {name: timed(call, args.rounds) for name, call in measures.items()}
        store.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"sample client, {drafts} drafts, {args.rounds} rounds each (load average {load})")
    print(f"{'measure':<24} {'median':>9} {'p90':>9}   target {TARGET_S * 1000:.0f} ms")
    for name, (median, p90) in results.items():
        print(f"{name:<24} {median * 1000:>7.1f}ms {p90 * 1000:>7.1f}ms")


if __name__ == "__main__":
    main()
