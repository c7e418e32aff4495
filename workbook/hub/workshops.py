"""Workshops on a hub: the roster's trainees as hub people, each practising in their own home.

``create`` is ``workbook workshop create`` with ``--hub``: everything is checked first (the
roster, the case, the names against the hub's people and the educators), then each trainee gets
an account (role trainee; a new account a generated password, written once to a file only the
workshop's educators and root read, for handing out: ``passwords.csv`` in its folder), and
their ``~/practice`` the practice case and its notebooks, written by a child that has become
the trainee (so everything in their home is theirs, 0700/0600). A
trainee whose practice exists already keeps it: the case is added only if missing. The
workshop's inbox (:mod:`.exchange`) is laid out as a workshop folder, so ``collect`` is the
cohort report of the workshop folder the hand-ins make.

Each educator finds the inbox in their own practice too (``workshops/WORKSHOP``, a link).
``feedback`` writes each trainee's fidelity checks, run on what they handed in, into their
own practice (``feedback/WORKSHOP.json``, theirs, 0600), where start-here shows it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from ..casefile import dump_case, read_case
from ..files import private_dir, write_private
from ..workshop import FEEDBACK, HANDOUT, META, TRAINEE, Trainee, read_roster
from . import accounts, exchange
from .asuser import call_as
from .layout import Hub, HubError, check_name


def passwords_path(hub: Hub, workshop: str) -> Path:
    """The workshop's passwords, for handing out: in its folder, which only its educators (and
    root) may enter, readable by them alone (root's, the educators' group, 0640)."""
    return exchange.workshop_dir(hub, workshop) / "passwords.csv"


def _check(hub: Hub, trainees: list[Trainee], educators: list[str]) -> None:
    """Every problem with the names, one per line; nothing is made while any remains."""
    people = hub.people()
    problems = []
    for t in trainees:
        try:
            check_name(t.id)
        except HubError as exc:
            problems.append(f"trainee {t.id!r}: {exc}")
            continue
        role = people.get(t.id)
        if role not in (None, "trainee"):
            problems.append(f"trainee {t.id!r}: is a {role} on this hub; give them another id")
        elif role is None and accounts.account(t.id) is not None and t.id != hub.admin:
            try:
                accounts.check_owned(hub, accounts.account(t.id))
            except HubError as exc:
                problems.append(f"trainee {t.id!r}: {exc}")
    for name in educators:
        if people.get(name) != "educator":
            problems.append(
                f"--educator: {name!r} is not an educator on this hub; add them first with "
                f"`workbook hub add-user DIR {name} --role educator --password-file FILE`"
            )
    if problems:
        raise HubError("\n".join(problems))


def create(
    folder: Path,
    roster: Path,
    case_file: Path,
    workshop: str,
    educators: list[str] = (),
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Make (or join) ``workshop`` on the hub in ``folder``: accounts, practices, the inbox."""
    hub = Hub(folder)
    hub.settings()
    exchange.check_workshop(workshop)
    trainees = read_roster(roster)
    case = read_case(case_file)
    educators = list(educators)
    _check(hub, trainees, educators)
    inbox = exchange.workshop_dir(hub, workshop)
    earlier: list[str] = []
    if (inbox / META).exists():
        meta = exchange.read_meta(hub, workshop)
        if read_case(inbox / HANDOUT) != case:
            raise HubError(
                f"workshop: {workshop!r} runs on another case already; choose another name for "
                "a workshop on this case"
            )
        earlier = meta["trainees"]
    template = Path(tempfile.mkdtemp(prefix=".workshop-", dir=private_dir(hub.exchange)))
    try:
        db, handout = _template(template, case)
        folder_in = exchange.ensure_workshop(hub, workshop)
        gid = os.stat(folder_in).st_gid
        if not earlier:
            exchange.place(folder_in / HANDOUT, dump_case(handout).encode("utf-8"), gid)
        new = [t for t in trainees if t.id not in earlier]
        made = _enrol(hub, new, db, handout, workshop, folder_in, gid, progress)
        meta = {
            "case": case.client.id,
            "trainees": earlier + [t.id for t in new],
            "hub": True,
        }
        exchange.place(folder_in / META, json.dumps(meta, indent=2).encode("utf-8"), gid)
        exchange.add_educators(workshop, educators)
        for name in educators:
            call_as(accounts.account(name), lambda: _link(folder_in, workshop))
    finally:
        shutil.rmtree(template, ignore_errors=True)
    written = _passwords(hub, workshop, made) if made else None
    return {"workshop": workshop, "trainees": [t.id for t in new], "passwords": written}


def _template(folder: Path, case) -> tuple[bytes, object]:  # noqa: ANN001 - a Case
    """The practice database every trainee starts from, made once; and the case as handed out
    (read back from it, as the trainees will find it)."""
    from ..practice import Practice

    practice = Practice(folder / "practice")
    with practice.open() as store:
        store.save(case)
        handout = store.load(case.client.id)
    return practice.db_path.read_bytes(), handout


