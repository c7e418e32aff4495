"""A workshop's cohort: every trainee's practice read, and the figures of the cohort report.

Each trainee's work is their case measured against the case handed out (:mod:`workbook.changes`),
so the report credits trainees with what they did, never with the sample they were given.
A trainee whose practice is missing or cannot be read is listed with the reason, never fatal.
Trainees are shown as "Trainee 01", "Trainee 02"... unless names are asked for.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .casefile import read_case
from .changes import Changes, compare
from .errors import WorkbookError
from .fidelity import FAIL, NAMES, PASS, SUMMARY, WARN, Finding, run_checks
from .model import Case
from .practice import Practice
from .workshop import HANDOUT, META, TRAINEE

STEPS = ["intake", "step 1", "step 2", "step 3", "step 4"]  # by number: 0 is the intake


@dataclass
class Member:
    id: str
    label: str
    case: Case | None
    problem: str | None = None
    changes: Changes | None = None
    _findings: dict[date, list[Finding]] = field(default_factory=dict, repr=False)

    def findings(self, as_of: date) -> list[Finding]:
        """The fidelity checks of the trainee's case, run once per date."""
        if self.case is None:
            return []
        if as_of not in self._findings:
            self._findings[as_of] = run_checks(self.case, as_of)
        return self._findings[as_of]


def handout(workshop: Path, case_id: str) -> Case:
    """The case as handed out, kept by ``workshop create``."""
    path = workshop / HANDOUT
    if not path.exists():
        raise WorkbookError(
            f"{workshop}: the case as handed out ({HANDOUT}) is missing, so the trainees' work "
            f"cannot be measured; copy the case file the trainees were given to {path}"
        )
    given = read_case(path)
    if given.client.id != case_id:
        raise WorkbookError(
            f"{path}: holds client {given.client.id!r} but the workshop's case is {case_id!r}"
        )
    return given


