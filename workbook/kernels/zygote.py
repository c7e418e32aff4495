"""The zygote: a process that has imported what kernels use, and forks a child per kernel.

Started by :class:`workbook.kernels.Zygote` as ``python -m workbook.kernels.zygote SOCKET``,
with a pipe on its standard input: when that pipe closes (its owner stopped, or died) the zygote
kills the kernels it forked and exits, so it cannot outlive the batch or the server. Before its
imports it makes BLAS single-threaded (a thread pool does not survive a fork) and names the
inline matplotlib backend unless one is named; after them it holds no thread, zmq context,
event loop or database engine, and its garbage collector is off (see :func:`prepare`). It then
says ``ready PID`` on its standard output and serves its Unix socket (in a 0700 folder; a peer
of another user is refused).

One connection per kernel. The zygote says ``hello {...}`` first: the JSON of its variables that a
fork cannot renew (see :func:`fixed`), for the requester to compare with the kernel's own (a kernel
asking for others starts the ordinary way). The requester then sends the request (bytes the child
decodes, see ``child.py``) ended by a NUL byte, with five file descriptors attached (the kernel's
stdin, stdout and stderr, a pidfd of the requester, whose end ends the kernel, and the reading end
of its "go" pipe). The zygote forks and answers ``pid N`` with a pidfd of the child attached, then
``exit CODE`` (as Popen's returncode) once the kernel has ended, or ``refused WHY`` instead of a
pid. The child binds no port before the requester writes a byte on the go pipe: a requester that
gives up (a timeout, a cancelled launch, a zygote that died before answering) closes it, and the
child exits without becoming a kernel. The ended kernel stays a zombie until the requester closes
the connection, so its pid (and process group) cannot be given to another process while the
requester may still signal it.

The surprise: the zygote never decodes a request. It reads the bytes into a buffer of its own,
forks, and wipes the buffer; only the child reads what it asked for (its environment, its
folder), so nothing of one kernel's request is in the memory the next kernel is forked from.
"""

from __future__ import annotations

import array
import contextlib
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
from collections.abc import Mapping
from pathlib import Path

from . import child

# Made single-threaded before numpy loads (OpenBLAS starts its pool at import).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
INLINE = "module://matplotlib_inline.backend_inline"
# What kernels import, without the modules that change a library's state when imported
# (workbook.plots picks matplotlib's Agg backend: a kernel must start on the inline one).
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # debugpy: a third of what a kernel imports for itself
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "pdb",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
    "tornado.queues",
    "ipywidgets",
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "sqlalchemy",
    "pydantic",
    "workbook.forms",
    "workbook.frames",
    "workbook.store",
    "workbook.summary",
)
# What the zygote sets for itself when not asked: a kernel asking for nothing else may fork.
OWN_DEFAULTS = dict.fromkeys(BLAS_THREADS, "1") | {"MPLBACKEND": INLINE}
LIMIT = 1 << 20  # bytes in a request (an environment and a few paths)
FDS = 5  # stdin, stdout, stderr, the owner's pidfd, and the go pipe


def prepare() -> None:
    """Set what must be set before the imports, then import what kernels use.

    The garbage collector stays off in the zygote, and what it imported is frozen before each
    fork (Python's own advice for a fork server): a collection in a kernel would otherwise
    write to every imported object's header, and copy the page it is on."""
    gc.disable()
    for name in BLAS_THREADS:
        os.environ[name] = "1"
    os.environ.setdefault("MPLBACKEND", INLINE)  # as ipykernel does, before matplotlib loads
    # debugpy warns at import that Python's frozen modules may hide breakpoints; ipykernel's
    # own kernelspecs set this for the same reason.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Like ipykernel_launcher: the folder it was started in is not a place to import from.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    for module in PRELOAD:
        importlib.import_module(module)


