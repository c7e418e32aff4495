"""The ``workbook-fork`` kernel provisioner: a local provisioner whose kernels the zygote forks.

:class:`ForkProvisioner` replaces only ``launch_kernel``. When ``WORKBOOK_ZYGOTE`` names a
zygote and the command is ``<this Python> -m ipykernel_launcher ...``, it sends the zygote the
kernel's arguments, environment and folder with its three streams, and keeps the answer as
``self.process``, a :class:`~workbook.kernels.process.ForkedKernel`; ``pid`` and ``pgid`` are
the child's (it calls ``setsid``), so the base class's poll, wait, signals, interrupt, kill and
cleanup work unchanged. Whenever the zygote is missing, refuses, does not answer or is another
Python's, the kernel is started the ordinary way and the run goes on (one warning per zygote).
So is a kernel whose environment differs from the zygote's in what a fork cannot renew (its
``PYTHON*`` variables, the locale, matplotlib's backend, a thread pool's size: see
``zygote.fixed``), as the zygote's hello tells it; the warning names the variables, never a
value.

The surprise: a zygote that failed once is not asked again by this process. A kernel it was
slow to fork could otherwise start beside the ordinary one started in its place, on the same
ports; and a dead zygote would cost every later kernel a refused connection and a warning.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import os
import pathlib
import socket
import struct
import subprocess
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from .owner import VARIABLE
from .process import ForkedKernel
from .zygote import OWN_DEFAULTS, fixed

LAUNCHERS = (["-m", "ipykernel_launcher"], ["-m", "ipykernel"])
ANSWER_TIMEOUT = 60.0  # seconds for a zygote to fork: far more than it takes even under load
FORKABLE = {"env", "cwd", "stdin", "stdout", "stderr", "independent"}
_failed: set[str] = set()  # zygotes (sockets) that failed in this process
_told: set[str] = set()  # why kernels started the ordinary way, already warned about


class ZygoteFailed(Exception):
    """The zygote could not give a kernel; the message says why."""


class NotForThisKernel(ZygoteFailed):
    """The zygote cannot give this kernel, and may still serve other kernels."""


class OtherPython(NotForThisKernel):
    """The zygote runs another Python than this kernel's."""


class ForkProvisioner(LocalProvisioner):
    """Kernels forked from the zygote named by ``WORKBOOK_ZYGOTE``, or started as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        path = os.environ.get(VARIABLE, "")
        why = unforkable(cmd, kwargs) if path and path not in _failed else "no zygote"
        if why is None:
            try:
                self.process = await fork(path, cmd, kwargs)
            except NotForThisKernel as exc:
                log = self.log.info if str(exc) in _told else self.log.warning
                _told.add(str(exc))
                log("This kernel starts the ordinary way: %s", exc)
            except (OSError, ZygoteFailed) as exc:  # TimeoutError is an OSError
                _failed.add(path)
                self.log.warning("Kernels start the ordinary way: the zygote failed (%s)", exc)
            else:
                self.pid = self.pgid = self.process.pid
                self.cwd = kwargs.get("cwd", pathlib.Path.cwd())
                return self.connection_info
        elif path and path not in _failed:
            self.log.info("This kernel starts the ordinary way: %s", why)
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        """As LocalProvisioner's, never to a forked kernel that has ended: its pid and group
        are free again once the zygote has reaped it."""
        if isinstance(self.process, ForkedKernel):
            if self.process.poll() is not None:
                return
            with contextlib.suppress(ProcessLookupError):
                await super().send_signal(signum)
            return
        await super().send_signal(signum)


def unforkable(cmd: list[str], kwargs: dict[str, Any]) -> str | None:
    """Why this launch cannot be forked, or None."""
    if cmd[1:3] not in LAUNCHERS:
        return f"its command is not python -m ipykernel_launcher ({cmd[:3]})"
    asked = set(LocalProvisioner._scrub_kwargs(kwargs))  # what the ordinary launch uses
    if asked - FORKABLE:
        return f"it asks for {sorted(asked - FORKABLE)}"
    if kwargs.get("independent"):
        return "it must outlive this process"
    if subprocess.PIPE in (kwargs.get(k) for k in ("stdin", "stdout", "stderr")):
        return "it asks for a pipe"
    if not os.path.isdir(kwargs.get("cwd") or "."):
        return f"its folder is missing ({kwargs.get('cwd')})"
    return None


async def fork(path: str, cmd: list[str], kwargs: dict[str, Any]) -> ForkedKernel:
    """Ask the zygote at ``path`` for the kernel ``cmd``; its handle once forked. The whole
    exchange has ANSWER_TIMEOUT seconds; a launch given up at any point gets no kernel."""
    go_read, go_write = os.pipe()  # the child becomes a kernel only on a byte written here
    try:
        try:
            exchange = ask(path, cmd, kwargs, go_read)
            conn, pid, pidfd, pending = await asyncio.wait_for(exchange, ANSWER_TIMEOUT)
        finally:
            os.close(go_read)
        try:
            kernel = ForkedKernel(cmd, pid, conn, pidfd, pending)
        except BaseException:
            conn.close()
            os.close(pidfd)
            raise
        os.write(go_write, b"g")
        return kernel
    finally:
        os.close(go_write)


async def ask(
    path: str, cmd: list[str], kwargs: dict[str, Any], go: int
) -> tuple[socket.socket, int, int, bytes]:
    """Send the request; the connection, the child's pid and pidfd, and what followed."""
    env = dict(kwargs.get("env") or os.environ)
    env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launch_kernel sets it
    request = {
        "argv": cmd[3:],
        "env": env,
        "cwd": os.path.abspath(kwargs.get("cwd") or os.getcwd()),
    }
    loop = asyncio.get_running_loop()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    fds: list[int] = []
    try:
        conn.setblocking(False)
        await loop.sock_connect(conn, path)
        trusted(conn, path, cmd[0])
        hello, rest, fds = await first_line(loop, conn)
        while fds:  # a hello has none
            os.close(fds.pop())
        differing = renewed(env, hello)
        if differing:
            raise NotForThisKernel(
                f"it asks for other {', '.join(differing)} than the zygote's, read when"
                " Python or a library starts"
            )
        with descriptors(kwargs) as streams:
            payload = json.dumps(request).encode() + b"\0"  # JSON holds no NUL byte
            fd_data = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [*streams, go]))]
            sent = conn.sendmsg([payload[:65536]], fd_data)
        if sent < len(payload):
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                await loop.sock_sendall(conn, payload[sent:])  # cut short: the answer says why
        line, pending, fds = await first_line(loop, conn, rest)
        word, _, value = line.partition(" ")
        if word != "pid" or not value.isdigit() or len(fds) != 1:
            raise ZygoteFailed(line or "it closed the connection without a word")
        return conn, int(value), fds.pop(), pending
    except BaseException:
        conn.close()
        for fd in fds:
            os.close(fd)
        raise


