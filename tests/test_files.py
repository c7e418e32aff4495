"""The one door for files: whole or not at all, private for client data, leftovers cleared."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest

from workbook import files


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_file_is_0600_in_a_private_folder_and_replaces_the_old(tmp_path):
    target = tmp_path / "new" / "deeper" / "case.yaml"
    files.write_private(target, b"first")
    files.write_private(target, b"second")
    assert target.read_bytes() == b"second"
    assert _mode(target) == 0o600
    assert _mode(target.parent) == _mode(target.parent.parent) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["case.yaml"]  # no temporary left


def test_a_file_without_client_data_may_be_public(tmp_path):
    target = files.write_whole(tmp_path / "style.css", b"p {}", mode=0o644)
    assert _mode(target) == 0o644 and target.read_bytes() == b"p {}"


def test_a_write_that_fails_midway_keeps_the_previous_file(tmp_path, monkeypatch):
    target = files.write_private(tmp_path / "journal.html", b"<html>old</html>")

    def half_then_fail(fd, data):
        files.os.write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_write_all", half_then_fail)
    with pytest.raises(OSError):
        files.write_private(target, b"<html>" + b"new " * 1000 + b"</html>")
    assert target.read_bytes() == b"<html>old</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["journal.html"]


def test_large_files_are_written_in_full(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 7)
    data = bytes(range(256)) * 40
    assert files.write_private(tmp_path / "x.pdf", data).read_bytes() == data


def test_a_killed_writers_temporary_file_is_cleared_by_the_next_write(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **_out)
    dead = int(gone.stdout)
    left = tmp_path / f".case.yaml.{dead}.k3j2.tmp"  # as files.write_whole names them
    left.write_bytes(b"half a ca")
    busy = tmp_path / f".case.yaml.{files.os.getpid()}.a1b2.tmp"  # a writer still at work
    busy.write_bytes(b"being written")
    other = tmp_path / f".journal.html.{dead}.zz.tmp"  # another file's: its next write clears it
    other.write_bytes(b"<ht")
    files.write_private(tmp_path / "case.yaml", b"whole")
    assert not left.exists()
    assert busy.exists() and other.exists()
    assert (tmp_path / "case.yaml").read_bytes() == b"whole"


_out = {"capture_output": True, "text": True, "check": True}
