"""Stopping on SIGINT or SIGTERM: the exception, the count, the children, the event loop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

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


# Run in a process of its own: end_children() ends every process under the one that calls
# it, and under pytest those include the session's PostgreSQL server and browser.
_END_CHILDREN = """
import json, subprocess, sys
import psutil
from workbook import stopping

deaf = (
    "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
    "print('up', flush=True); time.sleep(60)"
)
child = subprocess.Popen([sys.executable, "-c", deaf], stdout=subprocess.PIPE)
assert child.stdout.readline() == b"up\\n"
tree = [psutil.Process(child.pid), *psutil.Process(child.pid).children()]
ended = stopping.end_children(grace=0.2)
child.wait(timeout=5)
alive = [p.pid for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
print(json.dumps({"tree": [p.pid for p in tree], "ended": ended, "alive": alive}))
"""


def test_end_children_ends_the_whole_tree_even_a_child_deaf_to_sigterm():
    import json

    done = subprocess.run(
        [sys.executable, "-c", _END_CHILDREN], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert len(seen["tree"]) == 2  # the deaf child and its own child
    assert set(seen["tree"]) <= set(seen["ended"])
    assert seen["alive"] == []


# In a process of its own: under pytest, Playwright's sync API (the browser tests) may keep
# an event loop running in the main thread, where signal handlers can be added.
_LOOP = """
import asyncio, signal
from workbook import stopping

async def claim():
    loop, refused = asyncio.get_running_loop(), []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, lambda: None)
        except RuntimeError:  # nbclient passes over this, as it does off the main thread
            refused.append(signal.Signals(sig).name)
    loop.add_signal_handler(signal.SIGUSR1, lambda: None)  # other signals as usual
    loop.remove_signal_handler(signal.SIGUSR1)
    return refused

print(" ".join(stopping.run(claim())))
"""


def test_the_loop_keeps_sigint_and_sigterm_from_nbclient():
    done = subprocess.run([sys.executable, "-c", _LOOP], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SIGINT", "SIGTERM"]
