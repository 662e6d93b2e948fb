"""staff users can be disabled; the history of administration

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

A staff user can be disabled (and enabled again) instead of deleted, so that the history
keeps naming who did what. Administration (users, regions, products, partners, prices,
codes, usage imports) is written to ``admin_history``, append-only like the report
history: triggers refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE.
"""

import sqlalchemy as sa
from alembic import op

import lmp_tui.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "the administration history is append-only"


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "admin_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", lmp_tui.storage.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("distributor_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["distributor_id"],
            ["distributors.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_history_dist", "admin_history", ["distributor_id", "id"], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for when in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER admin_history_no_{when.lower()} BEFORE {when} ON admin_history "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION admin_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        for when in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER admin_history_no_{when.lower()} BEFORE {when} ON admin_history "
                "FOR EACH ROW EXECUTE FUNCTION admin_history_append_only()"
            )
        op.execute(
            "CREATE TRIGGER admin_history_no_truncate BEFORE TRUNCATE ON admin_history "
            "FOR EACH STATEMENT EXECUTE FUNCTION admin_history_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for when in ("update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS admin_history_no_{when} ON admin_history")
        op.execute("DROP FUNCTION IF EXISTS admin_history_append_only()")
    op.drop_index("ix_admin_history_dist", table_name="admin_history")
    op.drop_table("admin_history")  # SQLite drops the table's triggers with it
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("enabled")
