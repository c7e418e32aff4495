"""Benchmark: the caseload of a practice of 500 clients, against only reading their rows.

    .venv/bin/python bench/caseload.py                  # 500 clients, 7 rounds (about a minute)
    .venv/bin/python bench/caseload.py --clients 200 --rounds 5 --db postgresql+psycopg://...

A fresh practice of varied clients is generated (a fixed seed: every run the same practice):
each has a random number of stories, ideas, interviews, actions and check-ins, dates spread over
the autumn, some rulers missing, some actions late, some clients with nothing but an intake. Then,
side by side in one run, rounds alternating in a random order:

- **read**: only reading those clients' rows into pandas: ``pandas.read_sql`` of every table
  of a case (the clients and each record type), and nothing done with them;
- **caseload**: :func:`workbook.caseload.caseload`: reading what it needs (every table but
  the reflections and progress scores, without strengths and action skills), the step each
  client reached, the last contact and next check-in, the fidelity checks, the figures and
  flags, ordered.

The target (issue 10) is a caseload at most twice the reading.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from workbook.caseload import caseload
from workbook.model import validate_case
from workbook.practice import Practice
from workbook.store import Store
from workbook.store import schema as s

AS_OF = date(2026, 11, 26)
SKILLS = ["Communication", "Collaboration", "Problem solving", "Digital", "Writing", "Numeracy"]
ROLES = ["worker", "student", "parent", "volunteer", "community", "other"]


def varied_case(n: int, rng: random.Random) -> dict:
    """One generated client, as a case file would hold it."""
    started = date(2026, 8, 1) + timedelta(days=rng.randrange(0, 100))

    def day(after: date, most: int = 20) -> date:
        return min(after + timedelta(days=rng.randrange(0, most)), AS_OF)

    case: dict = {
        "format": 1,
        "client": {
            "id": f"client-{n:03d}",
            "name": f"Client {n:03d} {rng.choice(['Ana', 'Ben', 'Chen', 'Dee', 'Eli'])}",
            "started": started.isoformat(),
            "consent": {"records": True, "share_deidentified": rng.random() < 0.5},
            "situation": "Working in a job that no longer fits." if rng.random() < 0.9 else None,
            "aspirations": "Work closer to people." if rng.random() < 0.8 else None,
            "challenges": "Little time; a thin network." if rng.random() < 0.8 else None,
        },
    }
    depth = rng.choice([0, 1, 2, 3, 4, 4, 4])  # how far through the method
    if depth >= 1:
        case["attempts"] = [
            {"date": started.isoformat(), "text": f"Attempt {i}", "outcome": "Mixed."}
            for i in range(rng.randrange(0, 4))
        ]
        case["stories"] = [
            {
                "id": f"s{i}",
                "title": f"Story {i}",
                "text": "A time things went well and why.",
                "felt_good": True,
                "life_role": rng.choice(ROLES),
                "skills": rng.sample(SKILLS, rng.randrange(0, 4)),
            }
            for i in range(1, rng.randrange(1, 6))
        ]
        case["permission"] = {"asked": day(started, 10).isoformat(), "granted": True}
    if depth >= 2:
        asked = date.fromisoformat(case["permission"]["asked"])
        case["ideas"] = [
            {
                "id": f"i{i}",
                "text": f"Idea {i}",
                "source": rng.choice(["client", "practitioner"]),
                "added": day(asked, 15).isoformat(),
                "fit": rng.choice([None, 2, 3, 4, 5]),
                "interest": rng.randrange(1, 6),
                "feasibility": rng.randrange(1, 6),
                "status": rng.choice(["open", "shortlisted", "chosen", "dropped"]),
            }
            for i in range(1, rng.randrange(2, 8))
        ]
        ids = [i["id"] for i in case["ideas"]]
        case["interviews"] = [
            {
                "id": f"v{i}",
                "date": day(asked, 30).isoformat(),
                "person": f"Contact {i}",
                "referred_by": f"v{i - 1}" if i > 1 and rng.random() < 0.5 else None,
                "strengths": [],
                "ideas": rng.sample(ids, 1),
            }
            for i in range(1, rng.randrange(1, 4))
        ]
    if depth >= 3:
        planned = day(started, 40)
        case["plan"] = {
            "goal": "Three applications a month for roles built around training adults.",
            "target": (planned + timedelta(days=rng.randrange(30, 150))).isoformat(),
            "actions": [
                {
                    "id": f"a{i}",
                    "text": f"Action {i}",
                    "owner": rng.choice(["client", "client", "practitioner", "shared"]),
                    "due": (planned + timedelta(days=rng.randrange(3, 90))).isoformat()
                    if rng.random() < 0.9
                    else None,
                    "status": rng.choice(["todo", "doing", "done", "dropped"]),
                    "ideas": [rng.choice(case["ideas"])["id"]],
                }
                for i in range(1, rng.randrange(2, 9))
            ],
        }
    if depth >= 4:
        when = date.fromisoformat(case["plan"]["target"]) - timedelta(days=200)
        when = max(when, started + timedelta(days=20))
        checkins = []
        while when < AS_OF and len(checkins) < 16:
            checkins.append(
                {
                    "date": when.isoformat(),
                    "importance": rng.choice([None, *range(3, 11)]),
                    "confidence": rng.choice([None, *range(1, 11)]),
                    "buy_in": rng.choice([True, True, True, None, False]),
                    "supports": ["family"] if rng.random() < 0.5 else [],
                    "notes": "Talked it through." if rng.random() < 0.5 else None,
                    "progress": {"a1": rng.randrange(-2, 3)},
                }
            )
            when += timedelta(days=rng.choice([5, 7, 7, 7, 9, 12, 20]))
        case["checkins"] = checkins
        case["reflections"] = (
            [{"date": checkins[0]["date"], "model": "driscoll", "entries": {"what": "A session."}}]
            if checkins
            else []
        )
    return case


def make_practice(store: Store, clients: int, seed: int = 10) -> None:
    rng = random.Random(seed)
    store.save_all([validate_case(varied_case(n, rng)) for n in range(clients)])


def read_rows(store: Store) -> dict[str, pd.DataFrame]:
    """Only reading the clients' rows into pandas: every table of a case, whole."""
    with store.engine.connect() as conn:
        return {t.name: pd.read_sql(t.select(), conn) for t in (s.clients, *s.CHILD_TABLES)}