def read_meta(workshop: Path) -> dict:
    """The workshop's ``workshop.json``: its case and its trainees' ids."""
    try:
        return json.loads((workshop / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkbookError(f"{workshop}: not a workshop folder ({META}: {exc})") from None


def load(
    workshop: Path, names: bool = False, progress: Callable[[Member], None] | None = None
) -> list[Member]:
    meta = read_meta(workshop)
    given = handout(workshop, meta["case"])
    members = []
    with _Reader() as reader:
        for n, tid in enumerate(meta["trainees"], start=1):
            folder = workshop / tid
            label = f"Trainee {n:02d}"
            if names:
                try:
                    label = json.loads((folder / TRAINEE).read_text(encoding="utf-8"))["name"]
                except (OSError, ValueError, KeyError):
                    label = tid
            practice = Practice(folder)
            if not practice.db_path.exists():
                members.append(Member(tid, label, None, "no practice found"))
            else:
                try:
                    case = reader.read(practice, meta["case"])
                    members.append(Member(tid, label, case, changes=compare(given, case)))
                except (WorkbookError, ValueError) as exc:  # a crafted row fails validation
                    # said without the folder or id: they name the trainee
                    reason = str(exc) if isinstance(exc, WorkbookError) else _first_line(exc)
                    reason = reason.replace(str(folder), "the practice").replace(tid, label)
                    members.append(Member(tid, label, None, f"unreadable: {reason}"))
            if progress:
                progress(members[-1])
    return members


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


class _Reader:
    """Reads many trainees' practices through one connection, attaching each database in turn,
    so the queries are compiled once for the whole cohort rather than once per practice.

    A trainee made their database and controls everything in it, schema included, and the
    reader may be root (``workshop collect --hub`` and ``feedback`` read the hand-ins in the
    hub's inbox). So each is attached read-only and immutable, on a connection that distrusts
    schemas and refuses writes (:func:`workbook.backup.snapshot.open_untrusted`): a view or a
    trigger they crafted cannot call the reader's functions, and nothing is written to their
    file or beside it. A practice made by an older version is upgraded in a private copy, never
    in place. Reading as the educator instead (:mod:`workbook.hub.asuser`) would not do: a
    workshop may have no educator, or several, and the report is root's to write."""

    def __enter__(self) -> _Reader:
        import sqlite3

        from sqlalchemy import create_engine

        from .backup.snapshot import distrust

        def connect() -> sqlite3.Connection:  # URIs allowed, so ATTACH takes one
            return distrust(sqlite3.connect(":memory:", uri=True, check_same_thread=False))

        self.engine = create_engine("sqlite://", creator=connect)
        self.conn = self.engine.connect()
        self.attached = self.conn.execution_options(schema_translate_map={None: "trainee"})
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
        self.engine.dispose()

    def read(self, practice: Practice, client: str) -> Case:
        from sqlalchemy.exc import DBAPIError

        from .backup.snapshot import untrusted_uri
        from .store import cases
        from .store.engine import HEAD

        try:
            self.conn.exec_driver_sql(
                "ATTACH DATABASE ? AS trainee", (untrusted_uri(practice.db_path),)
            )
        except DBAPIError as exc:
            self.conn.rollback()
            raise WorkbookError(str(exc.orig).splitlines()[0]) from None
        try:
            version = self.conn.exec_driver_sql(
                "SELECT version_num FROM trainee.alembic_version"
            ).scalar()
            if version != HEAD:  # made by another version: the store upgrades a copy first
                return _upgraded(practice, client)
            pk = cases.client_pk(self.attached, client)
            if pk is None:
                raise WorkbookError(f"the practice case {client!r} is not in the practice")
            return cases.read_case(self.attached, pk)
        except DBAPIError as exc:
            raise WorkbookError(str(exc.orig).splitlines()[0]) from None
        finally:
            self.conn.rollback()
            self.conn.exec_driver_sql("DETACH DATABASE trainee")


def _upgraded(practice: Practice, client: str) -> Case:
    """``client`` read from a private copy of an older practice, upgraded by the store: the
    trainee's own file is left as it is (and the copy is made with the untrusted reader's
    rules: read-only, immutable)."""
    import sqlite3
    import tempfile
    from contextlib import closing

    from sqlalchemy.exc import SQLAlchemyError

    from .backup.snapshot import open_untrusted

    with tempfile.TemporaryDirectory(prefix="wb-cohort-") as tmp:
        copy = Practice(Path(tmp))
        try:
            with (
                closing(open_untrusted(practice.db_path)) as source,
                closing(sqlite3.connect(copy.db_path)) as target,
            ):
                source.backup(target)
            with copy.open(create=False) as store:
                return store.load(client)
        except (sqlite3.Error, SQLAlchemyError) as exc:
            raise WorkbookError(f"the practice could not be upgraded: {exc}") from None


def _read(members: list[Member]) -> list[Member]:
    return [m for m in members if m.changes is not None]


def work(members: list[Member]) -> pd.DataFrame:
    """What each readable trainee did to the case handed out: counts, and the steps worked on."""
    rows = [
        {
            "trainee": m.label,
            "added": m.changes.added,
            "changed": m.changes.changed,
            "removed": m.changes.removed,
            **{s: n in m.changes.steps for n, s in enumerate(STEPS)},
        }
        for m in _read(members)
    ]
    return pd.DataFrame(rows, columns=["trainee", "added", "changed", "removed", *STEPS])


def fidelity(members: list[Member], as_of: date) -> pd.DataFrame:
    """Per check, how many trainees pass, warn and fail; the most missed checks first."""
    counts: dict[tuple[int, str], Counter] = {}
    for m in members:
        for f in m.findings(as_of):
            counts.setdefault((f.step, f.check), Counter())[f.status] += 1
    rows = [
        {
            "step": step,
            "check": check,
            "name": NAMES[check],
            "pass": c[PASS],
            "warn": c[WARN],
            "fail": c[FAIL],
            "missed": c[WARN] + c[FAIL],
        }
        for (step, check), c in counts.items()
    ]
    df = pd.DataFrame(rows, columns=["step", "check", "name", "pass", "warn", "fail", "missed"])
    return df.sort_values(
        ["missed", "fail", "step", "check"], ascending=[False, False, True, True], ignore_index=True
    )


def fidelity_by_trainee(members: list[Member], as_of: date) -> pd.DataFrame:
    """Per readable trainee, how many checks pass, warn and fail, and which were missed."""
    rows = []
    for m in _read(members):
        found = m.findings(as_of)
        rows.append(
            {
                "trainee": m.label,
                **{SUMMARY[s]: sum(f.status == s for f in found) for s in SUMMARY},
                "missed": [(f.name, f.status) for f in found if f.status != PASS],
            }
        )
    return pd.DataFrame(rows, columns=["trainee", *SUMMARY.values(), "missed"])


def as_json(members: list[Member], as_of: date) -> list[dict]:
    """One object per trainee: their work on the case handed out and their fidelity checks.

    A trainee whose practice could not be read has nulls and empty lists (the reason is said on
    stderr as the cohort is read)."""
    return [
        {
            "trainee": m.label,
            "added": m.changes.added if m.changes else None,
            "changed": m.changes.changed if m.changes else None,
            "removed": m.changes.removed if m.changes else None,
            "steps_worked": m.changes.steps if m.changes else [],
            "fidelity": [
                {"check": f.check, "step": f.step, "status": f.status} for f in m.findings(as_of)
            ],
        }
        for m in members
    ]


def common(members: list[Member], what: str, top: int = 10) -> pd.DataFrame:
    """The skills (named on stories) or ideas (added or reworded) the trainees recorded
    themselves, as written: how many trainees each."""
    counter: Counter = Counter()
    for m in _read(members):
        counter.update(set(m.changes.skills if what == "skills" else m.changes.ideas))
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return pd.DataFrame(rows, columns=[what[:-1], "trainees"])


def regularity(members: list[Member]) -> pd.DataFrame:
    """Check-in regularity per trainee: how many (and how many are the trainee's own), the
    longest gap, and the share within a week."""
    rows = []
    for m in _read(members):
        dates = sorted({k.date for k in m.case.checkins})
        gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
        own = m.changes.kinds["checkins"]
        rows.append(
            {
                "trainee": m.label,
                "check-ins": len(dates),
                "added or changed": own.added + own.changed,
                "longest gap (days)": max(gaps) if gaps else None,
                "within a week": (sum(g <= 7 for g in gaps) / len(gaps)) if gaps else None,
            }
        )
    columns = ["trainee", "check-ins", "added or changed", "longest gap (days)", "within a week"]
    df = pd.DataFrame(rows, columns=columns)
    df["longest gap (days)"] = df["longest gap (days)"].astype("Int64")
    return df


def problems(members: list[Member]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"trainee": m.label, "problem": m.problem} for m in members if m.problem],
        columns=["trainee", "problem"],
    )


