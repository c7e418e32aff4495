"""A writer for the backup tests, run as its own process: it saves ideas one at a time, the way
a form saves, and after each save that returned logs the idea's id (flushed), until told to stop.

    python writer.py PRACTICE_DIR DB_URL_OR_EMPTY LOG STOP_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbook.practice import Practice


def main(folder: str, db_url: str, log: str, stop: str) -> None:
    practice = Practice(Path(folder), db_url or None)
    with practice.open(create=False) as store, open(log, "a", encoding="utf-8") as out:
        n = 0
        while not Path(stop).exists():
            n += 1
            idea = {"id": f"w{n}", "text": f"Idea {n}", "source": "client", "added": "2026-11-01"}
            store.add("lana", "ideas", idea)
            out.write(f"w{n}\n")  # acknowledged: the save returned
            out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:])
