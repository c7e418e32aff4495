"""The history of a client's records: every change appended, in the change's own transaction.

A case is seen as *records*, each with a name (``record``):

- the sections ``client`` (the intake and consent), ``permission`` and ``plan`` (its goal and
  target; its actions are records of their own);
- records with an id by kind and id: ``stories/s1``, ``ideas/i2``, ``interviews/v1``,
  ``actions/a3``;
- records without one by kind and place, counted from 1: ``attempts/1``, ``checkins/2``,
  ``reflections/1``.

Each change compares the case before and after and appends one entry per record that changed
(``before`` and ``after`` are the record as JSON, null where there is none), so a form's save of
one record is one entry. Records with ids are matched by id; an id-less list is matched as a
sequence (the entries are written in an order that replays: an added check-in is inserted at its
place, a deleted one removed from its place). When only the order of records with ids changed
(an import with ``--replace`` may do that), one entry named after the kind (``stories``) holds
the ids in their order before and after.

Kinds of change: ``add``, ``edit`` and ``delete`` (the forms and the store's record methods),
``import`` (a new client from a case file: one entry per record), ``replace`` (``import
--replace``), ``revert``, ``existing`` (a client whose records predate the history is given its
records as they stood, once, before its first recorded change), ``order``, and ``erase``: the
tombstone left when a client is deleted, with no content.

The database refuses UPDATE and DELETE on ``history`` (triggers; see migration 0003), except
while the one-row ``history_erasure`` flag is set, which :func:`erase` alone does, inside the
erasing transaction.
"""

from __future__ import annotations

import difflib
import getpass
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..errors import WorkbookError
from ..model import Case, validate_case
from . import schema as s

SECTIONS = ("client", "permission", "plan")
KEYED = ("stories", "ideas", "interviews", "actions")  # records with an id
PLACED = ("attempts", "checkins", "reflections")  # records kept by their place in the list
CHANGES = ("add", "edit", "delete", "import", "replace", "revert", "existing", "order", "erase")


@dataclass(frozen=True)
class Entry:
    number: int
    at: datetime
    who: str
    client: str
    record: str
    change: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at.isoformat(),
            "who": self.who,
            "client": self.client,
            "record": self.record,
            "change": self.change,
            "before": self.before,
            "after": self.after,
        }


