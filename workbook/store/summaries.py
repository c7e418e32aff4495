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
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from . import schema as s
from .cases import unless_empty

INTAKE = ("situation", "history", "aspirations", "challenges", "goal")
READ = (s.attempts, s.stories, s.ideas, s.interviews, s.interview_ideas, s.actions)
READ += (s.action_ideas, s.checkins)
LEFT_OUT = {s.interviews: ("strengths",), s.actions: ("skills",)}


class _Rows:
    """A table's rows by client, in position order: fetched at once and grouped in C, each made
    a named tuple of the record's own fields (and ``extra`` ones, given when it is made)."""

    def __init__(self, conn: Connection, table: Table, extra: tuple[str, ...] = ()):
        columns = [c for c in table.c if c.name not in LEFT_OUT.get(table, ())]
        result = conn.execute(select(*columns))
        keys = list(result.keys())
        self.fields = fields = [k for k in keys if k not in ("client_pk", "position")]
        self.record = namedtuple(table.name, [*fields, *extra])  # noqa: PYI024
        self._pick = itemgetter(*(keys.index(k) for k in fields))
        client = itemgetter(keys.index("client_pk"))
        # Sorted here rather than by an ORDER BY, which SQLite answers through the primary
        # key's index and a sort per client: a third slower than a scan and one sort.
        ordered = sorted(
            result.all(), key=itemgetter(keys.index("client_pk"), keys.index("position"))
        )
        self.by_client = {pk: list(rows) for pk, rows in groupby(ordered, key=client)}

    def records(self, pk: int, extra: Callable[[tuple], tuple] | None = None) -> list[tuple]:
        """The client's records; ``extra`` gives the extra fields' values from the record's own
        (a tuple in the order of ``fields``)."""
        make, pick, rows = self.record._make, self._pick, self.by_client.get(pk, ())
        if extra is None:
            return [make(pick(row)) for row in rows]
        return [make((*own, *extra(own))) for own in map(pick, rows)]


def read_summaries(conn: Connection) -> list[SimpleNamespace]:
    """Every client's case as attribute records, in id order (see the module's docstring)."""
    extra = {s.interviews: ("ideas",), s.actions: ("ideas",), s.checkins: ("progress",)}
    rows = {table: _Rows(conn, table, extra.get(table, ())) for table in READ}
    linked: dict[tuple[Table, int, str], list[str]] = {}
    for table in (s.interview_ideas, s.action_ideas):
        for pk, links in rows[table].by_client.items():
            for link in links:  # client_pk, the interview's or action's id, idea_id, position
                linked.setdefault((table, pk, link[1]), []).append(link[2])
    owners = {s.interview_ideas: s.interviews, s.action_ideas: s.actions}
    id_at = {link: rows[owner].fields.index("id") for link, owner in owners.items()}
    found = []
    result = conn.execute(select(s.clients).order_by(s.clients.c.id))
    keys = list(result.keys())
    for values in result.all():
        c = dict(zip(keys, values, strict=True))  # a row's attributes are slow to read
        pk = c["pk"]

        def ideas(table: Table, pk: int = pk) -> Callable[[tuple], tuple]:
            at = id_at[table]
            return lambda own: (linked.get((table, pk, own[at]), []),)

        interviews = rows[s.interviews].records(pk, ideas(s.interview_ideas))
        actions = rows[s.actions].records(pk, ideas(s.action_ideas))
        checkins = rows[s.checkins].records(pk, lambda _: ({},))
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
                interviews=interviews,
                plan=SimpleNamespace(**plan) if plan else None,
                checkins=checkins,
                reflections=[],
            )
        )
    return found
