"""The Alembic migrations build exactly the schema the ORM models describe, and go down
and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from alembic.script import ScriptDirectory

from lmp_tui.storage.db import HEAD_REVISION, REVISIONS, alembic_config
from lmp_tui.storage.models import Base


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(db):
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(db.table_names()) <= {"alembic_version"}
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    assert "billing_reports" in db.table_names()


def test_the_known_revisions_are_alembics():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(REVISIONS)
    assert scripts.get_current_head() == HEAD_REVISION