STYLE = """<style>
.wb-cohort table { border-collapse: collapse; margin: 0.4em 0 1em; }
.wb-cohort th, .wb-cohort td { border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: left !important; vertical-align: top; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.wb-muted { color: #666; }
</style>"""


class CohortReport:
    """What the cohort report template displays, section by section. Every text a trainee
    wrote reaches the page through :func:`workbook.report.esc`: shown as written, escaped."""

    def __init__(self, workshop: str, names: bool = False, as_of: str | None = None):
        self.as_of = date.fromisoformat(as_of) if as_of else date.today()
        self.members = load(Path(workshop), names)

    def _show(self, body: str) -> None:
        from IPython.display import HTML, display

        display(HTML(f'{STYLE}<div class="wb-cohort tex2jax_ignore mathjax_ignore">{body}</div>'))

    def _table(self, df: pd.DataFrame, empty: str = "Nothing to show.") -> None:
        from .report import esc

        if df.empty:
            self._show(f'<p class="wb-muted">{esc(empty)}</p>')
            return

        def cell(value: object) -> str:
            return "—" if value is None or pd.isna(value) else esc(value)

        head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
            for row in df.itertuples(index=False)
        )
        self._show(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    def overview(self) -> None:
        read = _read(self.members)
        idle = sum(not m.changes.steps and not m.changes.kinds["reflections"].any for m in read)
        self._show(
            f"<p>{len(self.members)} trainees, {len(read)} practices read, as of "
            f"{self.as_of.isoformat()}. {len(read) - idle} of them changed the case they were "
            f"given; {idle} have not changed it yet.</p>"
        )

    def work(self) -> None:
        df = work(self.members)
        summary = pd.DataFrame(
            [{"step": s, "worked on by": int(df[s].sum()), "of": len(df)} for s in STEPS]
        )
        self._table(summary)
        shown = df.copy()
        for s in STEPS:
            shown[s] = shown[s].map({True: "worked on", False: "—"})
        self._table(shown, "No practice could be read.")

    def fidelity(self) -> None:
        df = fidelity(self.members, self.as_of)
        df["step"] = df["step"].map(STEPS.__getitem__)
        df = df.rename(columns={"name": "check", "check": "id", **SUMMARY})
        self._table(df[["check", "id", "step", *SUMMARY.values()]])

    def fidelity_by_trainee(self) -> None:
        df = fidelity_by_trainee(self.members, self.as_of)
        df["missed"] = df["missed"].map(
            lambda missed: "\n".join(f"{name} ({SUMMARY[s]})" for name, s in missed) or "—"
        )
        self._table(df.rename(columns={"missed": "checks not passed"}), "No practice was read.")

    def common(self) -> None:
        self._table(common(self.members, "skills"), "No trainee named a skill of their own.")
        self._table(common(self.members, "ideas"), "No trainee added or reworded an idea.")

    def regularity(self) -> None:
        df = regularity(self.members)
        df["within a week"] = df["within a week"].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}")
        self._table(df)

    def problems(self) -> None:
        self._table(problems(self.members), "Every trainee's practice was read.")
