"""The zygote: what it holds once ready, and that it ends with its owner, kernels and all."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import resource
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.kernels.forked import LIMIT, ends, kernel, run
from workbook.kernels import VARIABLE, Zygote
from workbook.kernels import zygote as zygote_module

# Run in a fresh interpreter: what the zygote's imports leave behind.
PREPARED = """
import asyncio, gc, json, os, threading
from workbook.kernels import zygote
zygote.prepare()
import sqlalchemy.engine, zmq
print(json.dumps({
    "threads": threading.active_count(),
    "tasks": len(os.listdir("/proc/self/task")),
    "zmq": zmq.Context._instance is not None,
    "loop": asyncio.get_event_loop_policy()._local._loop is not None,
    "engines": sum(isinstance(o, sqlalchemy.engine.Engine) for o in gc.get_objects()),
}))
"""


def test_its_imports_leave_no_thread_context_loop_or_engine():
    out = subprocess.run(
        [sys.executable, "-c", PREPARED], capture_output=True, text=True, check=True
    )
    held = json.loads(out.stdout)
    assert held == {"threads": 1, "tasks": 1, "zmq": False, "loop": False, "engines": 0}


def test_once_ready_it_holds_one_thread_and_only_its_own_descriptors(zygote):
    assert len(os.listdir(f"/proc/{zygote.pid}/task")) == 1
    fds = {
        int(fd): os.readlink(f"/proc/{zygote.pid}/fd/{fd}")
        for fd in os.listdir(f"/proc/{zygote.pid}/fd")
    }
    assert fds[0].startswith("pipe:")  # its owner's pipe
    assert fds[1] == os.devnull
    others = sorted(
        "socket" if target.startswith("socket:") else target for fd, target in fds.items() if fd > 2
    )
    # its spare (to turn a connection away when out of descriptors), selector and listener
    assert others == [os.devnull, "anon_inode:[eventpoll]", "socket"]


def test_its_socket_is_private_and_named_to_this_process(zygote):
    folder = zygote.socket.parent
    assert folder.stat().st_mode & 0o777 == 0o700
    assert os.environ[VARIABLE] == str(zygote.socket) == zygote.env()[VARIABLE]


def test_stopping_it_ends_its_kernels_and_removes_its_folder(zygote):
    folder = zygote.socket.parent

    async def scenario():
        async with kernel() as k:
            assert k.forked and zygote.kernels() == [k.pid]
            zygote.stop()
            code = await asyncio.to_thread(k.manager.provisioner.process.wait, LIMIT)
            assert code == -signal.SIGKILL  # the zygote killed it on its way out
            return k.pid

    pid = run(scenario())
    assert ends(pid)
    assert not folder.exists() and VARIABLE not in os.environ


OWNER = """
import sys, time
from workbook.kernels import Zygote
with Zygote() as zygote:
    print(zygote.pid, zygote.socket.parent, flush=True)
    time.sleep(3600)
"""


def test_it_ends_when_its_owner_is_killed():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    try:
        pid, folder = owner.stdout.readline().split()
        assert not ends(int(pid), 0)
        owner.kill()  # no stop(): the pipe closes with the owner
        assert ends(int(pid))
        assert not Path(folder).exists()  # the zygote's own folder went with it
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()


BUSY_OWNER = """
import asyncio, os, signal, socket, sys, time
from workbook.kernels import KERNEL_NAME, KernelManager, Zygote

async def main():
    with Zygote() as zygote:
        managers = [KernelManager(kernel_name=KERNEL_NAME) for _ in range(2)]
        for manager in managers:
            await manager.start_kernel()
        running, ended = (m.provisioner.pid for m in managers)
        os.kill(ended, signal.SIGKILL)  # its status unread: the zygote keeps it a zombie
        half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        half.connect(str(zygote.socket))
        half.sendall(b'{"argv": [')  # a request half-sent
        print(zygote.pid, running, ended, flush=True)
        time.sleep(3600)

