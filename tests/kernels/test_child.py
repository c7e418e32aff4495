"""The forked child: a kernel as if started on its own, for its owner, with its owner."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys

from tests.kernels.forked import ends, kernel, run
from workbook.kernels.zygote import fixed

FACTS = """{
    "parent": os.getppid(),
    "session": os.getsid(0),
    "group": os.getpgid(0),
    "cwd": os.getcwd(),
    "note": os.environ.get("NOTE"),
    "zygote_variable": os.environ.get("OPENBLAS_NUM_THREADS"),  # set by the zygote for itself
    "jpy_parent": os.environ.get("JPY_PARENT_PID"),
    "history": str(get_ipython().history_manager.hist_file),
    "gc": [__import__("gc").isenabled(), __import__("gc").get_freeze_count() > 0],
    "fds": {
        fd: os.readlink(f"/proc/self/fd/{fd}")
        for fd in os.listdir("/proc/self/fd")
        if os.path.lexists(f"/proc/self/fd/{fd}")  # not the one listdir had open
    },
    "signals": SIGNALS,
}"""
# The signal handlers and mask, to compare with a new interpreter's (ipykernel sets SIGINT's).
SIGNALS = """{
    s.name: str(signal.getsignal(s)) for s in signal.valid_signals()
    if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGINT) and hasattr(s, "name")
} | {"blocked": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))}"""
FACTS = FACTS.replace("SIGNALS", SIGNALS)


def default_dispositions() -> None:
    """In a child about to start a new Python: every signal's default action, none blocked
    (what a process gets from the system, not what the test's own process inherited)."""
    for signum in signal.valid_signals():
        if signum not in (signal.SIGKILL, signal.SIGSTOP):
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def test_it_is_the_kernel_asked_for(zygote, tmp_path):
    zygote_fds = {
        os.readlink(f"/proc/{zygote.pid}/fd/{fd}")
        for fd in range(3, 64)
        if os.path.lexists(f"/proc/{zygote.pid}/fd/{fd}")
    }
    # What a fork cannot renew as the zygote has it (else the kernel is not forked), and a note.
    env = fixed(os.environ) | {"PATH": os.environ["PATH"], "NOTE": "asked for"}

    async def scenario():
        async with kernel(env=env, cwd=str(tmp_path)) as k:
            await k.run("import os, signal")
            return k, await k.value(FACTS)

    k, facts = run(scenario())
    assert k.forked and facts["parent"] == zygote.pid
    assert facts["session"] == facts["group"] == k.pid  # setsid: a group of its own
    assert facts["cwd"] == str(tmp_path) and facts["note"] == "asked for"
    assert facts["zygote_variable"] is None  # the environment asked for, not the zygote's
    assert facts["jpy_parent"] == str(os.getpid())  # its owner, as an ordinary kernel's
    assert facts["history"] == ":memory:"
    assert facts["gc"] == [True, True]  # collecting, but not the zygote's objects (shared pages)
    fresh = subprocess.run(
        [sys.executable, "-c", f"import json, signal; print(json.dumps({SIGNALS}))"],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=default_dispositions,  # not this process's (a shell's job may ignore SIGQUIT)
    )
    assert facts["signals"] == json.loads(fresh.stdout)
    unique = {t for fd, t in facts["fds"].items() if int(fd) > 2 and not t.startswith("anon")}
    assert unique & zygote_fds == set()  # none of the zygote's sockets or pipes


def test_its_history_is_kept_in_memory_whatever_the_command_says(zygote, tmp_path):
    history = tmp_path / "history.sqlite"
    arguments = [f"--HistoryManager.hist_file={history}"]  # as nbclient does, with :memory:

    async def scenario():
        async with kernel(extra_arguments=arguments) as k:
            return k.forked, await k.value("str(get_ipython().history_manager.hist_file)")

    assert run(scenario()) == (True, ":memory:")
    assert not history.exists()


def test_its_output_goes_where_the_owner_asked(zygote, tmp_path):
    log = tmp_path / "kernel.log"

    async def scenario():
        with log.open("w") as out:
            async with kernel(stdout=out, stderr=subprocess.STDOUT) as k:
                await k.run("import os; os.write(1, b'to stdout\\n'); os.write(2, b'to stderr\\n')")
                return k.forked

    assert run(scenario())
    assert "to stdout\nto stderr\n" in log.read_text()


OWNER = """
import asyncio, os, sys, time
from jupyter_client.manager import AsyncKernelManager
from workbook.kernels import KERNEL_NAME, KernelManager

async def main():
    manager = KernelManager(kernel_name=KERNEL_NAME)
    await manager.start_kernel()
    print(manager.provisioner.pid, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def test_it_ends_with_its_owner_while_the_zygote_lives(zygote):
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(owner.stdout.readline())
        assert pid in zygote.kernels()
        owner.kill()
        assert ends(pid)
        assert zygote.running
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()


# Widens the window of a race at shutdown: the control thread, having stopped the main loop
# for a shutdown request, flushes the streams through the IOPub thread; at exit, ipykernel
# stops the IOPub thread before it joins the control thread (a flush then waits 10 s for a
# stopped thread, and the kernel is terminated). An exit function registered last runs first:
# it records which of ipykernel's channel threads still run when the exit functions start.
SLOW_CONTROL = """
import atexit, threading, time
from ipykernel.iostream import OutStream

flush = OutStream.flush

def slow_flush(self):
    if threading.current_thread().name == "Control":
        time.sleep(0.5)
    flush(self)

OutStream.flush = slow_flush

def record():
    alive = [t.name for t in threading.enumerate() if t.name in ("Control", "Shell channel")]
    open({path!r}, "w").write(",".join(alive) or "none")

atexit.register(record)
"""


def test_its_channel_threads_finish_before_its_exit_functions(zygote, tmp_path):
    record = tmp_path / "alive-at-exit"

    async def scenario():
        async with kernel() as k:
            await k.run(SLOW_CONTROL.format(path=str(record)))
            process = k.manager.provisioner.process
            await k.manager.shutdown_kernel()  # polite: a shutdown request, then its exit
            return k.forked, process.returncode

    assert run(scenario()) == (True, 0)
    assert record.read_text() == "none"
