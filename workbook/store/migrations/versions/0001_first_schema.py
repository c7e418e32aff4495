"""The first schema: clients and every record type of the case-file contract, format 1.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("started", sa.Date(), nullable=False),
        sa.Column("consent_records", sa.Boolean(), nullable=False),
        sa.Column("consent_share_deidentified", sa.Boolean(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("history", sa.Text(), nullable=True),
        sa.Column("aspirations", sa.Text(), nullable=True),
        sa.Column("challenges", sa.Text(), nullable=True),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("permission_asked", sa.Date(), nullable=True),
        sa.Column("permission_granted", sa.Boolean(), nullable=True),
        sa.Column("plan_goal", sa.Text(), nullable=True),
        sa.Column("plan_target", sa.Date(), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_clients")),
        sa.UniqueConstraint("id", name=op.f("uq_clients_id")),
    )
    op.create_table(
        "actions",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_actions_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "id", name=op.f("pk_actions")),
    )
    op.create_table(
        "attempts",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_attempts_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "position", name=op.f("pk_attempts")),
    )
    op.create_table(
        "checkins",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("importance", sa.SmallInteger(), nullable=True),
        sa.Column("confidence", sa.SmallInteger(), nullable=True),
        sa.Column("buy_in", sa.Boolean(), nullable=True),
        sa.Column("understands_plan", sa.Boolean(), nullable=True),
        sa.Column("supports", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_checkins_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "position", name=op.f("pk_checkins")),
    )
    op.create_table(
        "ideas",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("added", sa.Date(), nullable=False),
        sa.Column("fit", sa.SmallInteger(), nullable=True),
        sa.Column("interest", sa.SmallInteger(), nullable=True),
        sa.Column("feasibility", sa.SmallInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_ideas_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "id", name=op.f("pk_ideas")),
    )
    op.create_table(
        "interviews",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("referred_by", sa.String(length=64), nullable=True),
        sa.Column("insights", sa.Text(), nullable=True),
        sa.Column("strengths", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk", "referred_by"],
            ["interviews.client_pk", "interviews.id"],
            name="fk_interviews_referred_by",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_interviews_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "id", name=op.f("pk_interviews")),
    )
    op.create_table(
        "reflections",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("model", sa.String(length=16), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_reflections_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "position", name=op.f("pk_reflections")),
    )
    op.create_table(
        "stories",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("felt_good", sa.Boolean(), nullable=True),
        sa.Column("life_role", sa.String(length=16), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["clients.pk"], name=op.f("fk_stories_client_pk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_pk", "id", name=op.f("pk_stories")),
    )
    op.create_table(
        "action_ideas",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(length=64), nullable=False),
        sa.Column("idea_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk", "action_id"],
            ["actions.client_pk", "actions.id"],
            name="fk_action_ideas_action",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk", "idea_id"],
            ["ideas.client_pk", "ideas.id"],
            name="fk_action_ideas_idea",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["clients.pk"],
            name=op.f("fk_action_ideas_client_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_pk", "action_id", "idea_id", name=op.f("pk_action_ideas")),
    )
    op.create_table(
        "checkin_progress",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("checkin_position", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk", "action_id"],
            ["actions.client_pk", "actions.id"],
            name="fk_checkin_progress_action",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk", "checkin_position"],
            ["checkins.client_pk", "checkins.position"],
            name="fk_checkin_progress_checkin",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["clients.pk"],
            name=op.f("fk_checkin_progress_client_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "client_pk", "checkin_position", "action_id", name=op.f("pk_checkin_progress")
        ),
    )
    op.create_table(
        "interview_ideas",
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.String(length=64), nullable=False),
        sa.Column("idea_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk", "idea_id"],
            ["ideas.client_pk", "ideas.id"],
            name="fk_interview_ideas_idea",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk", "interview_id"],
            ["interviews.client_pk", "interviews.id"],
            name="fk_interview_ideas_interview",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["clients.pk"],
            name=op.f("fk_interview_ideas_client_pk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "client_pk", "interview_id", "idea_id", name=op.f("pk_interview_ideas")
        ),
    )


def downgrade() -> None:
    op.drop_table("interview_ideas")
    op.drop_table("checkin_progress")
    op.drop_table("action_ideas")
    op.drop_table("stories")
    op.drop_table("reflections")
    op.drop_table("interviews")
    op.drop_table("ideas")
    op.drop_table("checkins")
    op.drop_table("attempts")
    op.drop_table("actions")
    op.drop_table("clients")
