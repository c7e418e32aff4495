"""The caseload: every client of a practice at a glance, most urgent first.

One row per client, as of a date: the step of the method they have reached, the last contact
and the days since, when the weekly rhythm wants the next check-in (or how overdue it is), the
actions overdue, the latest importance and confidence rulers with their change since the
check-in before, and flags naming what needs the practitioner's attention.

The surprising choice is how it is read. A practice's cases are read in one go
(:meth:`Store.load_summaries`: one query per table, never one per client, into plain
attribute records rather than validated models), and each client's row is worked out in one
pass over their records (:func:`client_row`), with the same functions the notebooks and
``workbook check`` use: the step reached (:mod:`workbook.steps`), the last contact and the next
check-in (:func:`workbook.fidelity.next_checkin`, the weekly rule's own arithmetic) and the
fidelity checks. The DataFrame is made once, from the sorted rows. Neither
:func:`workbook.frames.case_frames` nor grouped long tables are used: ten small frames per
client, or a dozen pandas operations over every check-in, cost more than reading the practice's
rows (``bench/caseload.py`` measures the caseload against that reading).

Flags (the ids are the contract; each has words for people):

- ``buy-in-lost``: at the latest check-in that asked, the client did not buy in to the plan;
  or the importance ruler fell by 2 or more since the check-in before.
- ``checkin-overdue``: more than a week since the last contact while actions are planned (the
  weekly rule of :mod:`workbook.fidelity`).
- ``confidence-falling``: the confidence ruler fell by 2 or more since the check-in before.
- ``confidence-low``: the latest confidence is 4 or below.
- ``actions-overdue``: an action not done (nor dropped) was due before the date.
- ``fidelity-failing``: a fidelity check fails (``workbook check`` would exit 1).

Most urgent first: clients are ordered by their most serious flag, in the order listed above
(the plan may no longer be the client's; nobody has asked lately; the client doubts they can do
it; work is slipping; the method is not being followed); then by how many flags they have; then
by the days since the last contact, longest first; then by id. Clients without flags come last.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date

import pandas as pd

from . import fidelity
from .frames import _frame  # the frames' own: exactly these columns and types
from .model import Case
from .steps import BY_KEY, STEPS
from .store import Store
from .wording import day

DATE, INT, BOOL = "datetime64[ns]", "Int64", "boolean"
CLOSED = ("done", "dropped")  # as frames.plan_table: an action in neither state is still open
LOW_CONFIDENCE = 4  # at or below: confidence-low
FALL = 2  # a ruler down by at least this much since the check-in before: falling

# The flags in order of seriousness (most serious first), with the words people read.
FLAGS: dict[str, str] = {
    "buy-in-lost": "buy-in lost",
    "checkin-overdue": "check-in overdue",
    "confidence-falling": "confidence falling",
    "confidence-low": "confidence low",
    "actions-overdue": "actions overdue",
    "fidelity-failing": "fidelity failing",
}
# The method's steps a client can reach (the journal is the practitioner's, not a step).
METHOD_STEPS = tuple(s for s in STEPS if s.key != "journal")
# The columns of the command's JSON and CSV, in order (DESIGN.md section 6).
KEYS = (
    "client",
    "name",
    "step",
    "last_contact",
    "days_since_contact",
    "next_checkin",
    "overdue_actions",
    "importance",
    "confidence",
    "flags",
)
COLUMNS: dict[str, object] = {
    "client": None,
    "name": None,
    "step": None,  # the key of the furthest step with records ("step3"), or None
    "step_title": None,
    "last_contact": DATE,
    "days_since_contact": INT,
    "next_checkin": DATE,
    "checkin_due_in": INT,  # days until the next check-in; negative: days overdue
    "overdue_actions": INT,
    "importance": INT,
    "importance_change": INT,
    "confidence": INT,
    "confidence_change": INT,
    "buy_in": BOOL,  # the latest answer to "do you still want this plan?"
    "failing_checks": None,  # the ids of the fidelity checks that fail, as a list
    "flags": None,  # a list of flag ids, most serious first
}


# ------------------------------------------------------------------------ a row per client


def reached(case: Case, checkins: list | None = None) -> str | None:
    """The key of the furthest step of the method with records, or None before any.
    ``checkins``: those held by the caseload's date, when it is not today (a check-in recorded
    after that date does not count)."""
    keys = [
        s.key
        for s in METHOD_STEPS
        if (bool(checkins) if s.key == "step4" and checkins is not None else s.recorded(case))
    ]
    return keys[-1] if keys else None


def _ruler(checkins: list, name: str) -> tuple[int | None, int | None]:
    """The latest recorded value of a ruler and its change since the one recorded before."""
    values = [getattr(k, name) for k in checkins if getattr(k, name) is not None]
    if not values:
        return None, None
    return values[-1], (values[-1] - values[-2] if len(values) > 1 else None)


def client_row(case: Case, as_of: date) -> dict:
    """One client's row of the caseload as of ``as_of``: the figures, then the flags."""
    done = sorted((k for k in case.checkins if k.date <= as_of), key=lambda k: k.date)
    actions = case.plan.actions if case.plan else []
    importance, importance_change = _ruler(done, "importance")
    confidence, confidence_change = _ruler(done, "confidence")
    answers = [k.buy_in for k in done if k.buy_in is not None]
    last, due = fidelity.last_contact(case, as_of), fidelity.next_checkin(case, as_of)
    step = reached(case, done)
    row = {
        "client": case.client.id,
        "name": case.client.name,
        "step": step,
        "step_title": BY_KEY[step].title if step else None,
        "last_contact": last,
        "days_since_contact": (as_of - last).days if last else None,
        "next_checkin": due,
        "checkin_due_in": (due - as_of).days if due else None,
        "overdue_actions": sum(
            a.status not in CLOSED and a.due is not None and a.due < as_of for a in actions
        ),
        "importance": importance,
        "importance_change": importance_change,
        "confidence": confidence,
        "confidence_change": confidence_change,
        "buy_in": answers[-1] if answers else None,
        "failing_checks": fidelity.failing(case, as_of),
    }
    return row | {"flags": flags(row)}


