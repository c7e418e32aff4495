"""Fixtures for backups: a practice with Lana in it, and fresh targets of the same kind."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from workbook.practice import Practice

_targets = itertools.count()


@pytest.fixture
def new_target(request, tmp_path: Path, practice: Practice):
    """Make a new, empty target practice of the same kind as ``practice`` (not created yet)."""

    def make(kind: str | None = None) -> Practice:
        n = next(_targets)
        kind = kind or ("sqlite" if practice.embedded else "postgresql")
        if kind == "sqlite":
            return Practice(tmp_path / f"restored{n}")
        server = request.getfixturevalue("pg_server")
        return Practice(tmp_path / f"restored{n}", server.create_database(f"restored{n}"))

    return make
