"""Owning a zygote: :class:`Zygote` starts it, names it to this process's kernels, and ends it.

The zygote is a child of its owner with a pipe on its standard input; the owner holds the only
writing end. Closing it (``stop``, or the owner's death, however sudden) is what ends the zygote
and the kernels it forked. It runs in a session of its own, so a Ctrl-C at the terminal reaches
the owner, which stops as it always does, rather than the zygote behind its back.

The surprise: starting a zygote never fails a run. Whatever goes wrong (not Linux, a folder that
is not private, a failed import in the zygote, no answer) is said once on the
``workbook.kernels`` logger and ``start`` returns False: the ``workbook-fork`` provisioner then
starts kernels the ordinary way, as it does whenever ``WORKBOOK_ZYGOTE`` is not set.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

VARIABLE = "WORKBOOK_ZYGOTE"  # the zygote's socket, for this process and its child servers
log = logging.getLogger("workbook.kernels")
START_TIMEOUT = 120.0  # seconds for the imports: a few on an idle machine, more on a busy one
STOP_TIMEOUT = 30.0
SOCKET_NAME = "zygote.sock"
MAX_SOCKET_PATH = 107  # bytes in a Unix socket's address on Linux


class ZygoteFailed(Exception):
    pass


class Zygote:
    """A zygote for this process's kernels (and its child servers'), from ``start`` to ``stop``."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.pid: int | None = None
        self.socket: Path | None = None
        self._made: Path | None = None  # the temporary folder made by start
        self._previous: str | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, meanwhile: Callable[[], object] | None = None) -> bool:
        """Start the zygote and wait until it answers; False (said once) if it cannot.

        ``meanwhile`` runs in this process while the zygote imports (a batch loads its own
        libraries then, on the other core), or once the zygote has failed; what it raises
        stops the zygote and goes on up."""
        if self.process is not None:
            return self.running
        try:
            path = self._spawn()
        except (OSError, ZygoteFailed) as exc:
            return self._failed(exc, meanwhile)
        try:
            if meanwhile is not None:
                meanwhile()
        except BaseException:
            self.stop()
            raise
        try:
            self.pid = self._ready()
        except (OSError, ZygoteFailed) as exc:
            return self._failed(exc)
        except BaseException:  # stopped (Ctrl-C) while it imports
            self.stop()
            raise
        self.socket = path
        self._previous = os.environ.get(VARIABLE)
        os.environ[VARIABLE] = str(path)
        return True

    def _spawn(self) -> Path:
        """Start the zygote's process; the path its socket will have."""
        if not sys.platform.startswith("linux"):
            raise ZygoteFailed("the zygote needs Linux")
        path = self._folder() / SOCKET_NAME
        if len(os.fsencode(path)) > MAX_SOCKET_PATH:
            raise ZygoteFailed(f"its socket's path is too long for a Unix socket ({path})")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workbook.kernels.zygote", str(path)]
            + (["--own-folder"] if self._made else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        return path

    def _failed(self, exc: Exception, meanwhile: Callable[[], object] | None = None) -> bool:
        log.warning("Kernels start the ordinary way: the zygote did not start (%s)", exc)
        self.stop()
        if meanwhile is not None:
            meanwhile()
        return False

    def stop(self) -> None:
        """End the zygote (and any kernel it forked that still runs) and remove its folder."""
        if self.socket is not None:
            if self._previous is None:
                os.environ.pop(VARIABLE, None)
            else:
                os.environ[VARIABLE] = self._previous
        if self.process is not None:
            if self.pid is None:  # never answered: still importing, or hung; nothing forked
                self.process.kill()
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # the zygote's signal to go
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
        if self._made is not None:
            shutil.rmtree(self._made, ignore_errors=True)
        elif self.socket is not None:
            self.socket.unlink(missing_ok=True)
        self.process = self.pid = self.socket = self._made = self._previous = None

    def env(self) -> dict[str, str]:
        """What a child server's environment needs to use this zygote ({} when not running)."""
        return {VARIABLE: str(self.socket)} if self.running else {}

    def kernels(self) -> list[int]:
        """The process ids of the zygote's children (the kernels it forked) that still run."""
        if not self.running:
            return []
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == self.pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
        return sorted(found)

    def __enter__(self) -> Zygote:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _folder(self) -> Path:
        if self.folder is None:
            self._made = Path(tempfile.mkdtemp(prefix="workbook-zygote-"))  # 0700
            return self._made
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = self.folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise ZygoteFailed(f"its folder must be yours alone (mode 0700): {self.folder}")
        (self.folder / SOCKET_NAME).unlink(missing_ok=True)  # a zygote killed before
        return self.folder

    def _ready(self) -> int:
        """Wait for the zygote's ``ready PID`` and the end of its output (it then holds no
        descriptor but its own); its pid."""
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        data = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise ZygoteFailed(f"no answer in {START_TIMEOUT:.0f} seconds")
                chunk = os.read(self.process.stdout.fileno(), 256)
                if not chunk:
                    break
                data += chunk
        word, _, pid = data.decode(errors="replace").strip().partition(" ")
        if word != "ready" or not pid.isdigit():
            code = self.process.poll()
            raise ZygoteFailed(f"it ended with status {code} before it was ready")
        return int(pid)