def flags(row: dict) -> list[str]:
    """The flags of a row of figures (:func:`client_row`), most serious first."""

    def at_most(value: int | None, limit: int) -> bool:
        return value is not None and value <= limit

    on = {
        "buy-in-lost": row["buy_in"] is False or at_most(row["importance_change"], -FALL),
        "checkin-overdue": at_most(row["checkin_due_in"], -1),
        "confidence-falling": at_most(row["confidence_change"], -FALL),
        "confidence-low": at_most(row["confidence"], LOW_CONFIDENCE),
        "actions-overdue": row["overdue_actions"] > 0,
        "fidelity-failing": bool(row["failing_checks"]),
    }
    return [f for f in FLAGS if on[f]]


def urgency(row: dict) -> tuple:
    """The sort key of the documented order: the most serious flag, the number of flags, the
    days since the last contact (longest first, unknown last), the client's id."""
    order = list(FLAGS)
    serious = order.index(row["flags"][0]) if row["flags"] else len(order)
    waiting = row["days_since_contact"]
    return (serious, -len(row["flags"]), waiting is None, -(waiting or 0), row["client"])


def from_cases(cases: Iterable[Case], as_of: date | None = None) -> pd.DataFrame:
    """The caseload of these cases, most urgent first (see the module's docstring)."""
    as_of = as_of or date.today()
    rows = sorted((client_row(case, as_of) for case in cases), key=urgency)
    return _frame(rows, COLUMNS)


def caseload(store: Store, as_of: date | None = None) -> pd.DataFrame:
    """The practice's caseload as of ``as_of`` (default today): every client, most urgent first."""
    return from_cases(store.load_summaries(), as_of)


# --------------------------------------------------------------------------------- as output


def _day(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _int(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def records(table: pd.DataFrame) -> list[dict]:
    """The rows as plain objects with the command's keys (dates ISO, missing values None)."""
    return [
        {
            "client": row.client,
            "name": row.name,
            "step": row.step,
            "last_contact": _day(row.last_contact),
            "days_since_contact": _int(row.days_since_contact),
            "next_checkin": _day(row.next_checkin),
            "overdue_actions": _int(row.overdue_actions),
            "importance": _int(row.importance),
            "confidence": _int(row.confidence),
            "flags": list(row.flags),
        }
        for row in table.itertuples(index=False)
    ]


def as_json(table: pd.DataFrame) -> str:
    return json.dumps(records(table), indent=2, ensure_ascii=False)


def as_csv(table: pd.DataFrame) -> str:
    """CSV with the command's keys as the header; several flags are separated by spaces."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=KEYS, lineterminator="\n")
    writer.writeheader()
    for row in records(table):
        writer.writerow(row | {"flags": " ".join(row["flags"])})
    return out.getvalue()


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def contact_words(row: object) -> str:
    """``20 November 2026, 6 days ago`` (or ``-``)."""
    if pd.isna(row.last_contact):
        return "-"
    n = int(row.days_since_contact)
    ago = "today" if n == 0 else f"{_days(n)} ago"
    return f"{day(row.last_contact)}, {ago}"


def checkin_words(row: object) -> str:
    """``due 27 November 2026, in 1 day``, ``overdue by 3 days (due ...)`` or ``none due``."""
    if pd.isna(row.next_checkin):
        return "none due"
    n = int(row.checkin_due_in)
    if n < 0:
        return f"overdue by {_days(-n)} (due {day(row.next_checkin)})"
    return f"due {day(row.next_checkin)}, " + ("today" if n == 0 else f"in {_days(n)}")


def ruler_words(value: object, change: object) -> str:
    """``6 (-2)``, ``6`` or ``-``."""
    if pd.isna(value):
        return "-"
    return f"{int(value)}" if pd.isna(change) else f"{int(value)} ({int(change):+d})"


def summary_line(table: pd.DataFrame, as_of: date) -> str:
    flagged = int(table["flags"].map(bool).sum())
    n = len(table)
    return (
        f"Caseload as of {as_of.isoformat()}: {n} client{'s' if n != 1 else ''}, "
        f"{flagged} with a flag."
    )


def as_text(table: pd.DataFrame, as_of: date) -> str:
    """A table to read in a terminal (client text made safe for it)."""
    from .summary import clean

    if table.empty:
        return f"The practice has no clients yet, so there is no caseload as of {as_of}."
    head = ("client", "name", "step", "last contact", "next check-in", "overdue", "imp.", "conf.")
    rows = [
        (
            clean(r.client),
            _cut(clean(r.name), 24),
            r.step_title or "not started",
            contact_words(r),
            checkin_words(r),
            str(int(r.overdue_actions)),
            ruler_words(r.importance, r.importance_change),
            ruler_words(r.confidence, r.confidence_change),
        )
        for r in table.itertuples(index=False)
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [summary_line(table, as_of), "", _join(head, widths)]
    lines.append(_join(tuple("-" * w for w in widths), widths))
    for row, r in zip(rows, table.itertuples(index=False), strict=True):
        lines.append(_join(row, widths))
        if r.flags:
            lines.append(" " * (widths[0] + 2) + "flags: " + ", ".join(r.flags))
    lines.append("")
    lines.append("Flags, most serious first: " + ", ".join(FLAGS) + ".")
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _join(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
