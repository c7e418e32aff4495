"""Benchmark: kill -9 aimed at every file the product writes; how many kills each survived.

    .venv/bin/python bench/kills.py                    # 30 aimed + 30 random kills per writer
    .venv/bin/python bench/kills.py --aimed 10 --random 10 --kernel-aimed 4   # quicker

Writers that run a kernel (the workbook, the cohort report) take seconds a run, so they get
``--kernel-aimed`` aimed kills and no random ones; ``workshop create`` gets ``--aimed`` aimed
kills (after each, the workshop is whole or absent). See tests/killing.py for what is aimed where
and what counts as surviving.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import killing  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aimed", type=int, default=30)
    parser.add_argument("--random", type=int, default=30)
    parser.add_argument("--kernel-aimed", type=int, default=6)
    parser.add_argument("--only", help="one writer's name (see tests/killing.py)")
    opts = parser.parse_args()
    failed = 0
    print(f"{'writer':<42} {'kills':>5} {'survived':>8} {'missed':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        killing.prepare(folder)
        for name, writer in killing.WRITERS.items():
            if opts.only and opts.only != name:
                continue
            aimed = opts.kernel_aimed if writer.kernel else opts.aimed
            randoms = 0 if writer.kernel else opts.random
            tally = killing.attack(name, folder, aimed, randoms)
            print(f"{name:<42} {tally.kills:>5} {tally.survived:>8} {tally.missed:>6}", flush=True)
            for failure in tally.failures:
                print(f"    {failure}")
            failed += bool(tally.failures)
        if not opts.only or opts.only == killing.CREATE.name:
            tally = killing.attack_create(folder, opts.aimed)
            name = killing.CREATE.name
            print(f"{name:<42} {tally.kills:>5} {tally.survived:>8} {tally.missed:>6}", flush=True)
            for failure in tally.failures:
                print(f"    {failure}")
            failed += bool(tally.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
