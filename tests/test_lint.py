"""ruff, as configured in pyproject.toml, is clean on the package, tests and benchmarks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_and_format():
    paths = [p for p in ("workbook", "tests", "bench") if (ROOT / p).exists()]
    for args in (["check", *paths], ["format", "--check", *paths]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
