"""What the repository holds: no client data, clean notebooks, the layout of the design."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.split() if out.returncode == 0 else []


def test_layout_of_the_design():
    for name in (
        "notebooks",
        "workbook",
        "templates",
        "tests",
        "environment.yml",
        "README.md",
        "pyproject.toml",
        "Makefile",
        ".ci/run",
    ):
        assert (ROOT / name).exists(), name


def test_no_database_or_practice_is_committed():
    for path in _tracked():
        assert not path.endswith((".db", ".sqlite", ".sqlite3", "-wal", "-shm")), path
        assert not path.startswith(("practice/", "demo-practice/")), path


def test_notebooks_are_committed_clean():
    for path in _tracked():
        if path.endswith(".ipynb") and not path.startswith("tests/"):
            nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
            assert nb["metadata"]["kernelspec"]["name"] == "python3", path
            for cell in nb["cells"]:
                assert not cell.get("outputs"), path
