"""The history: every change to a client's records, appended and never overwritten.

``history`` gets one row per changed record (workbook/store/history.py). Triggers make it
append-only in the database itself: UPDATE is always refused, and DELETE too unless the
one-row ``history_erasure`` flag is set, which erasing a client does inside its own transaction.
Existing clients have no entries yet; each gets its records as they stood ("existing" entries)
at its first change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REFUSED = "history is append-only: the database refuses to change or delete its entries"

SQLITE = [
    f"""CREATE TRIGGER history_no_update BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER history_no_delete BEFORE DELETE ON history
    WHEN coalesce((SELECT max(erasing) FROM history_erasure), 0) <> 1
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
]

POSTGRESQL = [
    f"""CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND coalesce((SELECT max(erasing) FROM history_erasure), 0) = 1 THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{REFUSED}';
    END $$""",
    """CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_append_only()""",
    """CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "history",
        sa.Column("number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("number", name="pk_history"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_history_client", "history", ["client", "number"])
    op.create_table("history_erasure", sa.Column("erasing", sa.Integer(), nullable=False))
    op.execute("INSERT INTO history_erasure (erasing) VALUES (0)")
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER history_no_truncate ON history")
        op.execute("DROP TRIGGER history_append_only ON history")
        op.execute("DROP FUNCTION history_append_only()")
    op.drop_table("history_erasure")
    op.drop_index("ix_history_client", table_name="history")
    op.drop_table("history")
