"""One client's run leaves no trace in the next, and the zygote keeps nothing of either.

Each client's kernel is forked from the same zygote: what the first changes (its globals, an
attribute of pandas and of a workbook module that the zygote had imported, a cache, the seed of
its random generators) must be absent from the second, and the zygote's memory must hold none
of what either was given.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import random
import secrets
import signal

import numpy
import pytest

from tests.kernels import forked
from tests.kernels.forked import LIMIT, ends, kernel, memory_holds, run
from workbook.kernels.process import ORPHANED
from workbook.kernels.zygote import fixed

FIRST_CLIENT = """
import random, re, numpy, pandas, workbook.frames
client_note = {marker!r}
pandas.set_option("display.max_rows", 3)
pandas.left_by_first_client = client_note
workbook.frames.left_by_first_client = client_note
re.compile(client_note)  # into re's cache of compiled patterns
random.seed(12345)
numpy.random.seed(12345)
"""

SEEN = """{
    "globals": "client_note" in globals(),
    "max_rows": __import__("pandas").get_option("display.max_rows"),
    "pandas": hasattr(__import__("pandas"), "left_by_first_client"),
    "workbook": hasattr(__import__("workbook.frames").frames, "left_by_first_client"),
    "cache": any(MARKER in str(key) for key in __import__("re")._cache),
    "random": __import__("random").random(),
    "numpy": __import__("numpy").random.rand(),
}"""


def test_the_second_client_sees_nothing_the_first_left(zygote):
    marker = f"client-{secrets.token_hex(8)}"

    async def scenario():
        async with kernel() as first:
            await first.run(FIRST_CLIENT.format(marker=marker))
            left = await first.value(SEEN.replace("MARKER", repr(marker)))
        async with kernel() as second:
            assert first.forked and second.forked
            return left, await second.value(SEEN.replace("MARKER", repr(marker)))

    left, seen = run(scenario())
    # what the first client's kernel held (so the check below can see such things)...
    assert left["globals"] and left["pandas"] and left["workbook"] and left["cache"]
    assert left["max_rows"] == 3
    # ...is not in the second's
    assert not (seen["globals"] or seen["pandas"] or seen["workbook"] or seen["cache"])
    assert seen["max_rows"] == 60  # pandas' default
    assert seen["random"] != random.Random(12345).random()
    assert seen["numpy"] != numpy.random.RandomState(12345).rand()


def test_two_forked_kernels_draw_different_random_numbers(zygote):
    draw = '[__import__("random").random(), __import__("numpy").random.rand()]'

    async def scenario():
        async with kernel() as one, kernel() as two:
            assert one.forked and two.forked
            return await one.value(draw), await two.value(draw)

    one, two = run(scenario())
    assert one[0] != two[0]  # random
    assert one[1] != two[1]  # numpy's global generator


def test_the_zygote_holds_nothing_of_the_kernels_it_forked(zygote, tmp_path):
    """Each client's kernel is given a marker in its environment and its folder, and holds it
    in a variable; the zygote's memory is searched for every marker during the batch and after."""
    markers = [f"client-{secrets.token_hex(8)}" for _ in range(3)]
    during = []

    async def scenario():
        for marker in markers:
            folder = tmp_path / marker
            folder.mkdir()
            env = fixed(os.environ) | {"PATH": "/usr/bin:/bin", "CLIENT_NOTE": marker}
            async with kernel(env=env, cwd=str(folder)) as k:
                assert k.forked
                assert await k.run(f"note = {marker!r}; import os; print(os.getcwd())") == (
                    f"{folder}\n"
                )
                # the search finds a marker where there is one: in the kernel's own memory
                assert memory_holds(k.pid, marker.encode())
                during.append(memory_holds(zygote.pid, marker.encode()))

    run(scenario())
    # the search finds what the zygote does hold (its socket's path)...
    assert memory_holds(zygote.pid, str(zygote.socket).encode())
    # ...and none of the markers, during the batch or after it
    assert during == [False] * len(markers)
    assert not any(memory_holds(zygote.pid, m.encode()) for m in markers)


def test_an_interrupt_stops_a_running_cell(zygote):
    async def scenario():
        async with kernel() as k:
            assert k.forked

            def interrupt_once_started(msg: dict) -> None:
                if msg["msg_type"] == "stream" and "started" in msg["content"]["text"]:
                    asyncio.ensure_future(k.manager.interrupt_kernel())

            code = "import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(0.01)"
            try:
                await k.run(code, output_hook=interrupt_once_started)
            except AssertionError as stopped:
                error = str(stopped)
            else:
                error = ""
            # the kernel is still there, and runs the next cell
            return error, await k.value("6 * 7")

    error, after = run(scenario())
    assert "KeyboardInterrupt" in error
    assert after == 42


def test_a_killed_zygote_leaves_the_batch_to_ordinary_kernels(zygote, caplog):
    """The zygote is killed while a client's kernel runs: that kernel finishes its work, and the
    next clients' kernels start the ordinary way; one warning says so."""

    async def scenario():
        done = []
        async with kernel() as running:
            assert running.forked
            zygote.process.send_signal(signal.SIGKILL)
            zygote.process.wait()
            done.append((running.forked, await running.value("6 * 7")))
            # jupyter_client still sees it alive, and ends it, without the zygote to tell
            provisioner = running.manager.provisioner
            assert [await provisioner.poll(), await provisioner.poll()] == [None, None]
            await provisioner.kill()
            status = await asyncio.wait_for(provisioner.wait(), LIMIT)
            assert status == ORPHANED and ends(running.pid)
        for _ in range(2):
            async with kernel() as k:
                done.append((k.forked, await k.value("6 * 7")))
        return done

    assert run(scenario()) == [(True, 42), (False, 42), (False, 42)]
    warnings = [r for r in caplog.records if "zygote failed" in r.getMessage()]
    assert len(warnings) == 1


def test_a_memory_search_that_reads_nothing_fails(monkeypatch):
    """ "No marker" must mean searched and not found: a search whose every read fails (as for
    another user's process without root) fails the test."""
    marker = secrets.token_hex(16).encode()
    assert memory_holds(os.getpid(), marker)  # this process's own memory: found

    class Unreadable(io.RawIOBase):
        def seek(self, offset, whence=0):
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(forked, "open", lambda *a, **k: Unreadable(), raising=False)
    with pytest.raises(AssertionError, match="read none of the"):
        memory_holds(os.getpid(), marker)
