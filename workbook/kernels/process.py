"""A Popen-like handle on a kernel the zygote forked: what LocalProvisioner expects of a process.

The kernel is the zygote's child, not ours, so ``os.waitpid`` cannot tell us how it ended. The
connection that asked for it can: the zygote writes ``exit CODE`` there (CODE as Popen's
``returncode``: negative for a signal) and reaps the kernel only once this handle closes the
connection, as Popen keeps a zombie until it is polled. Signals go through the pidfd the zygote
sent with the pid, so they can never reach another process given the same number later.

The surprise: should the zygote die first, the connection closes without a status. The kernel
runs on (it ends with its owner, not with the zygote: see ``child.py``), and the handle watches
its pidfd instead; when it ends, its status is lost (only its parent could reap it, and that
parent is gone), so the handle reports 1, as for a kernel that ended with an error.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import time

ORPHANED = 1  # the status reported for a kernel that outlived its zygote: the real one is lost


class ForkedKernel:
    """``pid``, ``returncode``, ``poll``, ``wait``, ``send_signal``, ``terminate``, ``kill``."""

    stdin = stdout = stderr = None

    def __init__(
        self, args: list[str], pid: int, conn: socket.socket, pidfd: int, pending: bytes = b""
    ):
        self.args, self.pid, self.returncode = args, pid, None
        self._conn: socket.socket | None = conn
        self._pidfd = pidfd  # the zygote's, sent with the pid (now ours to close)
        self._pending = pending  # what followed the pid line
        conn.setblocking(False)
        self._status()

    def poll(self) -> int | None:
        return self._check(0)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if self._check(left) is None and left == 0:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            return  # like Popen: a kernel that has ended is not signalled
        with contextlib.suppress(ProcessLookupError):  # ended meanwhile, as Popen tolerates
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _check(self, timeout: float | None) -> int | None:
        """Read what the zygote has said within ``timeout`` seconds; the status, if any."""
        if self.returncode is not None:
            return self.returncode
        watched = [self._conn] if self._conn else [self._pidfd] if self._pidfd >= 0 else []
        if not watched:
            return self._finish(ORPHANED)
        ready, _, _ = select.select(watched, [], [], timeout)
        if self._conn is not None and ready:
            try:
                data = self._conn.recv(4096)
            except BlockingIOError:
                data = None
            except OSError:
                data = b""
            if data == b"":  # the zygote has gone without a word: the pidfd tells from now on
                self._conn.close()
                self._conn = None
            elif data:
                self._pending += data
            self._status()
        elif ready:  # the pidfd: the orphaned kernel has ended
            self._finish(ORPHANED)
        return self.returncode

    def _status(self) -> None:
        *lines, self._pending = self._pending.split(b"\n")  # the last one may be partial
        for line in lines:
            word, _, value = line.partition(b" ")
            if word == b"exit":
                self._finish(int(value))

    def _finish(self, code: int) -> int:
        if self.returncode is None:
            self.returncode = code
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._pidfd >= 0:
                os.close(self._pidfd)
                self._pidfd = -1
        return code

    def __del__(self) -> None:
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
        if getattr(self, "_pidfd", -1) >= 0:
            os.close(self._pidfd)
