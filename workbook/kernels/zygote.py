"""The zygote: a process that has imported what kernels use, and forks a child per kernel.

Started by :class:`workbook.kernels.Zygote` as ``python -m workbook.kernels.zygote SOCKET``,
with a pipe on its standard input: when that pipe closes (its owner stopped, or died) the zygote
kills the kernels it forked and exits, so it cannot outlive the batch or the server. Before its
imports it makes BLAS single-threaded (a thread pool does not survive a fork) and names the
inline matplotlib backend unless one is named; after them it holds no thread, zmq context,
event loop or database engine, and its garbage collector is off (see :func:`prepare`). It then
says ``ready PID`` on its standard output and serves its Unix socket (in a 0700 folder; a peer
of another user is refused).

One connection per kernel. The requester sends the request (bytes the child decodes, see
``child.py``) with four file descriptors attached (the kernel's stdin, stdout and stderr, and a
pidfd of the requester, whose end ends the kernel) and shuts its writing side. The zygote forks
and answers ``pid N``, then ``exit CODE`` (as Popen's returncode) once the kernel has ended, or
``refused WHY`` instead of a pid.

The surprise: the zygote never decodes a request. It reads the bytes into a buffer of its own,
forks, and wipes the buffer; only the child reads what it asked for (its environment, its
folder), so nothing of one kernel's request is in the memory the next kernel is forked from.
"""

from __future__ import annotations

import array
import contextlib
import gc
import importlib
import os
import selectors
import signal
import socket
import struct
import sys
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
LIMIT = 1 << 20  # bytes in a request (an environment and a few paths)
FDS = 4  # stdin, stdout, stderr, and the owner's pidfd


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


class Request:
    """One connection: the request as it arrives, then the kernel it asked for."""

    def __init__(self, conn: socket.socket):
        self.conn = conn
        self.buffer = bytearray(LIMIT)  # filled in place, wiped after the fork
        self.size = 0
        self.fds: list[int] = []
        self.pid = 0
        self.pidfd = -1

    def read(self) -> bool:
        """Take what has arrived; True once the requester has sent everything."""
        view = memoryview(self.buffer)[self.size :]
        if not view:
            return True  # full: whatever follows is refused below
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
        self.size += n
        return n == 0

    def answer(self, line: str) -> None:
        with contextlib.suppress(OSError):  # the requester has gone: the kernel is reaped anyway
            self.conn.sendall(line.encode() + b"\n")

    def wipe(self) -> None:
        self.buffer[: self.size] = bytes(self.size)
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
                elif key.fileobj is key.data.conn:
                    self.readable(key.data)
                else:
                    self.reap(key.data)

    def accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except BlockingIOError:
            return
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", creds)
        request = Request(conn)
        if uid != os.getuid():
            request.answer("refused another user's request")
            conn.close()
            return
        conn.setblocking(False)
        self.requests.add(request)
        self.selector.register(conn, selectors.EVENT_READ, request)

    def readable(self, request: Request) -> None:
        try:
            complete = request.read()
        except OSError:
            complete, request.size = True, 0
        if not complete:
            return
        self.selector.unregister(request.conn)  # kept only to answer
        if len(request.fds) != FDS or not request.size or request.size == LIMIT:
            request.answer("refused a request without its four descriptors, empty or too long")
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
        request.pid, request.pidfd = pid, os.pidfd_open(pid)
        self.selector.register(request.pidfd, selectors.EVENT_READ, request)
        request.answer(f"pid {pid}")

    def reap(self, request: Request) -> None:
        _, status = os.waitpid(request.pid, 0)
        request.answer(f"exit {os.waitstatus_to_exitcode(status)}")
        self.drop(request)

    def drop(self, request: Request) -> None:
        request.wipe()
        for fileobj in (request.conn, request.pidfd):
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(fileobj)
        request.conn.close()
        if request.pidfd >= 0:
            os.close(request.pidfd)
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
            self.reap(request)

    def close(self) -> None:
        """Let go of every descriptor and request the zygote holds (in a child, at its start)."""
        for request in list(self.requests):
            request.buffer[: request.size] = bytes(request.size)  # another's, maybe half read
            request.conn.close()
            if request.pidfd >= 0:
                os.close(request.pidfd)
        self.selector.close()
        self.listener.close()


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
        zygote.kill_kernels()
    finally:
        Path(path).unlink(missing_ok=True)
        if "--own-folder" in flags:
            with contextlib.suppress(OSError):  # only if empty: never what it did not make
                Path(path).parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
