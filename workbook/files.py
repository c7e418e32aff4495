"""Files that hold client data: created private (0600, folders 0700) and written atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


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


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` with mode 0600: all of it or, on failure, nothing."""
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates the file 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_tree(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
