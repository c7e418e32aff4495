"""The backup commands: create and restore through the command line, and their refusals."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from tests.cli.test_commands import _args, run
from tests.conftest import minimal_case


def test_backup_create_then_restore(lana_store, practice, tmp_path):
    out = tmp_path / "practice.zip"
    created = run(*_args(practice), "backup", "create", "-o", out)
    assert created.exit_code == 0, created.output
    assert "backed up 1 client(s), " in created.stdout and str(out) in created.stdout

    new = tmp_path / "new"
    restored = run("--practice", new, "backup", "restore", out)
    assert restored.exit_code == 0, restored.output
    assert "restored 1 client(s)" in restored.stdout and "integrity check: ok" in restored.stdout
    assert (new / "notebooks" / "00_start_here.ipynb").exists()  # made like `init`
    shown = run("--practice", new, "show", "lana")
    assert shown.exit_code == 0 and "Lana" in shown.stdout


@pytest.mark.parametrize("problem", ["not a backup", "missing", "not empty"])
def test_restore_refusals_are_one_line(sqlite_practice, tmp_path, problem):
    with sqlite_practice.open() as store:
        store.save(minimal_case("devon", "Devon"))
    good = tmp_path / "practice.zip"
    assert run(*_args(sqlite_practice), "backup", "create", "-o", good).exit_code == 0
    target, file = tmp_path / "new", good
    if problem == "not a backup":
        file = tmp_path / "devon.yaml"
        file.write_text("format: 1\n")
    elif problem == "missing":
        file = tmp_path / "nowhere.zip"
    else:
        target = sqlite_practice.path
    before = sorted(p.name for p in target.iterdir()) if target.exists() else None
    result = run("--practice", target, "backup", "restore", file)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("workbook: error: ")
    assert (sorted(p.name for p in target.iterdir()) if target.exists() else None) == before


def test_backup_of_a_missing_practice_is_refused(tmp_path):
    result = run("--practice", tmp_path / "none", "backup", "create", "-o", tmp_path / "b.zip")
    assert result.exit_code == 1 and "no practice at" in result.stderr
    assert not (tmp_path / "b.zip").exists() and not (tmp_path / "none").exists()


def test_a_backup_file_is_replaced_whole_and_private(sqlite_practice, tmp_path):
    with sqlite_practice.open() as store:
        store.save(minimal_case("devon", "Devon"))
    folder = tmp_path / "backups"
    folder.mkdir()
    out = folder / "daily.zip"
    assert run(*_args(sqlite_practice), "backup", "create", "-o", out).exit_code == 0
    with sqlite_practice.open() as store:
        store.save(minimal_case("ana", "Ana"))
    again = run(*_args(sqlite_practice), "backup", "create", "-o", out)
    assert again.exit_code == 0 and "backed up 2 client(s)" in again.stdout
    assert [p.name for p in folder.iterdir()] == ["daily.zip"]  # no temporary file left
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["counts"]["clients"] == 2
