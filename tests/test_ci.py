"""How the suite runs under CI: CI set by .ci/run, read in one place, random order, no empty run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import unavailable, under_ci

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1", "yes", "Yes", "on", "ON", " true"])
def test_any_usual_true_value_of_ci_is_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert under_ci()


@pytest.mark.parametrize("value", [None, "", "false", "0", "no", "off", "anything"])
def test_other_values_of_ci_are_not(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not under_ci()


@pytest.mark.parametrize("ci, outcome", [("yes", pytest.fail), ("false", pytest.skip)])
def test_something_missing_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    stopped = (pytest.fail.Exception, pytest.skip.Exception)
    with pytest.raises(stopped, match="Chromium is not installed") as raised:
        unavailable("the browser tests", "Chromium is not installed")
    assert raised.type is outcome.Exception  # caught here, so it cannot just skip this test


def test_ci_run_sets_ci_itself_and_passes_failures_on(tmp_path):
    """``.ci/run`` exports CI=true before ``make test`` and exits with make's status."""
    (tmp_path / ".ci").mkdir()
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    make = bin_ / "make"
    make.write_text('#!/bin/sh\necho "make $* CI=$CI in $(pwd)"\nexit 5\n')
    make.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = f"{bin_}{os.pathsep}{env['PATH']}"
    for ci in (None, "false"):
        if ci is not None:
            env["CI"] = ci
        ran = subprocess.run(
            [str(tmp_path / ".ci" / "run")], env=env, capture_output=True, text=True, cwd="/"
        )
        assert ran.stdout == f"make test CI=true in {tmp_path}\n", ran.stderr
        assert ran.returncode == 5  # pytest's "no tests collected" stays a failure


def _pytest(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": "true"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_suite_runs_in_random_order_and_an_empty_run_fails():
    ran = _pytest("tests/test_ci.py", "-k", "no_test_has_this_name")
    assert ran.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, ran.stdout + ran.stderr
    assert "Using --randomly-seed=" in ran.stdout  # pytest-randomly is on, and says its seed


def test_a_command_run_in_process_leaves_no_variable_behind_it(tmp_path):
    """``workbook app`` sets the audience for its server; the next test must not inherit it."""
    from tests.conftest import _environment_restored

    restoring = _environment_restored.__wrapped__()  # the autouse fixture, driven by hand
    next(restoring)
    os.environ["WORKBOOK_AUDIENCE"] = "client"
    os.environ.pop("HOME", None)
    next(restoring, None)
    assert "WORKBOOK_AUDIENCE" not in os.environ and "HOME" in os.environ
