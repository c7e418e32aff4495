"""Work done as a person's own account on behalf of the hub: reading their practice.

The exchange (hand-in, supervision) runs as root, but it never opens a person's practice as
root: a process running as root inside a folder the person controls could be led by a link
they planted to read or overwrite any file, and SQLite would leave its journal files owned by
root in their practice. So the reading is done by a child process that runs as the person
(``python -m workbook.hub.asuser OP ...``, started with their uid and gid and no other
group), and only the bytes it prints come back to root. What the child can read is exactly
what the person can read.

Operations (the child's side is :func:`main`):

    snapshot PRACTICE [LIMIT]  the practice database as of one moment (VACUUM INTO), raw bytes;
                               refused when larger than LIMIT bytes
    deidentify PRACTICE CLIENT a de-identified copy of CLIENT's case, as JSON
                               ({"case": YAML text, "report": text, "summary": line});
                               refused, exit status 3, when the client has not consented
"""

from __future__ import annotations

import io
import json
import os
import pwd
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import WorkbookError

REFUSED = 3  # the child's exit status for a refusal (no consent): its message is for the user
DB_URL = Path(".workbook") / "db-url"  # a practitioner's own PostgreSQL role (hub-pg)
TIMEOUT = 300  # seconds for one child
OUTPUT_LIMIT = 64 << 20  # bytes a child may print by default (a de-identified case is far less)
CHUNK = 1 << 16  # bytes read from a child at a time
SAID = 8000  # bytes of a child's complaints kept


class AsUserError(WorkbookError):
    """The child failed; ``refused`` when it refused (the message then says why)."""

    def __init__(self, message: str, refused: bool = False):
        super().__init__(message)
        self.refused = refused


class TooLarge(AsUserError):
    """The child's output went past the limit it was read with: it was stopped there."""


def run(
    entry: pwd.struct_passwd, *args: str, data: bytes | None = None, limit: int = OUTPUT_LIMIT
) -> bytes:
    """Run ``python -m workbook.hub.asuser ARGS`` as the account ``entry`` (``data`` on its
    input); its output (at most ``limit`` bytes, else :class:`TooLarge`). A new process, never
    a fork: safe from the service's worker threads."""
    out = io.BytesIO()
    stream(entry, args, out, limit, data=data)
    return out.getvalue()


