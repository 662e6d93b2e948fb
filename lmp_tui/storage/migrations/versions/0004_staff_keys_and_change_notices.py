"""staff users' SSH keys; PostgreSQL tells listeners of every report change

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

``staff_keys``: the OpenSSH public keys that sign a staff user in to ``lmp-tui serve-ssh``
(several per user; a key belongs to one user). Keys are removed, never edited.

On PostgreSQL a trigger on ``billing_reports`` sends ``NOTIFY lmp_reports, 'id:version'``
for every inserted or updated report, in the transaction that changes it: listeners learn
of a change when (and only if) it commits, whoever made it (the interface, the command
line, an import). SQLite has no such channel; its readers watch ``PRAGMA data_version``.
"""

import sqlalchemy as sa
from alembic import op

import lmp_tui.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHANNEL = "lmp_reports"


def upgrade() -> None:
    op.create_table(
        "staff_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("algorithm", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("comment", sa.String(length=200), nullable=False),
        sa.Column("added_at", lmp_tui.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_index("ix_staff_keys_user", "staff_keys", ["user_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION lmp_report_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_notify('{CHANNEL}', NEW.id::text || ':' || NEW.version::text); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER billing_reports_notify AFTER INSERT OR UPDATE ON billing_reports "
            "FOR EACH ROW EXECUTE FUNCTION lmp_report_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS billing_reports_notify ON billing_reports")
        op.execute("DROP FUNCTION IF EXISTS lmp_report_changed()")
    op.drop_index("ix_staff_keys_user", table_name="staff_keys")
    op.drop_table("staff_keys")
