"""The database schema, as SQLAlchemy Core tables.

One row per record, ordered by ``position`` within its client so a case round-trips exactly.
Records with an id are keyed by (client, id); references between records are foreign keys, so
the database itself refuses a dangling reference. Short lists of tags (skills, strengths,
supports) and a reflection's stage entries are JSON. Changes go through an Alembic migration in
``migrations/versions``; a test checks that the migrations build exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

SLUG = String(64)
ENUM = String(16)


def _client_fk() -> Column:
    return Column(
        "client_pk", Integer, ForeignKey("clients.pk", ondelete="CASCADE"), primary_key=True
    )


clients = Table(
    "clients",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", SLUG, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("started", Date, nullable=False),
    Column("consent_records", Boolean, nullable=False),
    Column("consent_share_deidentified", Boolean, nullable=False),
    Column("situation", Text),
    Column("history", Text),
    Column("aspirations", Text),
    Column("challenges", Text),
    Column("goal", Text),
    Column("permission_asked", Date),
    Column("permission_granted", Boolean),
    Column("plan_goal", Text),
    Column("plan_target", Date),
    Column("updated", DateTime(timezone=True), nullable=False),
)

attempts = Table(
    "attempts",
    metadata,
    _client_fk(),
    Column("position", Integer, primary_key=True),
    Column("date", Date),
    Column("text", Text, nullable=False),
    Column("outcome", Text),
)

stories = Table(
    "stories",
    metadata,
    _client_fk(),
    Column("id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("felt_good", Boolean),
    Column("life_role", ENUM),
    Column("skills", JSON, nullable=False),
)

ideas = Table(
    "ideas",
    metadata,
    _client_fk(),
    Column("id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", ENUM, nullable=False),
    Column("added", Date, nullable=False),
    Column("fit", SmallInteger),
    Column("interest", SmallInteger),
    Column("feasibility", SmallInteger),
    Column("status", ENUM, nullable=False),
)

interviews = Table(
    "interviews",
    metadata,
    _client_fk(),
    Column("id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("date", Date, nullable=False),
    Column("person", Text, nullable=False),
    Column("role", Text),
    Column("organisation", Text),
    Column("referred_by", SLUG),
    Column("insights", Text),
    Column("strengths", JSON, nullable=False),
    ForeignKeyConstraint(
        ["client_pk", "referred_by"],
        ["interviews.client_pk", "interviews.id"],
        name="fk_interviews_referred_by",
        deferrable=True,
        initially="DEFERRED",
    ),
)

interview_ideas = Table(
    "interview_ideas",
    metadata,
    _client_fk(),
    Column("interview_id", SLUG, primary_key=True),
    Column("idea_id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    ForeignKeyConstraint(
        ["client_pk", "interview_id"],
        ["interviews.client_pk", "interviews.id"],
        name="fk_interview_ideas_interview",
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["client_pk", "idea_id"],
        ["ideas.client_pk", "ideas.id"],
        name="fk_interview_ideas_idea",
        ondelete="CASCADE",
    ),
)

actions = Table(
    "actions",
    metadata,
    _client_fk(),
    Column("id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", ENUM, nullable=False),
    Column("due", Date),
    Column("status", ENUM, nullable=False),
    Column("skills", JSON, nullable=False),
)

action_ideas = Table(
    "action_ideas",
    metadata,
    _client_fk(),
    Column("action_id", SLUG, primary_key=True),
    Column("idea_id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    ForeignKeyConstraint(
        ["client_pk", "action_id"],
        ["actions.client_pk", "actions.id"],
        name="fk_action_ideas_action",
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["client_pk", "idea_id"],
        ["ideas.client_pk", "ideas.id"],
        name="fk_action_ideas_idea",
        ondelete="CASCADE",
    ),
)

checkins = Table(
    "checkins",
    metadata,
    _client_fk(),
    Column("position", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("importance", SmallInteger),
    Column("confidence", SmallInteger),
    Column("buy_in", Boolean),
    Column("understands_plan", Boolean),
    Column("supports", JSON, nullable=False),
    Column("notes", Text),
    Column("by", ENUM),  # migration 0002: who recorded it; NULL means the practitioner
)

checkin_progress = Table(
    "checkin_progress",
    metadata,
    _client_fk(),
    Column("checkin_position", Integer, primary_key=True),
    Column("action_id", SLUG, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("score", SmallInteger, nullable=False),
    ForeignKeyConstraint(
        ["client_pk", "checkin_position"],
        ["checkins.client_pk", "checkins.position"],
        name="fk_checkin_progress_checkin",
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["client_pk", "action_id"],
        ["actions.client_pk", "actions.id"],
        name="fk_checkin_progress_action",
        ondelete="CASCADE",
    ),
)

reflections = Table(
    "reflections",
    metadata,
    _client_fk(),
    Column("position", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("model", ENUM, nullable=False),
    Column("entries", JSON, nullable=False),
)

# migration 0003: every change to a client's records, appended (workbook/store/history.py).
# ``client`` is the client's id as text, not a foreign key: a tombstone outlives the client.
# The database refuses UPDATE and DELETE on it (triggers made by the migration) unless the
# one-row ``history_erasure`` flag is set, which only erasure does, inside its transaction.
history = Table(
    "history",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", Text, nullable=False),
    Column("client", SLUG, nullable=False),
    Column("record", Text, nullable=False),
    Column("change", ENUM, nullable=False),
    Column("before", JSON(none_as_null=True)),
    Column("after", JSON(none_as_null=True)),
    Index("ix_history_client", "client", "number"),  # a client's entries, in order
    sqlite_autoincrement=True,  # a number is never used twice, even after an erasure
)

history_erasure = Table(
    "history_erasure",
    metadata,
    Column("erasing", Integer, nullable=False),
)

# Child tables in an order that is safe to insert (referenced before referencing); delete in
# reverse.
CHILD_TABLES: tuple[Table, ...] = (
    attempts,
    stories,
    ideas,
    interviews,
    interview_ideas,
    actions,
    action_ideas,
    checkins,
    checkin_progress,
    reflections,
)

__all__ = ["CHILD_TABLES", "metadata"]
