"""Owning a zygote: what its owner does while it starts, and when it fails to."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import psutil
import pytest

from workbook import forked
from workbook.kernels import VARIABLE, Zygote
from workbook.kernels.owner import SOCKET_NAME


def test_the_owner_works_while_the_zygote_imports():
    seen = {}

    def meanwhile() -> None:
        seen["pid"], seen["named"] = zygote.pid, os.environ.get(VARIABLE)
        seen["started"] = psutil.Process(zygote.process.pid).is_running()

    zygote = Zygote()
    try:
        assert zygote.start(meanwhile)
        # it ran with the zygote's process started but not yet answering or named
        assert seen == {"pid": None, "named": None, "started": True}
        assert zygote.running and os.environ[VARIABLE] == str(zygote.socket)
    finally:
        zygote.stop()


def test_a_stop_while_the_zygote_imports_kills_it_at_once_and_leaves_nothing():
    """Ctrl-C in the first seconds of a batch: the zygote, which has forked nothing, is killed
    rather than waited for, its folder goes, and the stop goes on up."""
    zygote, started = Zygote(), []

    def meanwhile() -> None:
        started.append(zygote.process)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        zygote.start(meanwhile)
    (process,) = started
    assert process.returncode == -signal.SIGKILL
    (socket,) = [a for a in process.args if a.endswith(SOCKET_NAME)]
    assert not Path(socket).parent.exists()  # its private folder
    assert zygote.process is None and VARIABLE not in os.environ


def test_a_zygote_that_cannot_start_still_leaves_the_owner_its_work(tmp_path, caplog):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    ran = []
    with caplog.at_level(logging.WARNING, logger="workbook.kernels"):
        assert not Zygote(shared).start(lambda: ran.append(True))
    assert ran == [True] and "yours alone" in caplog.text


def test_without_a_zygote_the_work_runs_at_once(monkeypatch):
    monkeypatch.setenv(forked.PLAIN, "1")
    ran = []
    with forked.zygote(lambda: ran.append(True)) as zygote:
        assert zygote is None and ran == [True]


def test_off_linux_kernels_start_the_ordinary_way_without_a_word(monkeypatch):
    monkeypatch.delenv(forked.PLAIN, raising=False)
    assert not forked.plain()
    monkeypatch.setattr(forked.sys, "platform", "darwin")
    assert forked.plain() and forked.lab_flags() == []
