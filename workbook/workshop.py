"""Workshops for educators: one practice per trainee from a roster, and collecting their work.

``create`` checks the roster and the practice case first and builds every trainee's folder in a
staging folder, moving them into place only when all are ready: a bad roster creates nothing. A
new workshop is built whole beside ``out`` and renamed into place in one step, so even a kill
leaves the whole workshop or none of it (a staging folder left by a kill is removed next time).
It also keeps the case as it was handed out (``handout.yaml``, beside ``workshop.json``), read
back from the trainees' starting database so that it is exactly what each trainee began with:
the cohort report measures each trainee's work against it. Nothing writes that file again:
trainees added later to the same folder join only on the same case.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .casefile import read_case, write_case
from .errors import WorkbookError, _show
from .files import alive, private_dir, rename, write_private
from .model import Case
from .model.records import SLUG
from .model.text import SHORT
from .model.text import problem as text_problem
from .practice import Practice
from .resources import TEMPLATES

COLUMNS = ("id", "name", "email")
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}")
META = "workshop.json"
TRAINEE = "trainee.json"
FEEDBACK = "feedback"  # in a trainee's practice on a hub: fidelity feedback, one file per workshop
HANDOUT = "handout.yaml"  # the case as handed out: what each trainee's work is measured against


class RosterError(WorkbookError):
    """Every problem of a roster, one per line, each naming the line."""


@dataclass(frozen=True)
class Trainee:
    id: str
    name: str
    email: str


def read_roster(path: Path) -> list[Trainee]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{name}: is not UTF-8 text; save the roster as UTF-8 CSV") from None
    except OSError as exc:
        raise RosterError(f"{name}: cannot be read ({exc.strerror})") from None
    rows = csv.DictReader(io.StringIO(text, newline=""))  # not splitlines: U+2028 is text
    header = [h.strip().lower() for h in rows.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(
            f"{name}, line 1: missing column(s) {', '.join(missing)}; the roster "
            "needs the columns id, name and email"
        )
    rows.fieldnames = header
    problems, trainees, seen = [], [], {}
    for line, row in enumerate(rows, start=2):
        tid, tname, email = ((row.get(c) or "").strip() for c in COLUMNS)
        if not any((tid, tname, email)):
            continue
        where = f"{name}, line {line}"
        if not SLUG.fullmatch(tid):
            problems.append(f"{where}: id {tid!r} must be a short slug (a-z, 0-9, hyphens)")
        elif tid in seen:
            problems.append(f"{where}: id {tid!r} is already used on line {seen[tid]}")
        else:
            seen[tid] = line
        if not tname:
            problems.append(f"{where}: name is empty")
        elif bad := text_problem(tname, SHORT):  # the same rule as any name typed elsewhere
            problems.append(f"{where}: name {bad} (got {_show(tname)})")
        if not EMAIL.fullmatch(email):
            problems.append(f"{where}: email {email!r} is not an e-mail address")
        trainees.append(Trainee(tid, tname, email))
    if problems:
        raise RosterError("\n".join(problems))
    if not trainees:
        raise RosterError(f"{name}: the roster lists no trainees")
    return trainees


def create(
    roster: Path, case_file: Path, out: Path, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Make ``out/<id>/`` for every trainee: a practice holding the case and its notebooks."""
    from .notebooks import notebooks_dir, parameters, write_notebooks, write_start_notebook

    trainees = read_roster(roster)
    case = read_case(case_file)
    taken = [t.id for t in trainees if (out / t.id).exists()]
    if taken:
        raise WorkbookError(
            f"{out}: folders already exist for {', '.join(taken)}; choose "
            "another --out or remove them"
        )
    earlier = _joining(out, case)
    new = not earlier and not (out.exists() and any(out.iterdir()))
    home = out.parent if new else out  # a new workshop is made beside it and renamed into place
    private_dir(home)
    _clear_staging(home)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=home))
    try:
        first = None
        for trainee in trainees:
            practice = Practice(staging / trainee.id)
            if first is None:
                with practice.open() as store:
                    store.save(case)
                    handout = store.load(case.client.id)  # as the trainees will find it
                first = practice
            else:  # the same practice case: copy the database made (and migrated) once
                private_dir(practice.path)
                shutil.copy2(first.db_path, practice.db_path)
            final = Practice(out / trainee.id)  # where it will live: what the notebooks say
            write_notebooks(
                notebooks_dir(practice, case.client.id), parameters(final, case.client.id)
            )
            write_start_notebook(notebooks_dir(practice), parameters(final))
            write_private(practice.path / TRAINEE, json.dumps(asdict(trainee)).encode())
            if progress:
                progress(trainee.id)
        meta = {"case": case.client.id, "trainees": earlier + [t.id for t in trainees]}
        if new:  # whole: one rename, so a kill leaves the whole workshop or none of it
            write_case(handout, staging / HANDOUT)
            write_private(staging / META, json.dumps(meta, indent=2).encode())
            rename(staging, out)
        else:  # trainees joining: their folders first, then the list that names them
            for trainee in trainees:
                rename(staging / trainee.id, out / trainee.id)
            if not earlier:
                write_case(handout, out / HANDOUT)
            write_private(out / META, json.dumps(meta, indent=2).encode())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / t.id for t in trainees]


def _clear_staging(out: Path) -> None:
    """Remove the staging folders of earlier runs that were killed before they finished."""
    for folder in out.glob(".staging-*-*"):
        pid = folder.name.split("-")[1]
        if folder.is_dir() and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _joining(out: Path, case: Case) -> list[str]:
    """The trainees already in the workshop at ``out``, which new trainees may join only on the
    same case as handed out; none if there is no workshop there yet."""
    if not (out / META).exists():
        return []
    handout = out / HANDOUT
    if not handout.exists() or read_case(handout) != case:
        raise WorkbookError(
            f"{out}: already holds a workshop on another case (see {handout}); choose "
            "another --out for a new cohort"
        )
    return json.loads((out / META).read_text(encoding="utf-8"))["trainees"]


COHORT_TEMPLATE = TEMPLATES / "cohort_report.ipynb"


def collect(
    workshop: Path,
    *,
    names: bool = False,
    as_of=None,  # noqa: ANN001
    output: Path | None = None,
) -> Path:
    """Run the cohort report template over every trainee's practice; write it as HTML."""
    from papermill.iorw import load_notebook_node

    from . import forked
    from .generate.batch import run_to_completion
    from .generate.execute import execute
    from .generate.export import html

    if not (workshop / META).exists():
        raise WorkbookError(
            f"{workshop}: not a workshop folder (no {META}); make one with "
            "`workbook workshop create`"
        )
    report = output or workshop / "cohort-report.html"
    notebook = report.with_suffix(".ipynb")
    params = {
        "workshop": str(workshop.resolve()),
        "names": names,
        "as_of": as_of.isoformat() if as_of else None,
    }
    previous = os.umask(0o077)  # the notebook holds the cohort's work: private
    try:
        with forked.zygote():  # its kernel is forked, like a batch's (workbook.forked)
            nb = run_to_completion(
                execute(load_notebook_node(str(COHORT_TEMPLATE)), params, notebook, "cohort report")
            )
    finally:
        os.umask(previous)
    write_private(report, html(nb, "Cohort report").encode("utf-8"))
    return report
