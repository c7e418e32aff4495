"""The exchange: workshop inboxes, hand-ins and supervision copies, made by root only.

As in nbgrader's exchange, trainees hand work in to a place their educators read; stricter than
it, no trainee can list or read that place, their own hand-in included, because trainees never
write there themselves: the copy is made by a privileged party (the hub's service
``workbook-exchange``, or the command line, both as root), which reads the person's practice
through a child running as that person (:mod:`.asuser`) and writes what it returns.

Where: ``HOMES/.workbook-exchange`` rather than the hub folder, which stays closed to all but
root (it holds the hub's database and secrets). The homes folder is the one place every
account can already pass through (their homes are in it), so the educators can reach their
workshops' inboxes without anything else of the hub being opened:

    HOMES/.workbook-exchange/            root:root 0711   (enter, never list)
        workshops/                       root:root 0711
            WORKSHOP/                    root:wbw-WORKSHOP 0750  a workshop folder, as
                workshop.json                                    `workshop create --out`
                handout.yaml                                     makes, read by the educators
                TRAINEE/trainee.json     (the group: the workshop's educators); files 0640
                TRAINEE/practice.db      the hand-in: a snapshot of the trainee's practice

Supervision copies go to the supervisor's own practice, ``~/practice/supervision/FROM/``,
written by a child that has become the supervisor (0600, theirs alone).
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import re
import secrets
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from ..files import rename, write_whole
from ..model.records import SLUG
from . import accounts
from .asuser import AsUserError, TooLarge, run, size_text, stream
from .layout import Hub, HubError, check_homes

ROOT_NAME = ".workbook-exchange"
GROUP_PREFIX = "wbw-"  # a workshop's group; not "wb-", the prefix of the people's own accounts
WORKSHOP = re.compile(r"[a-z0-9][a-z0-9-]{0,27}")  # "wbw-" + 28 fit a 32-character group
SQLITE_MAGIC = b"SQLite format 3\x00"
HAND_IN_LIMIT = 200 << 20  # bytes: the largest snapshot of a practice a hand-in may be
HANDIN = "practice.db"
SUPERVISION = "supervision"


class Refused(HubError):
    """The request is not allowed (not a trainee of the workshop, no consent...): said to the
    person who asked, as it is."""


def check_workshop(name: str, field: str = "workshop", hint: str = "") -> str:
    """``name`` if it can name a workshop (and its group); else one line naming ``field`` (where
    the name came from), the name, the rule, and ``hint``."""
    if not WORKSHOP.fullmatch(name or ""):
        raise HubError(
            f"{field}: {name!r} is not allowed; use 1 to 28 lower-case letters, digits and "
            f"hyphens, starting with a letter or digit{hint}"
        )
    return name


def group_name(workshop: str) -> str:
    return GROUP_PREFIX + check_workshop(workshop)


# -- the folders ---------------------------------------------------------------------------
def root(hub: Hub) -> Path:
    return hub.homes / ROOT_NAME


def workshops_dir(hub: Hub) -> Path:
    return root(hub) / "workshops"


def workshop_dir(hub: Hub, workshop: str) -> Path:
    return workshops_dir(hub) / check_workshop(workshop)


def group_folder(path: Path, gid: int, mode: int) -> Path:
    """A folder owned by root and ``gid`` with ``mode``; one not owned by root is refused (it
    could only be there if someone else made it: nothing root writes may go through it)."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    found = os.lstat(path)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != 0:
        raise HubError(f"{path}: is not a folder owned by root; remove it and try again")
    os.chown(path, 0, gid)
    os.chmod(path, mode)
    return path


def ensure_workshop(hub: Hub, workshop: str) -> Path:
    """The workshop's inbox folder, and its group (made if missing)."""
    group = group_name(workshop)
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        _system(["groupadd", group])
        gid = grp.getgrnam(group).gr_gid
    hub.homes.mkdir(mode=0o755, parents=True, exist_ok=True)
    check_homes(hub.homes)
    group_folder(root(hub), 0, 0o711)
    group_folder(workshops_dir(hub), 0, 0o711)
    return group_folder(workshop_dir(hub, workshop), gid, 0o750)


def add_educators(workshop: str, names: list[str]) -> None:
    """Give the workshop's educators (their accounts) the workshop's group: read, never write."""
    for name in names:
        _system(["gpasswd", "--add", accounts.system_name(name), group_name(workshop)])


def educators(workshop: str) -> list[str]:
    """The hub names of the accounts in the workshop's group."""
    try:
        members = grp.getgrnam(group_name(workshop)).gr_mem
    except KeyError:
        return []
    return sorted(n for m in members if (n := accounts.hub_name(m)))


def remove_workshop_group(workshop: str) -> None:
    subprocess.run(["groupdel", group_name(workshop)], capture_output=True)


def place(path: Path, data: bytes, gid: int) -> Path:
    """Write ``data`` to ``path`` in a workshop folder: whole, root's, readable by ``gid``."""
    write_whole(path, data, mode=0o600)
    os.chown(path, 0, gid)
    os.chmod(path, 0o640)
    return path


def _gid(folder: Path) -> int:
    return os.stat(folder).st_gid


# -- the workshops --------------------------------------------------------------------------
def read_meta(hub: Hub, workshop: str) -> dict:
    path = workshop_dir(hub, workshop) / "workshop.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HubError(
            f"workshop: {workshop!r} is not a workshop of this hub; make it with "
            "`workbook workshop create ROSTER --case FILE --hub DIR --workshop NAME`"
        ) from None


