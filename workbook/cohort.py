"""A workshop's cohort: every trainee's practice read, and the figures of the cohort report.

A trainee whose practice is missing or cannot be read is listed with the reason, never fatal.
Trainees are shown as "Trainee 01", "Trainee 02"... unless names are asked for.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import WorkbookError
from .fidelity import FAIL, PASS, WARN, run_checks
from .model import Case
from .practice import Practice
from .workshop import META, TRAINEE

STEPS = ["intake", "step 1", "step 2", "step 3", "step 4"]


@dataclass
class Member:
    id: str
    label: str
    case: Case | None
    problem: str | None = None


def load(
    workshop: Path, names: bool = False, progress: Callable[[Member], None] | None = None
) -> list[Member]:
    meta_path = workshop / META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkbookError(f"{workshop}: not a workshop folder ({META}: {exc})") from None
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
                if progress:
                    progress(members[-1])
                continue
            try:
                members.append(Member(tid, label, reader.read(practice, meta["case"])))
            except WorkbookError as exc:  # said without the folder or id: they name the trainee
                reason = str(exc).replace(str(folder), "the practice").replace(tid, label)
                members.append(Member(tid, label, None, f"unreadable: {reason}"))
            if progress:
                progress(members[-1])
    return members


class _Reader:
    """Reads many trainees' practices through one connection, attaching each database in turn,
    so the queries are compiled once for the whole cohort rather than once per practice."""

    def __enter__(self) -> _Reader:
        from sqlalchemy import create_engine

        self.engine = create_engine("sqlite://")
        self.conn = self.engine.connect()
        self.attached = self.conn.execution_options(schema_translate_map={None: "trainee"})
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
        self.engine.dispose()

    def read(self, practice: Practice, client: str) -> Case:
        from sqlalchemy.exc import DBAPIError

        from .store import cases
        from .store.engine import HEAD

        try:
            self.conn.exec_driver_sql("ATTACH DATABASE ? AS trainee", (str(practice.db_path),))
        except DBAPIError as exc:
            self.conn.rollback()
            raise WorkbookError(str(exc.orig).splitlines()[0]) from None
        try:
            version = self.conn.exec_driver_sql(
                "SELECT version_num FROM trainee.alembic_version"
            ).scalar()
            if version != HEAD:  # made by another version: the store upgrades it first
                with practice.open(create=False) as store:
                    return store.load(client)
            pk = cases.client_pk(self.attached, client)
            if pk is None:
                raise WorkbookError(f"the practice case {client!r} is not in the practice")
            return cases.read_case(self.attached, pk)
        except DBAPIError as exc:
            raise WorkbookError(str(exc.orig).splitlines()[0]) from None
        finally:
            self.conn.rollback()
            self.conn.exec_driver_sql("DETACH DATABASE trainee")


def completion(members: list[Member]) -> pd.DataFrame:
    """Which trainee completed which step (True/False), one row per readable trainee."""
    rows = []
    for m in members:
        if m.case is None:
            continue
        c = m.case
        plan_actions = c.plan.actions if c.plan else []
        rows.append(
            {
                "trainee": m.label,
                "intake": bool(c.client.situation and c.client.aspirations and c.client.challenges),
                "step 1": bool((c.attempts or c.stories) and c.permission and c.permission.asked),
                "step 2": bool(c.ideas and c.interviews),
                "step 3": bool(c.plan and c.plan.goal and plan_actions),
                "step 4": bool(c.checkins),
            }
        )
    return pd.DataFrame(rows, columns=["trainee", *STEPS])


def fidelity(members: list[Member], as_of: date) -> pd.DataFrame:
    """Per check, how many trainees pass, warn and fail; the most missed checks first."""
    counts: dict[tuple[int, str], Counter] = {}
    for m in members:
        if m.case is None:
            continue
        for f in run_checks(m.case, as_of):
            counts.setdefault((f.step, f.check), Counter())[f.status] += 1
    rows = [
        {
            "step": step,
            "check": check,
            "pass": c[PASS],
            "warn": c[WARN],
            "fail": c[FAIL],
            "missed": c[WARN] + c[FAIL],
        }
        for (step, check), c in counts.items()
    ]
    df = pd.DataFrame(rows, columns=["step", "check", "pass", "warn", "fail", "missed"])
    return df.sort_values(
        ["missed", "fail", "step", "check"], ascending=[False, False, True, True], ignore_index=True
    )


def common(members: list[Member], what: str, top: int = 10) -> pd.DataFrame:
    """The skills (from stories) or ideas most trainees recorded: how many trainees each."""
    counter: Counter = Counter()
    for m in members:
        if m.case is None:
            continue
        if what == "skills":
            found = {k for s in m.case.stories for k in s.skills}
        else:
            found = {" ".join(i.text.lower().split()) for i in m.case.ideas}
        counter.update(found)
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return pd.DataFrame(rows, columns=[what[:-1], "trainees"])


def regularity(members: list[Member]) -> pd.DataFrame:
    """Check-in regularity per trainee: how many, the longest gap, and the share within a week."""
    rows = []
    for m in members:
        if m.case is None:
            continue
        dates = sorted({k.date for k in m.case.checkins})
        gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
        rows.append(
            {
                "trainee": m.label,
                "check-ins": len(dates),
                "longest gap (days)": max(gaps) if gaps else None,
                "within a week": (sum(g <= 7 for g in gaps) / len(gaps)) if gaps else None,
            }
        )
    df = pd.DataFrame(rows, columns=["trainee", "check-ins", "longest gap (days)", "within a week"])
    df["longest gap (days)"] = df["longest gap (days)"].astype("Int64")
    return df


def problems(members: list[Member]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"trainee": m.label, "problem": m.problem} for m in members if m.problem],
        columns=["trainee", "problem"],
    )


class CohortReport:
    """What the cohort report template displays, section by section."""

    def __init__(self, workshop: str, names: bool = False, as_of: str | None = None):
        self.as_of = date.fromisoformat(as_of) if as_of else date.today()
        self.members = load(Path(workshop), names)

    def _table(self, df: pd.DataFrame, empty: str = "Nothing to show.") -> None:
        from IPython.display import HTML, display

        body = (
            df.to_html(index=False, escape=True, na_rep="—", border=0)
            if not df.empty
            else f"<p><i>{empty}</i></p>"
        )
        display(HTML(f'<div class="tex2jax_ignore mathjax_ignore">{body}</div>'))

    def overview(self) -> None:
        from IPython.display import Markdown, display

        readable = sum(m.case is not None for m in self.members)
        display(
            Markdown(
                f"{len(self.members)} trainees, {readable} practices read, "
                f"as of {self.as_of.isoformat()}."
            )
        )

    def completion(self) -> None:
        df = completion(self.members)
        summary = pd.DataFrame(
            [{"step": s, "completed": int(df[s].sum()), "of": len(df)} for s in STEPS]
        )
        self._table(summary)
        shown = df.copy()
        for s in STEPS:
            shown[s] = shown[s].map({True: "done", False: "—"})
        self._table(shown, "No practice could be read.")

    def fidelity(self) -> None:
        self._table(fidelity(self.members, self.as_of))

    def common(self) -> None:
        self._table(common(self.members, "skills"))
        self._table(common(self.members, "ideas"))

    def regularity(self) -> None:
        df = regularity(self.members)
        df["within a week"] = df["within a week"].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}")
        self._table(df)

    def problems(self) -> None:
        self._table(problems(self.members), "Every trainee's practice was read.")
