"""Rows <-> cases: write a validated case into its tables, read it back exactly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.engine import Connection

from ..model import Case
from ..model.records import SLUG
from . import schema as s

R = TypeVar("R")


def client_pk(conn: Connection, client_id: str, *, lock: bool = False) -> int | None:
    """The client's row, or None; an id no client can have (not a slug: a NUL, an escape) is
    not looked up, so both databases answer "no such client" alike (PostgreSQL would refuse
    a NUL in the query itself)."""
    if not isinstance(client_id, str) or not SLUG.fullmatch(client_id):
        return None
    query = select(s.clients.c.pk).where(s.clients.c.id == client_id)
    if lock:
        query = query.with_for_update()  # PostgreSQL row lock; SQLite already holds the db lock
    return conn.execute(query).scalar_one_or_none()


def _client_row(case: Case) -> dict[str, Any]:
    c, permission, plan = case.client, case.permission, case.plan
    return {
        "id": c.id,
        "name": c.name,
        "started": c.started,
        "consent_records": c.consent.records,
        "consent_share_deidentified": c.consent.share_deidentified,
        "situation": c.situation,
        "history": c.history,
        "aspirations": c.aspirations,
        "challenges": c.challenges,
        "goal": c.goal,
        "permission_asked": permission.asked if permission else None,
        "permission_granted": permission.granted if permission else None,
        "plan_goal": plan.goal if plan else None,
        "plan_target": plan.target if plan else None,
        "updated": datetime.now(UTC),
    }


def _child_rows(case: Case) -> dict[Any, list[dict[str, Any]]]:
    actions = case.plan.actions if case.plan else []
    return {
        s.attempts: [a.model_dump() | {"position": i} for i, a in enumerate(case.attempts)],
        s.stories: [r.model_dump() | {"position": i} for i, r in enumerate(case.stories)],
        s.ideas: [r.model_dump() | {"position": i} for i, r in enumerate(case.ideas)],
        s.interviews: [
            r.model_dump(exclude={"ideas"}) | {"position": i} for i, r in enumerate(case.interviews)
        ],
        s.interview_ideas: [
            {"interview_id": r.id, "idea_id": idea, "position": j}
            for r in case.interviews
            for j, idea in enumerate(r.ideas)
        ],
        s.actions: [
            r.model_dump(exclude={"ideas"}) | {"position": i} for i, r in enumerate(actions)
        ],
        s.action_ideas: [
            {"action_id": r.id, "idea_id": idea, "position": j}
            for r in actions
            for j, idea in enumerate(r.ideas)
        ],
        s.checkins: [
            r.model_dump(exclude={"progress"}) | {"position": i}
            for i, r in enumerate(case.checkins)
        ],
        s.checkin_progress: [
            {"checkin_position": i, "action_id": action, "position": j, "score": score}
            for i, r in enumerate(case.checkins)
            for j, (action, score) in enumerate(r.progress.items())
        ],
        s.reflections: [r.model_dump() | {"position": i} for i, r in enumerate(case.reflections)],
    }


def clear_children(conn: Connection, pk: int) -> None:
    for table in reversed(s.CHILD_TABLES):
        conn.execute(delete(table).where(table.c.client_pk == pk))


def write_case(conn: Connection, case: Case, pk: int | None) -> int:
    """Insert ``case`` (or replace the client at ``pk``) inside the caller's transaction."""
    row = _client_row(case)
    if pk is None:
        pk = conn.execute(insert(s.clients).returning(s.clients.c.pk), row).scalar_one()
    else:
        clear_children(conn, pk)
        conn.execute(s.clients.update().where(s.clients.c.pk == pk), row)
    for table, rows in _child_rows(case).items():
        if rows:
            conn.execute(insert(table), [r | {"client_pk": pk} for r in rows])
    return pk


def _rows(conn: Connection, table: Table, pk: int) -> list[dict[str, Any]]:
    return grouped_rows(conn, table, dict, pk).get(pk, [])


