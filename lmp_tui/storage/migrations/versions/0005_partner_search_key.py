"""the partner search key: find ignores accents and case, and does not scan the reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

``billing_reports.partner_key``: the partner's name as the find box compares it (NFKD,
combining marks removed, casefolded: :func:`lmp_tui.domain.search.search_key`), filled here for
the reports that exist and written with the name from now on. An index on
(distributor_id, partner_key, id) lets a search read that narrow index instead of the
reports. On PostgreSQL a trigram index (``pg_trgm``, GIN) serves ``LIKE '%text%'``
directly; where the extension cannot be created (not installed, or the user may not), the
migration goes on without it and the B-tree index serves.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import DBAPIError

from lmp_tui.domain.search import search_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGRAM_INDEX = "ix_report_partner_key_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    # a plain ADD COLUMN, never SQLite's table copy: dropping the old reports table would
    # cascade to their append-only history, which refuses it
    op.add_column("billing_reports", sa.Column("partner_key", sa.String(length=400), nullable=False, server_default=""))
    reports = sa.table(
        "billing_reports",
        sa.column("id", sa.Integer),
        sa.column("partner_name", sa.String),
        sa.column("partner_key", sa.String),
    )
    names = bind.execute(sa.select(reports.c.partner_name).distinct()).scalars().all()
    for name in names:  # one update per partner name (a few thousand), not per report
        bind.execute(reports.update().where(reports.c.partner_name == name).values(partner_key=search_key(name)))
    if bind.dialect.name != "sqlite":  # every insert writes the key (SQLite cannot drop a default in place)
        op.alter_column("billing_reports", "partner_key", server_default=None, existing_type=sa.String(length=400))
    op.create_index(
        "ix_report_dist_partner_key", "billing_reports", ["distributor_id", "partner_key", "id"], unique=False
    )
    if bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():  # a savepoint: without the extension, the migration goes on
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                bind.exec_driver_sql(
                    f"CREATE INDEX {TRIGRAM_INDEX} ON billing_reports USING gin (partner_key gin_trgm_ops)"
                )
        except DBAPIError:
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")  # the extension stays: others may use it
    op.drop_index("ix_report_dist_partner_key", table_name="billing_reports")
    op.get_bind().exec_driver_sql("ALTER TABLE billing_reports DROP COLUMN partner_key")  # in place on SQLite too