def workshops_of(hub: Hub, name: str) -> list[str]:
    """The workshops that have ``name`` among their trainees."""
    found = []
    folder = workshops_dir(hub)
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        meta = path / "workshop.json"
        if meta.is_file() and name in json.loads(meta.read_text("utf-8")).get("trainees", []):
            found.append(path.name)
    return found


def hand_in(hub: Hub, name: str, workshop: str | None = None) -> dict:
    """Copy trainee ``name``'s practice, as of now, into the workshop's inbox.

    The snapshot is taken by a child running as the trainee and streamed into the inbox, at
    most ``HAND_IN_LIMIT`` bytes of it (:func:`_receive`); root checks that it is a sound SQLite
    database, read as one the trainee made (read-only, its schema distrusted), before it
    replaces an earlier hand-in (whole, in one rename). A refused one leaves nothing behind."""
    mine = workshops_of(hub, name)
    if workshop is None:
        if len(mine) != 1:
            raise Refused(
                f"{name} is a trainee of no workshop on this hub"
                if not mine
                else f"{name} is a trainee of several workshops ({', '.join(mine)}); say which"
            )
        workshop = mine[0]
    elif workshop not in mine:
        raise Refused(f"{name} is not a trainee of the workshop {workshop!r}")
    entry = _entry(name)
    folder = workshop_dir(hub, workshop)
    gid = _gid(folder)
    own = group_folder(folder / name, gid, 0o750)
    staged = own / f".incoming-{secrets.token_hex(4)}.db"
    try:
        _receive(entry, staged)
        from ..backup.snapshot import integrity_check

        verdict = integrity_check(staged, untrusted=True)  # the trainee's making
        if verdict != "ok":
            raise Refused(f"the practice could not be handed in: the copy is damaged ({verdict})")
        os.chown(staged, 0, gid)
        os.chmod(staged, 0o640)
        rename(staged, own / HANDIN)
    finally:
        staged.unlink(missing_ok=True)
    when = datetime.now(UTC).replace(microsecond=0)
    return {"workshop": workshop, "trainee": name, "handed_in": when.isoformat()}


def _receive(entry: pwd.struct_passwd, staged: Path) -> None:
    """The snapshot of the person's practice, taken by a child running as them, streamed into
    the new file ``staged`` (root's, 0600) and never held whole in root's memory; refused past
    ``HAND_IN_LIMIT`` bytes (the child says the practice's size when it sees it is too large;
    root stops it at the limit whatever it does), or when it is not a database."""
    practice = str(Path(entry.pw_dir) / "practice")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        try:
            stream(entry, ["snapshot", practice, str(HAND_IN_LIMIT)], out, HAND_IN_LIMIT)
        except TooLarge:
            raise Refused(
                f"the practice could not be handed in: its copy is more than the "
                f"{size_text(HAND_IN_LIMIT)} a hand-in may be"
            ) from None
        except AsUserError as exc:
            raise Refused(f"the practice could not be handed in: {exc}") from None
        out.flush()
        os.fsync(out.fileno())
    with staged.open("rb") as copy:
        if copy.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise Refused("the practice could not be handed in: the copy is not a database")


def handed_in(hub: Hub, workshop: str) -> list[str]:
    """The trainees of the workshop who have handed in."""
    folder = workshop_dir(hub, workshop)
    meta = read_meta(hub, workshop)
    return [t for t in meta["trainees"] if (folder / t / HANDIN).is_file()]


# -- supervision ----------------------------------------------------------------------------
def supervisors(hub: Hub) -> list[str]:
    return sorted(n for n, role in hub.people().items() if role == "supervisor")


def send_to_supervisor(hub: Hub, name: str, client: str, supervisor: str) -> dict:
    """A de-identified copy of practitioner ``name``'s client ``client`` into ``supervisor``'s
    practice (``supervision/NAME/``), readable by that supervisor only. Refused unless the
    client consented to sharing, exactly as ``workbook deidentify`` refuses."""
    if not SLUG.fullmatch(client or ""):
        raise Refused(f"client: {client!r} is not a client id (a-z, 0-9, hyphens)")
    people = hub.people()
    if people.get(name) != "practitioner":
        raise Refused(f"{name} is not a practitioner on this hub; only practitioners send cases")
    if people.get(supervisor) != "supervisor":
        raise Refused(f"supervisor: {supervisor!r} is not a supervisor on this hub")
    entry = _entry(name)
    try:
        found = json.loads(run(entry, "deidentify", str(Path(entry.pw_dir) / "practice"), client))
    except AsUserError as exc:
        raise Refused(str(exc)) from None
    to = _entry(supervisor)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(to.pw_dir) / "practice" / SUPERVISION / name
    copy = folder / f"{client}-{stamp}.yaml"
    report = folder / f"{client}-{stamp}.report.txt"
    try:  # as the supervisor, in processes of their own (this runs in the service's threads)
        run(to, "write", str(copy), data=found["case"].encode("utf-8"))
        run(to, "write", str(report), data=found["report"].encode("utf-8"))
    except AsUserError as exc:
        raise HubError(
            f"supervision: the copy could not be written for {supervisor}: {exc}"
        ) from None
    return {
        "supervisor": supervisor,
        "client": client,
        "file": f"{SUPERVISION}/{name}/{copy.name}",
        "summary": found["summary"],
    }


def _system(command: list[str]) -> None:
    """Run a system command that changes groups (as root); its complaint in one line."""
    if os.geteuid() != 0:
        raise HubError(f"{command[0]}: a workshop's group can only be made by root; use sudo")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise HubError(f"{command[0]} failed: {said[-1] if said else done.returncode}")


def _entry(name: str) -> pwd.struct_passwd:
    found = accounts.account(name)
    if found is None:
        raise Refused(f"{name} has no account on this machine ({accounts.system_name(name)})")
    return found