def timed(fn) -> tuple[float, float]:  # noqa: ANN001
    """The wall time and the process's CPU time of a call (the CPU time is what other work on
    a shared machine does not inflate)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--db", help="a database URL (default: a fresh SQLite practice)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-caseload-") as tmp,
        Practice(Path(tmp) / "practice", args.db).open() as store,
    ):
        made = time.perf_counter()
        make_practice(store, args.clients)
        made = time.perf_counter() - made
        rows = sum(len(f) for f in read_rows(store).values())
        table = caseload(store, AS_OF)
        runs = {"read": lambda: read_rows(store), "caseload": lambda: caseload(store, AS_OF)}
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
        for fn in runs.values():  # warm up: statements compiled, modules imported
            fn()
        for _ in range(args.rounds):
            for key in random.sample(list(runs), len(runs)):
                times[key].append(timed(runs[key]))
        backend = store.engine.dialect.name
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    flagged = int(table["flags"].map(bool).sum())
    print(
        f"{args.clients} clients ({rows} rows read, {flagged} flagged; made in {made:.1f} s), "
        f"{backend}, {args.rounds} rounds interleaved (load average {load})"
    )
    print(f"{'':<10} {'wall median':>12} {'wall min':>9} {'CPU median':>11} {'CPU min':>8}")
    for key, t in times.items():
        wall, cpu = [x[0] for x in t], [x[1] for x in t]
        print(
            f"{key:<10} {statistics.median(wall):11.3f}s {min(wall):8.3f}s "
            f"{statistics.median(cpu):10.3f}s {min(cpu):7.3f}s"
        )
    for at, what in ((0, "wall"), (1, "CPU")):
        ratio = statistics.median(x[at] for x in times["caseload"]) / statistics.median(
            x[at] for x in times["read"]
        )
        print(f"caseload / read, {what} time: {ratio:.2f}x (target: at most 2x)")


if __name__ == "__main__":
    main()
