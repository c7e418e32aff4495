"""Rows <-> cases: write a validated case into its tables, read it back exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ..model import Case
from ..model.records import SLUG
from . import schema as s


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


def _rows(conn: Connection, table, pk: int) -> list[dict[str, Any]]:  # noqa: ANN001
    query = select(table).where(table.c.client_pk == pk).order_by(table.c.position)
    return [dict(r._mapping) for r in conn.execute(query)]


def _strip(row: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("client_pk", "position", *drop)}


def _unless_empty(**fields: Any) -> dict[str, Any] | None:
    """An optional section (permission, plan) that holds nothing reads back as absent."""
    return fields if any(v not in (None, []) for v in fields.values()) else None


def read_case(conn: Connection, pk: int) -> Case:
    c = dict(conn.execute(select(s.clients).where(s.clients.c.pk == pk)).one()._mapping)
    linked: dict[str, dict[str, list[str]]] = {"interview": {}, "action": {}}
    for table, owner in ((s.interview_ideas, "interview"), (s.action_ideas, "action")):
        for r in _rows(conn, table, pk):
            linked[owner].setdefault(r[f"{owner}_id"], []).append(r["idea_id"])
    progress: dict[int, dict[str, int]] = {}
    for r in _rows(conn, s.checkin_progress, pk):
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
        "attempts": [_strip(r) for r in _rows(conn, s.attempts, pk)],
        "stories": [_strip(r) for r in _rows(conn, s.stories, pk)],
        "permission": _unless_empty(asked=c["permission_asked"], granted=c["permission_granted"]),
        "ideas": [_strip(r) for r in _rows(conn, s.ideas, pk)],
        "interviews": [
            _strip(r) | {"ideas": linked["interview"].get(r["id"], [])}
            for r in _rows(conn, s.interviews, pk)
        ],
        "plan": _unless_empty(
            goal=c["plan_goal"],
            target=c["plan_target"],
            actions=[
                _strip(r) | {"ideas": linked["action"].get(r["id"], [])}
                for r in _rows(conn, s.actions, pk)
            ],
        ),
        "checkins": [
            _strip(r) | {"progress": progress.get(r["position"], {})}
            for r in _rows(conn, s.checkins, pk)
        ],
        "reflections": [_strip(r) for r in _rows(conn, s.reflections, pk)],
    }
    # as stored: text kept by an older version with looser limits stays readable
    return Case.model_validate(data, context={"stored": True})