asyncio.run(main())
"""


def test_it_ends_when_its_owner_is_killed_amid_kernels_and_requests():
    """Killed while one kernel runs, another has ended unheard of, and a request is
    half-sent: the zygote still ends at once, and the running kernel with it."""
    owner = subprocess.Popen([sys.executable, "-c", BUSY_OWNER], stdout=subprocess.PIPE)
    try:
        zygote, running, ended = (int(pid) for pid in owner.stdout.readline().split())
        assert ends(ended) and not ends(running, 0) and not ends(zygote, 0)
        owner.kill()
        assert ends(zygote) and ends(running)
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()


def test_it_refuses_a_request_without_its_descriptors(zygote):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(zygote.socket))
        conn.sendall(b'{"argv": [], "env": {}, "cwd": "/"}')
        conn.shutdown(socket.SHUT_WR)
        said = b""
        while chunk := conn.recv(4096):
            said += chunk
        hello, refused = said.decode().splitlines()
        own = zygote_module.fixed(os.environ) | zygote_module.OWN_DEFAULTS  # set in prepare()
        assert json.loads(hello.removeprefix("hello ")) == own  # what the zygote really has
        assert refused.startswith("refused ")
    assert zygote.running and zygote.kernels() == []


@pytest.mark.skipif(os.getuid() != 0, reason="connecting as another user needs root")
def test_it_refuses_another_users_request_even_through_an_open_folder(zygote):
    zygote.socket.parent.chmod(0o711)  # what a mistake could leave: anyone may connect
    zygote.socket.chmod(0o666)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # another account, asking for a kernel with its descriptors
        try:
            os.close(read)
            os.setuid(65534)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.connect(str(zygote.socket))
                fds = [0, 1, 2, os.pidfd_open(os.getpid())]
                with contextlib.suppress(OSError):  # refused at once, it may be reset
                    socket.send_fds(conn, [b'{"argv": [], "env": {}, "cwd": "/"}'], fds)
                    conn.shutdown(socket.SHUT_WR)
                    os.write(write, conn.recv(4096))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read()
    os.waitpid(pid, 0)
    assert said == b"" or said.startswith(b"refused ")  # never "pid N"
    assert zygote.kernels() == []


def test_a_zygote_that_cannot_start_says_why_and_leaves_kernels_ordinary(tmp_path: Path, caplog):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="workbook.kernels"), Zygote(shared) as zygote:
        assert not zygote.running and zygote.env() == {}
        assert VARIABLE not in os.environ

        async def scenario():
            async with kernel() as k:
                return k.forked, await k.value("6 * 7")

        assert run(scenario()) == (False, 42)
    assert "yours alone" in caplog.text


@pytest.fixture
def server(tmp_path: Path):
    """A zygote's server in this process (nothing forked): to drive its requests by hand."""
    serving = zygote_module.Zygote(tmp_path / "zygote.sock")
    yield serving
    serving.close()


def connected(server) -> tuple[socket.socket, zygote_module.Request]:
    """A requester's end of a connection, and the request the server reads from the other."""
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    request = zygote_module.Request(theirs)
    server.requests.add(request)
    server.selector.register(theirs, selectors.EVENT_READ, request)
    return ours, request


def test_a_request_cut_short_is_wiped_whole(server):
    ours, request = connected(server)
    ours.sendall(b'{"env": {"NOTE": "client-secret"')
    server.readable(request)
    assert b"client-secret" in request.buffer and request in server.requests  # not complete
    request.conn.send(b"unread")
    ours.close()  # with an answer unread: the zygote's next read fails (ECONNRESET)
    server.readable(request)
    assert request not in server.requests
    assert b"client-secret" not in request.buffer


def test_a_failed_accept_leaves_it_serving(server):
    class OutOfDescriptors:
        """The listener, but its next accept fails for want of a descriptor."""

        def __init__(self, listener):
            self.listener, self.failed = listener, False

        def accept(self):
            if not self.failed:
                self.failed = True
                raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))
            return self.listener.accept()

    listener, server.listener = server.listener, OutOfDescriptors(server.listener)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(str(server.path))
            server.accept()  # neither raises nor serves it: turns it away
            assert conn.recv(4096).startswith(b"refused ")
    finally:
        server.listener = listener
    assert server.requests == set()
    assert listener.fileno() >= 0 and server.path.exists()  # still listening


def test_it_refuses_a_peer_of_another_account(server, monkeypatch):
    """What the root-only test above shows, for any account: the peer's uid is checked."""
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)  # the zygote's account is another
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(server.path))
        server.accept()
        assert server.requests == set()  # not served...
        assert conn.recv(4096).startswith(b"refused another user's")  # ...and told why


