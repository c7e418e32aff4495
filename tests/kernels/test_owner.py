"""Owning a zygote: what its owner does while it starts, and when it fails to."""

from __future__ import annotations

import logging
import os

import psutil
import pytest

from workbook import forked
from workbook.kernels import VARIABLE, Zygote


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


def test_what_the_owner_raises_meanwhile_stops_the_zygote_and_goes_on_up():
    zygote, started = Zygote(), []

    def meanwhile() -> None:
        started.append(zygote.process.pid)
        raise OSError("the owner's own failure, not the zygote's")

    with pytest.raises(OSError, match="owner's own"):
        zygote.start(meanwhile)
    assert not psutil.pid_exists(started[0])  # ended and reaped
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