def stream(
    entry: pwd.struct_passwd,
    args: tuple[str, ...] | list[str],
    out: BinaryIO,
    limit: int,
    *,
    data: bytes | None = None,
) -> int:
    """Run the child as in :func:`run`, writing its output to ``out`` as it comes; the bytes
    written. The child runs as the person, who could make it print without end: more than
    ``limit`` bytes stop it (killed) with :class:`TooLarge`, so root never holds more than a
    chunk of it in memory, and its complaints are kept to their first few thousand bytes."""
    home = Path(entry.pw_dir)
    env = {
        "HOME": str(home),
        "USER": entry.pw_name,
        "LOGNAME": entry.pw_name,
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    with tempfile.TemporaryFile() as given:  # the input, if any, from a file: no deadlock
        given.write(data or b"")
        given.seek(0)
        child = subprocess.Popen(
            # -I: their home (the folder it starts in) is not on the import path, nor are
            # PYTHON* variables read, so nothing a person planted can stand in for the code
            [sys.executable, "-I", "-B", "-m", "workbook.hub.asuser", *args],
            user=entry.pw_uid,
            group=entry.pw_gid,
            extra_groups=[],
            env=env,
            cwd="/",
            stdin=given if data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            umask=0o077,
        )
    deadline = time.monotonic() + TIMEOUT
    try:
        written, said = _drain(child, out, limit, deadline)
        status = child.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        raise AsUserError(f"took longer than {TIMEOUT} seconds; stopped") from None
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        child.stdout.close()
        child.stderr.close()
    if status != 0:
        lines = said.decode("utf-8", "replace").strip().splitlines()
        message = lines[-1] if lines else f"exit status {status}"
        raise AsUserError(message.removeprefix("workbook: error: "), status == REFUSED)
    return written


def _drain(
    child: subprocess.Popen, out: BinaryIO, limit: int, deadline: float
) -> tuple[int, bytes]:
    """Read the child's output into ``out`` and its complaints (the first ``SAID`` bytes),
    until both end; past ``limit`` bytes of output or the ``deadline``, an error (the caller
    stops the child)."""
    written, said = 0, bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AsUserError(f"took longer than {TIMEOUT} seconds; stopped")
            for key, _ in selector.select(timeout=left):
                chunk = os.read(key.fileobj.fileno(), CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is child.stderr:
                    said += chunk[: max(0, SAID - len(said))]
                else:
                    written += len(chunk)
                    if written > limit:
                        raise TooLarge(f"more than {size_text(limit)}; stopped there")
                    out.write(chunk)
    return written, bytes(said)


def size_text(n: int) -> str:
    """A size for people: 200 MiB, 1.5 KiB, 12 bytes."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def call_as(entry: pwd.struct_passwd, fn: Callable[[], None]) -> None:
    """Call ``fn`` in a forked child that has become the account ``entry`` (no other group,
    umask 077, HOME theirs), for the command line's many small writes (a workshop of 300),
    where a fresh interpreter per person would cost seconds each. Not for the service, whose
    threads a fork would copy half-way. A failure comes back as its one-line message."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become the person, work, and leave without any cleanup
        status = 1
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.umask(0o077)
            os.environ.update(HOME=entry.pw_dir, USER=entry.pw_name, LOGNAME=entry.pw_name)
            os.chdir(entry.pw_dir)
            fn()
            status = 0
        except BaseException as exc:  # noqa: BLE001 - said to the parent, in one line
            os.write(writer, f"{exc}".encode("utf-8", "replace")[:4000])
        finally:
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        said = pipe.read().decode("utf-8", "replace").strip()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise AsUserError(f"as {entry.pw_name}: {said or 'failed'}")


# -- the child's side: runs as the person ----------------------------------------------------
def _practice(path: str):  # noqa: ANN202 - a Practice
    from ..practice import Practice

    url_file = Path.home() / DB_URL
    url = url_file.read_text("utf-8").strip() if url_file.is_file() else None
    return Practice.locate(Path(path), url or None)


def snapshot(path: str, limit: str | None = None) -> bytes:
    """The snapshot, sent on to the output as it is read (never whole in memory); refused,
    naming its size, when it is larger than ``limit`` bytes (the parent stops it there too)."""
    import shutil

    from ..backup.snapshot import take

    practice = _practice(path)
    if not practice.embedded:
        raise WorkbookError("a practice kept in PostgreSQL cannot be handed in as a file")
    with practice.open(create=False) as store, tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "snapshot.db"
        take(store, target)
        size = target.stat().st_size
        if limit is not None and size > int(limit):
            most = size_text(int(limit))
            raise WorkbookError(
                f"the practice is {size_text(size)} once copied, more than the {most} a hand-in "
                "may be"
            )
        with target.open("rb") as copy:
            shutil.copyfileobj(copy, sys.stdout.buffer, CHUNK)
    return b""


def deidentified(path: str, client: str) -> bytes:
    from ..casefile import dump_case
    from ..deidentify import deidentify_with_counts
    from ..deidentify.report import report_text, summary

    with _practice(path).open(create=False) as store:
        case = store.load(client)
    copy, counts = deidentify_with_counts(case)
    found = {"case": dump_case(copy), "report": report_text(counts), "summary": summary(counts)}
    return json.dumps(found).encode("utf-8")


def write(path: str) -> bytes:
    """The input, written whole to ``path`` (0600, parents made private), as the person."""
    from ..files import write_private

    write_private(Path(path), sys.stdin.buffer.read())
    return b""


def main(argv: list[str]) -> int:
    from ..deidentify import NotConsented

    os.umask(0o077)
    try:
        if argv[:1] == ["snapshot"] and len(argv) in (2, 3):
            out = snapshot(*argv[1:])
        elif argv[:1] == ["deidentify"] and len(argv) == 3:
            out = deidentified(argv[1], argv[2])
        elif argv[:1] == ["write"] and len(argv) == 2:
            out = write(argv[1])
        else:
            print(f"workbook: error: unknown operation {argv!r}", file=sys.stderr)
            return 2
    except NotConsented as exc:
        print(f"workbook: error: {exc}", file=sys.stderr)
        return REFUSED
    except WorkbookError as exc:
        print(f"workbook: error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