def _enrol(
    hub: Hub,
    trainees: list[Trainee],
    db: bytes,
    handout,  # noqa: ANN001 - the Case as handed out
    workshop: str,
    inbox: Path,
    gid: int,
    progress: Callable[[str], None] | None,
) -> list[tuple[Trainee, str]]:
    """Accounts, practices and inbox folders for ``trainees``; the new passwords."""
    from .. import notebooks  # loaded before the children are forked, which only write
    from ..store import Store  # noqa: F401
    from .api import connect

    notebooks.preload()
    made = []
    people = hub.people()
    api = connect(hub)
    for t in trainees:
        existed = accounts.account(t.id) is not None
        entry = accounts.ensure_account(hub, t.id, "trainee")
        if not existed:
            password = secrets.token_urlsafe(12)
            accounts.set_password(t.id, password)
            made.append((t, password))
        call_as(entry, lambda t=t: _install(db, handout, t, workshop))
        own = exchange.group_folder(inbox / t.id, gid, 0o750)
        record = {"id": t.id, "name": t.name, "email": t.email}
        exchange.place(own / TRAINEE, json.dumps(record).encode("utf-8"), gid)
        people[t.id] = "trainee"
        hub.save_people(people)  # each as made: a failure later leaves those made usable
        if api is not None:
            api.put_user(t.id, "trainee")
        if progress:
            progress(t.id)
    return made


def _install(db: bytes, handout, trainee: Trainee, workshop: str) -> None:  # noqa: ANN001
    """As the trainee: the practice case in ``~/practice`` (added to a practice they have
    already, never over it), its notebooks, start-here, and which workshop it is for."""
    from ..notebooks import notebooks_dir, parameters, write_notebooks, write_start_notebook
    from ..practice import Practice

    practice = Practice(Path.home() / "practice")
    if not practice.db_path.exists():
        private_dir(practice.path)
        write_private(practice.db_path, db)
    else:
        with practice.open(create=False) as store:
            if not store.has(handout.client.id):
                store.save(handout)
    client = handout.client.id
    write_notebooks(notebooks_dir(practice, client), parameters(practice, client), force=False)
    write_start_notebook(notebooks_dir(practice), parameters(practice))
    mark = {"id": trainee.id, "name": trainee.name, "email": trainee.email, "workshop": workshop}
    write_private(practice.path / TRAINEE, json.dumps(mark).encode("utf-8"))


def _link(inbox: Path, workshop: str) -> None:
    """As an educator: ``~/practice/workshops/WORKSHOP``, a link to the workshop's inbox, so
    the file browser of their own server reaches the hand-ins and the cohort report."""
    link = private_dir(Path.home() / "practice" / "workshops") / workshop
    if not link.is_symlink():
        link.symlink_to(inbox, target_is_directory=True)


def _passwords(hub: Hub, workshop: str, made: list[tuple[Trainee, str]]) -> Path:
    """Add the new accounts' passwords to the workshop's password file (see
    :func:`passwords_path`): each password is written there once, and nowhere else."""
    path = passwords_path(hub, workshop)
    rows = path.read_text("utf-8") if path.exists() else "id,name,email,password\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for t, password in made:
        writer.writerow([t.id, t.name, t.email, password])
    write_private(path, (rows + out.getvalue()).encode("utf-8"))  # whole, root's, 0600 at first
    os.chown(path, 0, os.stat(path.parent).st_gid)  # then the educators' group may read it
    os.chmod(path, 0o640)
    return path


# -- collecting and feedback ----------------------------------------------------------------
def collect(
    folder: Path,
    workshop: str,
    *,
    names: bool = False,
    as_of: date | None = None,
    output: Path | None = None,
) -> tuple[Path, list[str]]:
    """The cohort report of the hand-ins (readable by the workshop's educators, like the
    inbox); and who has handed in."""
    from ..workshop import collect as cohort_report

    hub = Hub(folder)
    hub.settings()
    inbox = exchange.workshop_dir(hub, workshop)
    exchange.read_meta(hub, workshop)
    report = cohort_report(inbox, names=names, as_of=as_of, output=output)
    if output is None:  # in the inbox: the educators' group reads it, no one else
        gid = os.stat(inbox).st_gid
        for path in (report, report.with_suffix(".ipynb")):
            if path.exists():
                os.chown(path, 0, gid)
                os.chmod(path, 0o640)
    return report, exchange.handed_in(hub, workshop)


def feedback(folder: Path, workshop: str, as_of: date | None = None) -> tuple[list[str], list[str]]:
    """Each trainee's fidelity checks on their hand-in, into their own practice; returns who
    got feedback and who has not handed in."""
    from ..cohort import load

    hub = Hub(folder)
    hub.settings()
    meta = exchange.read_meta(hub, workshop)
    day = as_of or date.today()
    inbox = exchange.workshop_dir(hub, workshop)
    given, missing = [], []
    for member in load(inbox):
        entry = accounts.account(member.id)
        if member.case is None or entry is None:
            missing.append(member.id)
            continue
        handed = datetime.fromtimestamp(
            (inbox / member.id / exchange.HANDIN).stat().st_mtime, UTC
        ).replace(microsecond=0)
        body = {
            "workshop": workshop,
            "case": meta["case"],
            "handed_in": handed.isoformat(),
            "as_of": day.isoformat(),
            "findings": [f.as_dict() for f in member.findings(day)],
        }
        target = Path(entry.pw_dir) / "practice" / FEEDBACK / f"{workshop}.json"
        accounts.write_as(entry, target, json.dumps(body, indent=2).encode("utf-8"))
        given.append(member.id)
    return given, missing
