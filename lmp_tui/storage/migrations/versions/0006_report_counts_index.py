"""the counts per status read one index: (distributor_id, status, cycle, partner_key)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

The report list counts the reports of each status for the cycle and the partner text typed
(:meth:`lmp_tui.services.queries.QueriesMixin.status_counts`), on every find. Grouped by
status, the database walked the (distributor, status, cycle, name, id) index and read each
report for its ``partner_key``: 100k reports, ~300 ms on SQLite for one character. This
index holds every column that count needs, so it is read alone (~30 ms). An index only:
``CREATE INDEX`` in place on SQLite too, no table copy (which would cascade into the
append-only history, see 0005).
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "ix_report_dist_status_key"


def upgrade() -> None:
    op.create_index(INDEX, "billing_reports", ["distributor_id", "status", "cycle", "partner_key"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="billing_reports")
