"""Backups taken while another process keeps saving: nothing acknowledged before a backup began
is missing from it, and every backup restores whole (SQLite's integrity check passes)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from workbook.backup import create, restore
from workbook.practice import Practice

WRITER = Path(__file__).with_name("writer.py")


def _acknowledged(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").split() if log.exists() else []


def _wait_for_more(log: Path, than: int, proc: subprocess.Popen, more: int = 3) -> None:
    deadline = time.monotonic() + 120
    while len(_acknowledged(log)) < than + more:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the writer saved nothing for two minutes"
        time.sleep(0.02)


def _ideas(practice: Practice) -> set[str]:
    with practice.open(create=False) as store:
        return {idea.id for idea in store.load("lana").ideas}


def test_every_acknowledged_save_is_in_the_backups_taken_after_it(
    practice, lana, tmp_path, new_target
):
    with practice.open() as store:
        store.save(lana)
    log, stop = tmp_path / "acknowledged.log", tmp_path / "stop"
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(practice.path), practice.db_url or "", str(log), stop],
        stderr=subprocess.PIPE,
        text=True,
    )
    taken: list[tuple[Path, set[str]]] = []
    try:
        _wait_for_more(log, 0, proc)
        for k in range(4):
            before = set(_acknowledged(log))  # acknowledged before this backup began
            create(practice, tmp_path / f"backup{k}.zip")
            taken.append((tmp_path / f"backup{k}.zip", before))
            _wait_for_more(log, len(_acknowledged(log)), proc)  # the writer goes on meanwhile
    finally:
        stop.touch()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()

    kinds = ["sqlite"] if practice.embedded else ["postgresql", "sqlite"]
    held = []
    for path, before in taken:
        for kind in kinds:
            target = new_target(kind)
            restored = restore(target, path)
            ideas = _ideas(target)
            assert before <= ideas, sorted(before - ideas)
            held.append(len(ideas))
            if target.embedded:
                assert restored.integrity == "ok"
                with sqlite3.connect(target.db_path) as conn:
                    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The backups were taken while the writer was saving: each later one holds more.
    assert held == sorted(held) and held[0] < held[-1]
