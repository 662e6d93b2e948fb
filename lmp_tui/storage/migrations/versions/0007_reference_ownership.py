"""who owns the reference data: the operator role, shared changes in every audit, company IDs in lower case

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Regions, products, the price list and general codes are shared by every distributor of the
database; only the new ``operator`` role changes them (docs/ownership.md). Here:

- ``staff_users.role`` accepts ``operator``: its CHECK constraint is replaced. PostgreSQL
  replaces it in place. SQLite cannot, so ``staff_users`` is copied into a new table; the
  users' SSH keys refer to it and are set aside and put back around the copy (nothing
  append-only refers to a staff user, so no history is touched).
- ``admin_history.shared``: a change to shared data shows in every distributor's audit. A
  plain ADD COLUMN (no table copy: the history is append-only), false for what is there;
  and an index for the audit's ``distributor_id = mine OR shared``.
- ``partners.company_id`` in lower case: a company ID names one partner whatever its case.
  Two partners whose IDs differ only in case are refused with a sentence, nothing changed.
"""

import sqlalchemy as sa
from alembic import op

from lmp_tui.errors import DatabaseUnavailable

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_ROLES = ("viewer", "billing", "admin")
NEW_ROLES = (*OLD_ROLES, "operator")
SHARED_INDEX = "ix_admin_history_shared"


def _role_type(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="ck_role", native_enum=False, create_constraint=True, length=32)


def _roles(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint("ck_role", "staff_users", type_="check")
        op.create_check_constraint("ck_role", "staff_users", sa.column("role").in_(new))
        return
    keys = sa.table(
        "staff_keys",
        *(sa.column(c) for c in ("id", "user_id", "fingerprint", "algorithm", "public_key", "comment", "added_at")),
    )
    kept = [dict(r) for r in bind.execute(sa.select(keys)).mappings()]
    bind.execute(keys.delete())  # the keys refer to the users: out while the users' table is copied
    with op.batch_alter_table("staff_users", recreate="always") as batch:
        batch.alter_column("role", existing_type=_role_type(old), type_=_role_type(new), existing_nullable=False)
    if kept:
        bind.execute(keys.insert(), kept)


def _lower_company_ids() -> None:
    bind = op.get_bind()
    partners = sa.table("partners", sa.column("id", sa.Integer), sa.column("company_id", sa.String))
    lowered = sa.func.lower(partners.c.company_id)
    clash = bind.execute(sa.select(lowered).group_by(lowered).having(sa.func.count() > 1).limit(3)).scalars().all()
    if clash:
        raise DatabaseUnavailable(
            f"Partners whose company IDs differ only in case ({', '.join(clash)}) cannot be told apart any more: a "
            "company ID names one partner whatever its case. Nothing was changed; give one of each pair another "
            "company ID (or ask your support desk), then run `lmp-tui db upgrade` again."
        )
    bind.execute(partners.update().where(partners.c.company_id != lowered).values(company_id=lowered))


def upgrade() -> None:
    _lower_company_ids()  # first: a clash is refused before anything else is done
    _roles(OLD_ROLES, NEW_ROLES)
    op.add_column("admin_history", sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index(SHARED_INDEX, "admin_history", ["shared", "id"], unique=False)


def downgrade() -> None:
    # the operators become admins (their distributor's); company IDs stay in lower case
    op.get_bind().execute(sa.text("UPDATE staff_users SET role = 'admin' WHERE role = 'operator'"))
    _roles(NEW_ROLES, OLD_ROLES)
    op.drop_index(SHARED_INDEX, table_name="admin_history")
    op.get_bind().exec_driver_sql("ALTER TABLE admin_history DROP COLUMN shared")  # in place on SQLite too