def grouped_rows(
    conn: Connection,
    table: Table,
    make: Callable[[Iterable[tuple[str, Any]]], R],
    pk: int | None = None,
) -> dict[int, list[R]]:
    """A table's rows by client (only client ``pk``'s, if given), in position order, each made
    by ``make`` from its (field, value) pairs: the record's own fields, without the client's key
    and without the position, except for check-ins (their progress scores refer to it)."""
    query = select(table).order_by(table.c.client_pk, table.c.position)
    if pk is not None:
        query = query.where(table.c.client_pk == pk)
    result = conn.execute(query)
    keys = list(result.keys())  # once per query: a row's own mapping rebuilds them each time
    drop = {"client_pk"} if table is s.checkins else {"client_pk", "position"}
    fields = [k for k in keys if k not in drop]
    pick = itemgetter(*(keys.index(k) for k in fields))
    at = keys.index("client_pk")
    grouped: dict[int, list[R]] = {}
    for row in result.all():  # fetched at once: row by row costs as much again
        grouped.setdefault(row[at], []).append(make(zip(fields, pick(row), strict=True)))
    return grouped


def unless_empty(**fields: Any) -> dict[str, Any] | None:
    """An optional section (permission, plan) that holds nothing reads back as absent."""
    return fields if any(v not in (None, []) for v in fields.values()) else None


def read_case(conn: Connection, pk: int) -> Case:
    c = dict(conn.execute(select(s.clients).where(s.clients.c.pk == pk)).one()._mapping)
    return _stored(_assemble(c, {t: _rows(conn, t, pk) for t in s.CHILD_TABLES}))


def read_cases(conn: Connection) -> list[Case]:
    """Every client's case, in id order, read with one query per table (not one per client)."""
    return [_stored(data) for data in _read_all(conn)]


def _stored(data: dict[str, Any]) -> Case:
    # as stored: text kept by an older version with looser limits stays readable
    return Case.model_validate(data, context={"stored": True})


def _read_all(conn: Connection) -> list[dict[str, Any]]:
    clients = [dict(r._mapping) for r in conn.execute(select(s.clients).order_by(s.clients.c.id))]
    grouped = {table: grouped_rows(conn, table, dict) for table in s.CHILD_TABLES}
    return [
        _assemble(c, {table: rows.get(c["pk"], []) for table, rows in grouped.items()})
        for c in clients
    ]


def _assemble(c: dict[str, Any], rows: dict[Table, list[dict[str, Any]]]) -> dict[str, Any]:
    """A case's data from its client row and its child rows (each in position order)."""
    linked: dict[str, dict[str, list[str]]] = {"interview": {}, "action": {}}
    for table, owner in ((s.interview_ideas, "interview"), (s.action_ideas, "action")):
        for r in rows[table]:
            linked[owner].setdefault(r[f"{owner}_id"], []).append(r["idea_id"])
    progress: dict[int, dict[str, int]] = {}
    for r in rows[s.checkin_progress]:
        progress.setdefault(r["checkin_position"], {})[r["action_id"]] = r["score"]
    data = {
        "format": 1,
        "client": {
            "id": c["id"],
            "name": c["name"],
            "started": c["started"],
            "consent": {
                "records": c["consent_records"],
                "share_deidentified": c["consent_share_deidentified"],
            },
            **{k: c[k] for k in ("situation", "history", "aspirations", "challenges", "goal")},
        },
        "attempts": rows[s.attempts],
        "stories": rows[s.stories],
        "permission": unless_empty(asked=c["permission_asked"], granted=c["permission_granted"]),
        "ideas": rows[s.ideas],
        "interviews": [
            r | {"ideas": linked["interview"].get(r["id"], [])} for r in rows[s.interviews]
        ],
        "plan": unless_empty(
            goal=c["plan_goal"],
            target=c["plan_target"],
            actions=[r | {"ideas": linked["action"].get(r["id"], [])} for r in rows[s.actions]],
        ),
        "checkins": [
            {k: v for k, v in r.items() if k != "position"}
            | {"progress": progress.get(r["position"], {})}
            for r in rows[s.checkins]
        ],
        "reflections": rows[s.reflections],
    }
    return data
