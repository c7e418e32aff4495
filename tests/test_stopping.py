"""Stopping on SIGINT or SIGTERM: the exception, the count, the children, the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from workbook import stopping


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_raises_stopped_and_the_handlers_come_back(sig, status):
    before = signal.getsignal(sig)
    with pytest.raises(stopping.Stopped) as raised, stopping.on_signals():
        os.kill(os.getpid(), sig)
        time.sleep(5)  # interrupted by the signal
    assert raised.value.status == status
    assert signal.getsignal(sig) is before
    assert not stopping.requested()


def test_a_second_signal_while_stopping_is_ignored():
    with pytest.raises(stopping.Stopped), stopping.on_signals():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        finally:  # on the way out: another Ctrl-C must not break the cleaning up
            assert stopping.requested()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)


def test_the_line_says_how_many_of_the_innermost_things_were_done():
    outer, inner = stopping.counting(12, "workbooks done"), stopping.counting(4, "parts done")
    with pytest.raises(stopping.Stopped) as raised, outer, inner as c:
        c.done = 3
        raise stopping.Stopped(signal.SIGINT)
    assert stopping.summary(raised.value) == "Stopped: 3 of 4 parts done."
    assert stopping.summary(stopping.Stopped(signal.SIGTERM)) == "Stopped."


def test_end_children_ends_the_whole_tree_even_a_child_deaf_to_sigterm():
    deaf = (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        "print('up', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", deaf], stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"up\n"
    tree = [psutil.Process(child.pid), *psutil.Process(child.pid).children()]
    assert len(tree) == 2
    ended = stopping.end_children(grace=0.2)
    child.wait(timeout=5)
    assert {p.pid for p in tree} <= set(ended)
    assert not [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_the_loop_keeps_sigint_and_sigterm_from_nbclient():
    async def claim() -> list[str]:
        loop, refused = asyncio.get_running_loop(), []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, lambda: None)
            except RuntimeError:  # nbclient passes over this, as it does off the main thread
                refused.append(signal.Signals(sig).name)
        loop.add_signal_handler(signal.SIGUSR1, lambda: None)  # other signals as usual
        loop.remove_signal_handler(signal.SIGUSR1)
        return refused

    assert stopping.run(claim()) == ["SIGINT", "SIGTERM"]