def fixed(env: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``env`` read when an interpreter or a library starts, which a fork
    cannot renew: Python's own, the locale's, matplotlib's backend and thread pools' sizes."""
    return {
        name: value
        for name, value in env.items()
        if name.startswith(("PYTHON", "LC_"))
        or name in ("LANG", "MPLBACKEND")
        or name.endswith("_NUM_THREADS")
    }


class Request:
    """One connection: the request as it arrives, then the kernel it asked for."""

    def __init__(self, conn: socket.socket):
        self.conn = conn
        self.buffer = bytearray(LIMIT)  # filled in place, wiped after the fork
        self.received = 0  # bytes in the buffer (all of them are wiped)
        self.size = 0  # the request's, once its NUL has arrived
        self.fds: list[int] = []
        self.pid = 0
        self.pidfd = -1
        self.exited = False  # the kernel has ended (a zombie until the requester hangs up)
        self.hung_up = False  # the requester has closed the connection

    def read(self) -> bool:
        """Take what has arrived; True once the request is complete (or never will be)."""
        view = memoryview(self.buffer)[self.received :]
        if not view:
            return True  # full without its end: refused below
        fd_space = socket.CMSG_SPACE(FDS * array.array("i").itemsize)
        try:
            n, ancillary, _, _ = self.conn.recvmsg_into([view], fd_space)
        except BlockingIOError:
            return False
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
                self.fds += list(fds)
        start, self.received = self.received, self.received + n
        end = self.buffer.find(b"\0", start, self.received)
        if end >= 0:
            self.size = end
        return n == 0 or end >= 0

    def answer(self, line: str, fds: list[int] | None = None) -> None:
        with contextlib.suppress(OSError):  # the requester has gone: the kernel is reaped anyway
            if fds:
                socket.send_fds(self.conn, [line.encode() + b"\n"], fds)
            else:
                self.conn.sendall(line.encode() + b"\n")

    def wipe(self) -> None:
        self.buffer[: self.received] = bytes(self.received)
        for fd in self.fds:
            os.close(fd)
        self.fds = []


class Zygote:
    def __init__(self, path: Path):
        self.path = path
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        os.chmod(path, 0o600)
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.requests: set[Request] = set()
        self.spare = os.open(os.devnull, os.O_RDONLY)  # given up to turn a connection away
        self.hello = "hello " + json.dumps(fixed(os.environ))  # its own, after prepare()

    def serve(self) -> None:
        self.selector.register(0, selectors.EVENT_READ, "owner")
        self.selector.register(self.listener, selectors.EVENT_READ, "listener")
        while True:
            for key, _ in self.selector.select():
                if key.data == "owner":
                    if not os.read(0, 4096):
                        return  # the owner's pipe closed
                elif key.data == "listener":
                    self.accept()
                elif key.fileobj is not key.data.conn:
                    self.ended(key.data)
                elif key.data.pid:
                    self.hangup(key.data)
                else:
                    self.readable(key.data)

    def accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return  # gone before accepted
        except OSError:  # out of descriptors (or memory): the connection still waits
            self.turn_away()
            return
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        except OSError:
            conn.close()
            return
        _, uid, _ = struct.unpack("3i", creds)
        request = Request(conn)
        if uid != os.getuid():
            request.answer("refused another user's request")
            conn.close()
            return
        conn.settimeout(5.0)  # the hello is a few hundred bytes: sent at once to any reader
        request.answer(self.hello)
        conn.setblocking(False)
        self.requests.add(request)
        self.selector.register(conn, selectors.EVENT_READ, request)

    def turn_away(self) -> None:
        """Accept the waiting connection on the spare descriptor, and close it at once (its
        kernel starts the ordinary way): left waiting, it would keep the listener readable and
        the loop spinning. If even that fails, the zygote stops listening (later kernels start
        the ordinary way) and goes on serving its kernels until its owner's pipe closes."""
        os.close(self.spare)
        served = True
        try:
            conn, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            pass  # gone meanwhile
        except OSError:
            served = False
        else:
            with conn, contextlib.suppress(OSError):
                conn.send(b"refused the zygote is out of descriptors\n")
        try:
            self.spare = os.open(os.devnull, os.O_RDONLY)
        except OSError:
            self.spare, served = -1, False  # without a spare, the next turn away would fail
        if not served:
            self.selector.unregister(self.listener)
            self.listener.close()
            self.path.unlink(missing_ok=True)

    def readable(self, request: Request) -> None:
        try:
            complete = request.read()
        except OSError:
            complete, request.size = True, 0
        if not complete:
            return
        self.selector.unregister(request.conn)  # kept only to answer
        if len(request.fds) != FDS or not request.size:
            request.answer("refused a request without its five descriptors, incomplete or empty")
            self.drop(request)
        else:
            self.fork(request)

    def fork(self, request: Request) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()
        try:
            pid = os.fork()
        except OSError as exc:  # out of memory or processes: this kernel starts the ordinary way
            request.answer(f"refused the fork failed ({exc})")
            self.drop(request)
            return
        if pid == 0:
            child.run(memoryview(request.buffer)[: request.size], request.fds, self.close)
        request.wipe()
        request.pid = pid
        try:
            request.pidfd = os.pidfd_open(pid)
        except OSError as exc:  # out of descriptors: the child waits for its go, never comes
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            request.pid = 0
            request.answer(f"refused the fork failed ({exc})")
            self.drop(request)
            return
        self.selector.register(request.pidfd, selectors.EVENT_READ, request)
        self.selector.register(request.conn, selectors.EVENT_READ, request)  # its hang-up
        request.answer(f"pid {pid}", [request.pidfd])

    def ended(self, request: Request) -> None:
        """The kernel has ended: say how, and leave it a zombie until the requester hangs up."""
        self.selector.unregister(request.pidfd)
        self.status(request)
        if request.hung_up:
            self.reap(request)

    def status(self, request: Request) -> None:
        """Tell the requester how its kernel ended (waiting for its end), without reaping it."""
        info = os.waitid(os.P_PID, request.pid, os.WEXITED | os.WNOWAIT)
        code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
        request.answer(f"exit {code}")
        request.exited = True

    def hangup(self, request: Request) -> None:
        """The requester has closed the connection (it says nothing after its request)."""
        try:
            if request.conn.recv(4096):
                return  # not a hang-up: ignored
        except BlockingIOError:
            return
        except OSError:
            pass
        self.selector.unregister(request.conn)
        request.hung_up = True
        if request.exited:
            self.reap(request)

    def reap(self, request: Request) -> None:
        os.waitpid(request.pid, 0)
        self.drop(request)

    def drop(self, request: Request) -> None:
        request.wipe()
        for fileobj in (request.conn, request.pidfd):
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(fileobj)
        request.conn.close()
        if request.pidfd >= 0:
            os.close(request.pidfd)
            request.pidfd = -1
        self.requests.discard(request)

    def kill_kernels(self) -> None:
        """The owner has gone: its kernels go with it."""
        for request in [r for r in self.requests if r.pid]:
            for kill in (os.killpg, os.kill):  # the group, or the child before its setsid
                try:
                    kill(request.pid, signal.SIGKILL)
                    break
                except ProcessLookupError:
                    pass
            with contextlib.suppress(ChildProcessError):
                if not request.exited:
                    self.status(request)
                self.reap(request)

    def close(self) -> None:
        """Let go of every descriptor and request the zygote holds (in a child, at its start)."""
        for request in list(self.requests):
            request.buffer[: request.received] = bytes(request.received)  # another's, maybe half
            # read
            request.conn.close()
            if request.pidfd >= 0:
                os.close(request.pidfd)
        self.selector.close()
        self.listener.close()
        with contextlib.suppress(OSError):
            os.close(self.spare)


def main(argv: list[str] | None = None) -> int:
    """``SOCKET [--own-folder]``: with ``--own-folder`` the socket's folder was made for this
    zygote, and goes with it (its owner may have been killed before it could remove it)."""
    path, *flags = argv if argv is not None else sys.argv[1:]
    prepare()
    zygote = Zygote(Path(path).absolute())
    os.chdir("/")  # holds no folder of its owner's open; each kernel goes to the one it asks
    try:
        owner = os.dup(1)  # the owner reads one line there, then its end; forks never write
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        os.write(owner, f"ready {os.getpid()}\n".encode())
        os.close(owner)
        zygote.serve()
    finally:
        zygote.kill_kernels()
        Path(path).unlink(missing_ok=True)
        if "--own-folder" in flags:
            with contextlib.suppress(OSError):  # only if empty: never what it did not make
                Path(path).parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