def cpu_seconds(pid: int) -> float:
    """The processor time process ``pid`` has used (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pid: int) -> float:
    """The processor time ``pid`` uses in two seconds of waiting: about none, unless it spins
    (a spinning loop takes what a core gives it, whatever the load)."""
    before = cpu_seconds(pid)
    time.sleep(2)
    return cpu_seconds(pid) - before


def test_out_of_descriptors_it_turns_a_request_away_and_does_not_spin(zygote):
    """A connection it cannot accept for want of a descriptor stays in the listener's queue:
    the listener stays readable, and a loop that only gives up would spin on it."""
    limits = resource.prlimit(zygote.pid, resource.RLIMIT_NOFILE)
    held = len(os.listdir(f"/proc/{zygote.pid}/fd"))
    resource.prlimit(zygote.pid, resource.RLIMIT_NOFILE, (held, limits[1]))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(str(zygote.socket))
            said = conn.recv(4096)
        spent = idle_cpu(zygote.pid)
    finally:
        resource.prlimit(zygote.pid, resource.RLIMIT_NOFILE, limits)
    assert said.startswith(b"refused ") and spent < 0.5

    async def scenario():
        async with kernel() as k:
            return k.forked

    assert run(scenario())  # it serves again once it has descriptors


def test_it_waits_without_spinning_on_requests_half_sent_or_half_closed(zygote):
    half_sent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    half_sent.connect(str(zygote.socket))
    half_sent.sendall(b'{"argv": [')

    async def scenario():
        async with kernel() as k:
            k.manager.provisioner.process._conn.shutdown(socket.SHUT_WR)  # said all it will
            running = idle_cpu(zygote.pid)
            os.kill(k.pid, signal.SIGKILL)
            assert ends(k.pid)
            return k.forked, running, idle_cpu(zygote.pid)  # a zombie, its status unread

    try:
        forked, running, ended = run(scenario())
    finally:
        half_sent.close()
    assert forked and running < 0.5 and ended < 0.5


# A zygote whose serving loop crashes at its second connection (the first is a kernel's).
CRASHING = """
import sys
import threading
from workbook.kernels import zygote

accept, accepted = zygote.Zygote.accept, []

def accept_once(self):
    if accepted:
        raise RuntimeError("the serving loop crashed")
    accepted.append(True)
    accept(self)

zygote.Zygote.accept = accept_once
zygote.main(sys.argv[1:])
"""


def test_a_crash_of_its_serving_loop_still_kills_its_kernels(tmp_path: Path, monkeypatch):
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = folder / "zygote.sock"
    crashing = subprocess.Popen(
        [sys.executable, "-c", CRASHING, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert crashing.stdout.readline().startswith(b"ready ")
        monkeypatch.setenv(VARIABLE, str(path))

        async def scenario():
            async with kernel() as k:
                assert k.forked
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                    conn.connect(str(path))  # the zygote's next accept raises
                    process = k.manager.provisioner.process
                    return await asyncio.to_thread(process.wait, 30)

        assert run(scenario()) == -signal.SIGKILL  # killed on the zygote's way out
        assert crashing.wait(LIMIT) != 0
        assert b"the serving loop crashed" in crashing.stderr.read()
    finally:
        crashing.kill()
        crashing.wait()
        for stream in (crashing.stdin, crashing.stdout, crashing.stderr):
            stream.close()


def test_a_request_refused_without_its_descriptors_is_wiped(server):
    ours, request = connected(server)
    ours.sendall(b'{"argv": [], "env": {"NOTE": "client-secret"}, "cwd": "/"}\0')  # no fds
    server.readable(request)
    assert ours.recv(4096).startswith(b"refused ")
    assert request not in server.requests
    assert b"client-secret" not in request.buffer
    ours.close()


def test_a_request_too_long_is_refused_and_wiped(server):
    ours, request = connected(server)
    too_long = b'{"env": {"NOTE": "client-secret", "PAD": "' + b"x" * zygote_module.LIMIT

    def send():
        with contextlib.suppress(OSError):  # refused before all of it is read
            ours.sendall(too_long)

    sender = threading.Thread(target=send)
    sender.start()
    while request in server.requests:
        select.select([request.conn], [], [], LIMIT)
        server.readable(request)
    sender.join(LIMIT)
    assert request.received == zygote_module.LIMIT  # full, without its end
    assert b"client-secret" not in request.buffer and not any(request.buffer)
    ours.close()
