"""Benchmark: workshop creation and the cohort report's aggregation, each against its baseline,
measured side by side in one run.

    .venv/bin/python bench/workshop.py                       # 1,000 and 200 (about 8 minutes)
    .venv/bin/python bench/workshop.py --cohort 200 --create 40   # quicker

(i) aggregation  the cohort report's figures (every trainee's practice read and measured
    against the case handed out, fidelity per check and per trainee, common skills and ideas,
    check-in regularity) for N trainees, each with a full case, against the floor: only
    reading the same rows, every table of every trainee's database, into pandas. Target: at
    most 2x the floor.
(ii) creation    `workbook workshop create` for M trainees against M separate command-line runs
    (one single-trainee roster each). Target: at least 3x faster.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from workbook import cohort
from workbook.sample import sample_text
from workbook.store.schema import metadata
from workbook.workshop import create

BIN = Path(sys.executable).parent
AS_OF = date(2026, 11, 25)


def roster(path: Path, ids: list[str]) -> Path:
    path.write_text(
        "id,name,email\n" + "".join(f"{t},Trainee {t},{t}@example.org\n" for t in ids),
        encoding="utf-8",
    )
    return path


def aggregate(workshop: Path) -> dict:
    members = cohort.load(workshop)
    return {
        "work": cohort.work(members),
        "fidelity": cohort.fidelity(members, AS_OF),
        "per_trainee": cohort.fidelity_by_trainee(members, AS_OF),
        "skills": cohort.common(members, "skills"),
        "ideas": cohort.common(members, "ideas"),
        "regularity": cohort.regularity(members),
        "problems": cohort.problems(members),
    }


def read_rows(workshop: Path, ids: list[str]) -> int:
    """The floor: every row of every table of every trainee's database, into pandas."""
    rows = 0
    tables = [t.name for t in metadata.sorted_tables]
    for t in ids:
        with sqlite3.connect(workshop / t / "practice.db") as conn:
            for table in tables:
                rows += len(pd.read_sql_query(f"SELECT * FROM {table}", conn))
    return rows


def best(fn, repeats: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", type=int, default=1000)
    parser.add_argument("--create", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBOOK_")}
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        tmp = Path(tmp)
        case = tmp / "case.yaml"
        case.write_text(sample_text(), encoding="utf-8")

        ids = [f"t{n:04d}" for n in range(args.cohort)]
        big = tmp / "big"
        create(roster(tmp / "big.csv", ids), case, big)
        floor = best(lambda: read_rows(big, ids))
        rows = read_rows(big, ids)
        agg = best(lambda: aggregate(big))
        print(
            f"(i) {args.cohort} trainees, {rows} rows: reading them into pandas "
            f"{floor:.2f} s; the report's aggregation {agg:.2f} s = {agg / floor:.2f}x "
            "(target <= 2)",
            flush=True,
        )

        few = [f"c{n:04d}" for n in range(args.create)]
        started = time.perf_counter()
        create(roster(tmp / "few.csv", few), case, tmp / "together")
        together = time.perf_counter() - started
        started = time.perf_counter()
        for t in few:
            subprocess.run(
                [
                    str(BIN / "workbook"),
                    "workshop",
                    "create",
                    str(roster(tmp / f"{t}.csv", [t])),
                    "--case",
                    str(case),
                    "--out",
                    str(tmp / "separate"),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        separate = time.perf_counter() - started
        print(
            f"(ii) {args.create} trainee folders: one run {together:.2f} s; "
            f"{args.create} separate runs {separate:.1f} s = {separate / together:.1f}x "
            "faster (target >= 3)",
            flush=True,
        )
    figures = {
        "cohort": args.cohort,
        "rows": rows,
        "read_rows_s": round(floor, 2),
        "aggregation_s": round(agg, 2),
        "aggregation_vs_floor": round(agg / floor, 2),
        "create": args.create,
        "create_together_s": round(together, 2),
        "create_separate_s": round(separate, 1),
        "create_speedup": round(separate / together, 1),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