def renewed(asked: dict[str, str], hello: str) -> list[str]:
    """The variables a fork cannot renew whose values ``asked`` (the kernel's environment)
    would change from the zygote's, as its ``hello`` gives them. A variable the kernel leaves
    unset where the zygote has its own default (single-threaded BLAS, the inline backend,
    which ipykernel would choose too) does not count."""
    word, _, data = hello.partition(" ")
    try:
        theirs = json.loads(data) if word == "hello" else None
    except ValueError:
        theirs = None
    if not isinstance(theirs, dict):  # a hello's values are never said: they may be secrets
        said = "its hello is garbled" if word == "hello" else hello
        raise ZygoteFailed(said or "it closed the connection without a word")
    ours = fixed(asked)
    return sorted(
        name
        for name in ours.keys() | theirs.keys()
        if ours.get(name) != theirs.get(name)
        and not (name not in ours and theirs.get(name) == OWN_DEFAULTS.get(name))
    )


async def first_line(
    loop: asyncio.AbstractEventLoop, conn: socket.socket, data: bytes = b""
) -> tuple[str, bytes, list[int]]:
    """The first line the zygote says (after ``data``, what came before), what followed it,
    and the descriptors it attached."""
    fds: list[int] = []
    while b"\n" not in data:
        try:
            chunk, more, _, _ = socket.recv_fds(conn, 4096, 1)
        except BlockingIOError:
            await wait_readable(loop, conn)
            continue
        fds += more
        if not chunk:
            break
        data += chunk
    line, _, rest = data.partition(b"\n")
    return line.decode(errors="replace"), rest, fds


async def wait_readable(loop: asyncio.AbstractEventLoop, conn: socket.socket) -> None:
    readable = loop.create_future()
    loop.add_reader(conn, lambda: readable.done() or readable.set_result(None))
    try:
        await readable
    finally:
        loop.remove_reader(conn)


def trusted(conn: socket.socket, path: str, executable: str) -> None:
    """Refuse a zygote that is not this user's, in a folder not this user's alone (before it is
    sent anything: the request holds the kernel's environment, secrets and all), or that runs
    another Python than the kernel's command names."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _ = struct.unpack("3i", creds)
    if uid != os.getuid():
        raise ZygoteFailed(f"its socket is another user's (uid {uid})")
    folder = os.stat(os.path.dirname(path))
    if folder.st_uid != os.getuid() or folder.st_mode & 0o077:
        raise ZygoteFailed(f"its folder is not yours alone (mode 0700): {os.path.dirname(path)}")
    try:
        theirs = os.fsdecode(pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0])
        same = os.path.realpath(theirs) == os.path.realpath(executable) and os.path.samefile(
            os.path.dirname(theirs), os.path.dirname(executable)
        )  # the same interpreter, and the same environment (a venv's bin folder)
    except (OSError, ValueError) as exc:
        raise ZygoteFailed(f"its Python cannot be told ({exc})") from exc
    if not same:
        raise OtherPython(f"the zygote runs {theirs}, the kernel {executable}")


@contextlib.contextmanager
def descriptors(kwargs: dict[str, Any]):
    """The kernel's stdin, stdout and stderr as Popen would give them, and a pidfd of this
    process: the kernel ends when it does."""
    opened: list[int] = []

    def devnull() -> int:
        opened.append(os.open(os.devnull, os.O_RDWR))
        return opened[-1]

    def fd(value: Any, default: int) -> int:
        if value is None:  # inherited, as Popen would; /dev/null if this process has none
            try:
                os.fstat(default)
            except OSError:
                return devnull()
            return default
        if value == subprocess.DEVNULL:
            return devnull()
        return value if isinstance(value, int) else value.fileno()

    try:
        stdin = kwargs.get("stdin")  # the ordinary launch gives a pipe it closes at once
        stdin = devnull() if stdin is None else fd(stdin, 0)
        stdout = fd(kwargs.get("stdout"), 1)
        stderr = kwargs.get("stderr")
        stderr = stdout if stderr == subprocess.STDOUT else fd(stderr, 2)
        opened.append(os.pidfd_open(os.getpid()))
        yield [stdin, stdout, stderr, opened[-1]]
    finally:
        for opened_fd in opened:
            os.close(opened_fd)
