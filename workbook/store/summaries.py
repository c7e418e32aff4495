"""Every client's case at once, for summaries of a whole practice (the caseload).

The cases are read with one query per table, never one per client, and come back as plain
attribute records (named tuples for the records, ``types.SimpleNamespace`` for the case, its
client and plan) with the model's field names, nested as in a :class:`~workbook.model.Case`:
``summary.plan.actions[0].due``. The fidelity checks and the steps
read them as they read a case.

The surprising choice is that they are not pydantic models. Every write validated these rows;
building and validating models again for a practice of hundreds of clients costs several times
the reading itself, and a summary only reads attributes. :func:`read_summaries` must therefore
lay the rows out exactly as :func:`workbook.store.cases.read_case` does (a test compares the two
field by field). A summary leaves out what no summary looks at (each a list to decode, row by
row): the reflections and the check-ins' progress scores (their lists are empty), an interview's
strengths and an action's skills (not there at all).

On SQLite, dates and JSON lists are stored as text and yes/no as 0/1, and SQLAlchemy decodes
each value on its own (a regular expression per date) into a row object of its own. A practice
repeats the same few hundred dates and skill lists thousands of times, so there the rows come
straight from the driver and each distinct text is decoded once (:class:`_Decoded`), into the
same values and types as SQLAlchemy's (the field-by-field test compares types too).
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable
from datetime import date
from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace

from sqlalchemy import JSON, Boolean, Date, Table, select
from sqlalchemy.engine import Connection, Row

from . import schema as s
from .cases import unless_empty

INTAKE = ("situation", "history", "aspirations", "challenges", "goal")
READ = (s.attempts, s.stories, s.ideas, s.interviews, s.interview_ideas, s.actions)
READ += (s.action_ideas, s.checkins)
LEFT_OUT = {s.interviews: ("strengths",), s.actions: ("skills",)}


class _Decoded:
    """A column's texts decoded once each (SQLite's dates and JSON); lists come out as copies."""

    def __init__(self, parse: Callable[[str], object]):
        self.parse, self.seen = parse, {}

    def __call__(self, text: str | None) -> object:
        if text is None:
            return None
        try:
            value = self.seen[text]
        except KeyError:
            value = self.seen[text] = self.parse(text)
        return value.copy() if isinstance(value, list | dict) else value


def _rows(conn: Connection, columns: list) -> tuple[list[str], list[Row] | list[list]]:
    """The columns' names and rows; on SQLite, read from the driver, with the dates and JSON
    decoded by :class:`_Decoded` (see the module's docstring)."""
    if conn.dialect.name != "sqlite":
        result = conn.execute(select(*columns))
        return list(result.keys()), result.all()
    decoders = {Date: date.fromisoformat, JSON: json.loads, Boolean: bool}
    texts = {
        at: _Decoded(parse)
        for at, c in enumerate(columns)
        for kind, parse in decoders.items()
        if isinstance(c.type, kind)
    }
    # Straight from the driver: SQLAlchemy's result rows cost as much again as the reading.
    sql = str(select(*columns).compile(dialect=conn.dialect))
    cursor = conn.connection.driver_connection.execute(sql)
    keys, found = [d[0] for d in cursor.description], []
    for row in cursor.fetchall():
        row = list(row)
        for at, decode in texts.items():
            row[at] = decode(row[at])
        found.append(row)
    return keys, found


def _fields(table: Table) -> list[str]:
    """The record's own fields, in the table's order."""
    left_out = (*LEFT_OUT.get(table, ()), "client_pk", "position")
    return [c.name for c in table.c if c.name not in left_out]


class _Rows:
    """A table's records by client, in position order: fetched at once, sorted and grouped in
    C, each made a named tuple of the record's own fields, then ``extra`` ones: ``extra`` gives
    their names and a function from the client's pk and the record's own fields to their values.
    """

    def __init__(self, conn: Connection, table: Table, extra: tuple[tuple, Callable] = ((), None)):
        keys, found = _rows(conn, [c for c in table.c if c.name not in LEFT_OUT.get(table, ())])
        names, more = extra
        fields = _fields(table)
        make = namedtuple(table.name, [*fields, *names])._make  # noqa: PYI024
        pick = itemgetter(*(keys.index(k) for k in fields))
        # Sorted here rather than by an ORDER BY, which SQLite answers through the primary
        # key's index and a sort per client: a third slower than a scan and one sort.
        ordered = sorted(found, key=itemgetter(keys.index("client_pk"), keys.index("position")))
        grouped = groupby(ordered, key=itemgetter(keys.index("client_pk")))
        self.by_client: dict[int, list[tuple]] = {
            pk: [make(pick(row)) for row in rows]
            if more is None
            else [make((*own, *more(pk, own))) for own in map(pick, rows)]
            for pk, rows in grouped
        }

    def records(self, pk: int) -> list[tuple]:
        """The client's records (a new list each time)."""
        return list(self.by_client.get(pk, ()))


def _links(conn: Connection, table: Table) -> dict[tuple[int, str], list[str]]:
    """The ideas an interview or action is linked to, by client pk and its id, in order."""
    linked: dict[tuple[int, str], list[str]] = {}
    for pk, links in _Rows(conn, table).by_client.items():
        for own in links:  # the interview's or action's id, the idea's id
            linked.setdefault((pk, own[0]), []).append(own[1])
    return linked


def read_summaries(conn: Connection) -> list[SimpleNamespace]:
    """Every client's case as attribute records, in id order (see the module's docstring)."""
    rows = {}
    for table, links in ((s.interviews, s.interview_ideas), (s.actions, s.action_ideas)):
        linked, at = _links(conn, links), _fields(table).index("id")

        def ideas(pk: int, own: tuple, linked: dict = linked, at: int = at) -> tuple:
            return (linked.get((pk, own[at]), []),)

        rows[table] = _Rows(conn, table, (("ideas",), ideas))
    rows[s.checkins] = _Rows(conn, s.checkins, (("progress",), lambda pk, own: ({},)))
    for table in (s.attempts, s.stories, s.ideas):
        rows[table] = _Rows(conn, table)
    found = []
    keys, clients = _rows(conn, list(s.clients.c))
    for values in sorted(clients, key=itemgetter(keys.index("id"))):
        c = dict(zip(keys, values, strict=True))  # a row's attributes are slow to read
        pk = c["pk"]
        actions = rows[s.actions].records(pk)
        permission = unless_empty(asked=c["permission_asked"], granted=c["permission_granted"])
        plan = unless_empty(goal=c["plan_goal"], target=c["plan_target"], actions=actions)
        found.append(
            SimpleNamespace(
                format=1,
                client=SimpleNamespace(
                    id=c["id"],
                    name=c["name"],
                    started=c["started"],
                    consent=SimpleNamespace(
                        records=c["consent_records"],
                        share_deidentified=c["consent_share_deidentified"],
                    ),
                    **{k: c[k] for k in INTAKE},
                ),
                attempts=rows[s.attempts].records(pk),
                stories=rows[s.stories].records(pk),
                permission=SimpleNamespace(**permission) if permission else None,
                ideas=rows[s.ideas].records(pk),
                interviews=rows[s.interviews].records(pk),
                plan=SimpleNamespace(**plan) if plan else None,
                checkins=rows[s.checkins].records(pk),
                reflections=[],
            )
        )
    return found
