"""Benchmark: what a form's save costs with SQLite's synchronous=FULL against NORMAL.

    .venv/bin/python bench/save.py                  # 300 saves each (about a minute)
    .venv/bin/python bench/save.py --saves 1000 --dir ~/somewhere-on-the-practice-disk

Two practices, each holding the sample case (Lana: 4 stories, 5 ideas, 8 actions, 8 check-ins,
3 reflections), one opened as the store opens it (FULL) and one switched back to NORMAL. Each
round saves one story in each, in an order drawn at random, the way a form's Save does
(``Store.update`` of one record: read, validate and rewrite the case in one transaction).
The practices live in --dir (default: a temporary folder under the current one, so on the
disk a practice would use: the cost of FULL is the disk's sync).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from workbook.practice import Practice
from workbook.sample import sample_case
from workbook.store import Store


def open_store(folder: Path, mode: str) -> Store:
    store = Practice(folder).open()
    if mode != "FULL":

        @event.listens_for(store.engine, "connect")
        def _relax(dbapi_connection, _record) -> None:  # noqa: ANN001 - runs after the store's
            dbapi_connection.execute(f"PRAGMA synchronous = {mode}")

        store.engine.dispose()  # pooled connections were made before the listener
    store.save(sample_case())
    with store.reading() as conn:
        level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert level == {"NORMAL": 1, "FULL": 2}[mode], (mode, level)
    return store


STORY = sample_case().stories[0].model_dump()  # s1, its skills and life role included


def save_once(store: Store, n: int) -> float:
    story = STORY | {"text": f"{STORY['text']} (edited in round {n})"}
    started = time.perf_counter()
    store.update("lana", "stories", "s1", story)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="saves per mode")
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where the practices go")
    args = parser.parse_args()
    modes = ["NORMAL", "FULL"]
    with tempfile.TemporaryDirectory(prefix="bench-save-", dir=args.dir) as tmp:
        stores = {m: open_store(Path(tmp) / m.lower(), m) for m in modes}
        for m in modes:  # warm up: first statements compiled, caches filled
            for n in range(10):
                save_once(stores[m], n)
        times: dict[str, list[float]] = {m: [] for m in modes}
        for n in range(args.saves):
            for m in random.sample(modes, len(modes)):
                times[m].append(save_once(stores[m], n))
        for store in stores.values():
            store.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.saves} saves per mode, interleaved, in {args.dir} (load average {load})")
    print(f"{'synchronous':<12} {'median':>9} {'p90':>9} {'mean':>9}")
    for m in modes:
        t = sorted(times[m])
        p90 = t[int(0.9 * (len(t) - 1))]
        print(
            f"{m:<12} {statistics.median(t) * 1000:>7.2f}ms {p90 * 1000:>7.2f}ms "
            f"{statistics.fmean(t) * 1000:>7.2f}ms"
        )
    ratio = statistics.median(times["FULL"]) / statistics.median(times["NORMAL"])
    print(f"FULL / NORMAL (median): {ratio:.2f}x")


if __name__ == "__main__":
    main()
