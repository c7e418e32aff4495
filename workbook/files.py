"""Every file the product writes: whole or not at all, and private when it holds client data.

One door (:func:`write_whole`, and :func:`write_private` for client data) for every file:
the bytes go to a temporary file beside the target (``.NAME.PID.RANDOM.tmp``: hidden, and
named after the process writing it), are flushed and synced to disk, and the temporary file
is then renamed over the target, and the folder synced so that the rename itself is on disk.
A kill at any moment leaves the previous good file or the new one under the target's name,
never a part. A temporary file left by a writer that was killed is removed by the next write of
the same file (only once its process has gone, so two writers never remove each other's).
Papermill writes a failed run's notebook itself, so it is given such a name too (``.tmp.ipynb``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
CHUNK = 1 << 20  # bytes per write call


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) a folder only its owner can read."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # every folder made here is private, not only the last
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    return path


def touch_private(path: Path) -> Path:
    """Create an empty file with mode 0600 if it does not exist (before a library opens it)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    return path


def write_whole(path: Path, data: bytes, *, mode: int = FILE_MODE) -> Path:
    """Write ``data`` to ``path`` (with ``mode``): all of it, or, killed or failing, nothing."""
    path = Path(path)
    folder = path.parent
    if mode & 0o077:
        folder.mkdir(parents=True, exist_ok=True)
    else:
        private_dir(folder)
    clear_stale(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, mode)  # mkstemp makes it 0600; a public file is widened here
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        rename(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write a file holding client data: mode 0600, whole or not at all."""
    return write_whole(path, data, mode=FILE_MODE)


def rename(source: Path, target: Path) -> Path:
    """Rename ``source`` over ``target`` (atomic) and sync the folder, so the rename lasts."""
    os.replace(source, target)
    sync_dir(Path(target).parent)
    return Path(target)


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename, a new name) to disk, where the system allows it."""
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder: nothing lost
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clear_stale(path: Path) -> list[Path]:
    """Remove the temporary files of ``path`` left by writers that were killed."""
    removed = []
    name = Path(path).name
    for tmp in Path(path).parent.glob(f".{glob.escape(name)}.*.tmp*"):
        pid = tmp.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:CHUNK]) :]


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_tree(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
