"""the report history refuses DELETE and TRUNCATE too

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Revision 0001 refused UPDATE of the history; an entry could still be deleted (and, on
PostgreSQL, the whole table truncated). Now the history is append-only for real: a
report that has history can no longer be deleted either (the cascade would delete its
history). Replacing a demo drops the tables instead (``Database.reset``).
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "the report history is append-only"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER report_history_no_delete BEFORE DELETE ON report_history "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif dialect == "postgresql":
        # the function of revision 0001 raises whatever the operation; it serves here too
        op.execute(
            "CREATE TRIGGER report_history_no_delete BEFORE DELETE ON report_history "
            "FOR EACH ROW EXECUTE FUNCTION report_history_append_only()"
        )
        op.execute(
            "CREATE TRIGGER report_history_no_truncate BEFORE TRUNCATE ON report_history "
            "FOR EACH STATEMENT EXECUTE FUNCTION report_history_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS report_history_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS report_history_no_truncate ON report_history")
        op.execute("DROP TRIGGER IF EXISTS report_history_no_delete ON report_history")