def who() -> str:
    """Who is making the change: ``WORKBOOK_USER`` when set, else the operating-system user."""
    named = os.environ.get("WORKBOOK_USER", "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return f"uid {os.getuid()}"


# -- a case as records -------------------------------------------------------------------------


def _records(case: Case | None) -> dict[str, Any]:
    """The case as the history sees it: its sections, and its lists of records (as JSON)."""
    if case is None:
        return {**dict.fromkeys(SECTIONS), **{k: [] for k in (*PLACED, *KEYED)}}
    data = case.model_dump(mode="json")
    plan = data.get("plan") or {}
    return {
        "client": data["client"],
        "permission": data.get("permission"),
        "plan": {"goal": plan["goal"], "target": plan["target"]}
        if plan and (plan["goal"] is not None or plan["target"] is not None)
        else None,
        **{kind: data[kind] for kind in PLACED},
        **{kind: plan.get("actions", []) if kind == "actions" else data[kind] for kind in KEYED},
    }


def diff(before: Case | None, after: Case | None, change: str | None = None) -> list[tuple]:
    """The entries ``(record, change, before, after)`` that take ``before`` to ``after``, in an
    order that replays. ``change`` names them all (import, replace, revert...); without it each
    is ``add``, ``edit`` or ``delete`` (and ``order`` for a new order of records with ids)."""
    out: list[tuple] = []

    def emit(record: str, old: Any, new: Any, kind: str | None = None) -> None:
        kind = change or kind or ("add" if old is None else "delete" if new is None else "edit")
        out.append((record, kind, old, new))

    old, new = _records(before), _records(after)
    for name in SECTIONS:
        if old[name] != new[name]:
            emit(name, old[name], new[name])
    for kind in KEYED:
        _keyed(kind, old[kind], new[kind], emit)
    for kind in PLACED:
        _placed(kind, old[kind], new[kind], emit)
    return out


def _keyed(kind: str, old: list, new: list, emit) -> None:  # noqa: ANN001
    olds, news = {r["id"]: r for r in old}, {r["id"]: r for r in new}
    for rid, record in olds.items():
        if rid not in news:
            emit(f"{kind}/{rid}", record, None)
    for rid, record in news.items():
        if rid in olds and olds[rid] != record:
            emit(f"{kind}/{rid}", olds[rid], record)
    for rid, record in news.items():
        if rid not in olds:
            emit(f"{kind}/{rid}", None, record)  # replayed as appended at the end
    replayed = [rid for rid in olds if rid in news] + [rid for rid in news if rid not in olds]
    if replayed != list(news):
        emit(kind, replayed, list(news), "order")


def _placed(kind: str, old: list, new: list, emit) -> None:  # noqa: ANN001
    """Match an id-less list as a sequence. Each entry's place is where its record stands when
    the entry is replayed (the change's earlier entries already applied)."""
    keys = ([json.dumps(r, sort_keys=True) for r in rows] for rows in (old, new))
    matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            emit(f"{kind}/{j1 + k + 1}", old[i1 + k], new[j1 + k])
        for k in range(i1 + paired, i2):  # old records with no counterpart, removed in turn
            emit(f"{kind}/{j1 + paired + 1}", old[k], None)
        for k in range(j1 + paired, j2):
            emit(f"{kind}/{k + 1}", None, new[k])


# -- writing -----------------------------------------------------------------------------------


def record(
    conn: Connection,
    client: str,
    before: Case | None,
    after: Case | None,
    change: str | None = None,
) -> int:
    """Append the entries for a change of ``client``'s case, inside the caller's transaction.

    A client with records but no history yet (made before the history existed) first gets its
    records as they stood, as ``existing`` entries, so that every history replays from nothing.
    """
    rows = []
    if before is not None and _latest_change(conn, client) in (None, "erase"):
        rows += diff(None, before, "existing")
    rows += diff(before, after, change)
    _append(conn, client, rows)
    return len(rows)


def _latest_change(conn: Connection, client: str) -> str | None:
    h = s.history.c
    query = select(h.change).where(h.client == client).order_by(h.number.desc()).limit(1)
    return conn.execute(query).scalar_one_or_none()


def _append(conn: Connection, client: str, rows: list[tuple]) -> None:
    if not rows:
        return
    at, by = datetime.now(UTC), who()
    conn.execute(
        insert(s.history),
        [
            {
                "at": at,
                "who": by,
                "client": client,
                "record": r,
                "change": c,
                "before": b,
                "after": a,
            }
            for r, c, b, a in rows
        ],
    )


def erase(conn: Connection, client: str) -> None:
    """Delete the client's history, leaving a tombstone: their id, when, who, no content.

    The flag that lets the triggers allow the DELETE is set and cleared inside this transaction,
    so no other transaction ever sees it set.
    """
    flag = s.history_erasure
    if conn.execute(update(flag).values(erasing=1)).rowcount == 0:
        conn.execute(insert(flag).values(erasing=1))
    h = s.history.c  # earlier tombstones stay: each erasure asked for remains on record
    conn.execute(delete(s.history).where(h.client == client, h.change != "erase"))
    conn.execute(update(flag).values(erasing=0))
    _append(conn, client, [("client", "erase", None, None)])


# -- reading -----------------------------------------------------------------------------------


def entries(conn: Connection, client: str, record: str | None = None) -> list[Entry]:
    """The client's history, newest first; ``record`` (``s1``, ``stories/s1``, ``client``,
    ``checkins/2``) keeps that record's entries only."""
    h = s.history.c
    query = select(s.history).where(h.client == client).order_by(h.number.desc())
    if record:
        query = query.where(
            or_(h.record == record, h.record.endswith(f"/{record}", autoescape=True))
        )
    return [_entry(r) for r in conn.execute(query)]


def _entry(row: Any) -> Entry:
    m = row._mapping
    # SQLite keeps no zone (the time was written in UTC); PostgreSQL's is the session's
    at = m["at"].astimezone(UTC) if m["at"].tzinfo else m["at"].replace(tzinfo=UTC)
    return Entry(
        m["number"], at, m["who"], m["client"], m["record"], m["change"], m["before"], m["after"]
    )


def state_after(conn: Connection, client: str, number: int) -> Case:
    """The client's case as it stood just after entry ``number`` (replayed from the start)."""
    h = s.history.c
    mine = conn.execute(select(h.client).where(h.number == number)).scalar_one_or_none()
    if mine != client:
        raise WorkbookError(
            f"--to: entry {number} is not in the history of client {client!r}; "
            f"see `workbook history {client}`"
        )
    rows = conn.execute(
        select(s.history).where(h.client == client, h.number <= number).order_by(h.number)
    )
    state = _empty_state()
    for e in map(_entry, rows):
        if e.change == "erase":
            state = _empty_state()
        else:
            _apply(state, e.record, e.before, e.after)
    if state["client"] is None:
        raise WorkbookError(
            f"--to: after entry {number} client {client!r} had no records; choose a later entry"
        )
    return _case(state)


def _empty_state() -> dict[str, Any]:
    return {**dict.fromkeys(SECTIONS), **{k: [] for k in (*PLACED, *KEYED)}}


def _apply(state: dict[str, Any], record: str, before: Any, after: Any) -> None:
    if record in SECTIONS:
        state[record] = after
        return
    if record in KEYED:  # a new order of the kind's records
        by_id = {r["id"]: r for r in state[record]}
        state[record] = [by_id[rid] for rid in after]
        return
    kind, key = record.split("/", 1)
    rows = state[kind]
    if kind in KEYED:
        at = next((i for i, r in enumerate(rows) if r["id"] == key), None)
        if after is None:
            del rows[at]
        elif at is None:
            rows.append(after)
        else:
            rows[at] = after
        return
    at = int(key) - 1
    if before is None:
        rows.insert(at, after)
    elif after is None:
        del rows[at]
    else:
        rows[at] = after


def _case(state: dict[str, Any]) -> Case:
    plan = state["plan"] or {}
    data = {
        "format": 1,
        "client": state["client"],
        **{k: state[k] for k in (*PLACED, *KEYED) if k != "actions"},
        "permission": state["permission"],
        "plan": {**plan, "actions": state["actions"]} if plan or state["actions"] else None,
    }
    return validate_case(data)
