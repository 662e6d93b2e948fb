"""The Alembic migrations build exactly the schema the ORM models describe, and go down
and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from alembic.script import ScriptDirectory

from lmp_tui.storage.db import HEAD_REVISION, REVISIONS, alembic_config
from lmp_tui.storage.models import Base


#: made by migration 0005 on PostgreSQL when pg_trgm can be had; not in the models (optional)
TRIGRAM_INDEX = "ix_report_partner_key_trgm"


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if not (d[0] == "remove_index" and d[1].name == TRIGRAM_INDEX)] == []


def test_0005_fills_the_search_key_and_goes_down_and_up(db, world):
    """Down to 0004 (the key and its indexes gone), up again: every report's key is its
    partner's name without accents and case."""
    from sqlalchemy import inspect, text

    service = __import__("lmp_tui.services", fromlist=["BillingService"]).BillingService(db, "billing")
    service.save_draft(world["review"], [{"kind": "set_po", "po_number": "PO-1"}])  # history: append-only
    with db.write() as s:
        s.execute(text("UPDATE billing_reports SET partner_name = 'Müller Straße ÆØ' WHERE id = :id"),
                  {"id": world["review"]})
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
    columns = {c["name"] for c in inspect(db.engine).get_columns("billing_reports")}
    assert "partner_key" not in columns
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    with db.read() as s:
        keys = dict(s.execute(text("SELECT partner_name, partner_key FROM billing_reports")).all())
    assert keys["Müller Straße ÆØ"] == "muller strasse æø"
    assert keys["Acme Networks"] == "acme networks"
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("billing_reports")}
    assert "ix_report_dist_partner_key" in indexes
    if db.dialect == "postgresql":  # the test cluster's user may create pg_trgm: the trigram index is there
        assert TRIGRAM_INDEX in indexes


def test_0006_the_counts_index_goes_down_and_up_in_place(db, world):
    """Down to 0005 (the index gone; the reports and their append-only history untouched),
    up again; on SQLite the counts per status of a find then read that index alone."""
    from sqlalchemy import func, inspect, select, text

    from lmp_tui.storage.models import BillingReport, HistoryRow

    service = __import__("lmp_tui.services", fromlist=["BillingService"]).BillingService(db, "billing")
    service.save_draft(world["review"], [{"kind": "set_po", "po_number": "PO-6"}])  # history: append-only
    with db.read() as s:
        before = (s.scalar(select(func.count()).select_from(BillingReport)),
                  s.scalar(select(func.count()).select_from(HistoryRow)))
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0005")
    assert "ix_report_dist_status_key" not in {i["name"] for i in inspect(db.engine).get_indexes("billing_reports")}
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    assert "ix_report_dist_status_key" in {i["name"] for i in inspect(db.engine).get_indexes("billing_reports")}
    with db.read() as s:
        after = (s.scalar(select(func.count()).select_from(BillingReport)),
                 s.scalar(select(func.count()).select_from(HistoryRow)))
        assert after == before
        if db.dialect == "sqlite":
            plan = " ".join(str(r[-1]) for r in s.execute(text(
                "EXPLAIN QUERY PLAN SELECT status, count(*) FROM billing_reports WHERE distributor_id = 1 "
                "AND partner_key LIKE '%a%' GROUP BY status")))
            assert "COVERING INDEX ix_report_dist_status_key" in plan
    assert sum(service.status_counts(partner_text="ACME").values()) >= 1


def test_0005_without_pg_trgm_still_migrates(db, monkeypatch):
    """Where the extension cannot be created, the migration goes on without the trigram index."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import Connection

    if db.dialect != "postgresql":
        assert "ix_report_dist_partner_key" in {i["name"] for i in inspect(db.engine).get_indexes("billing_reports")}
        return
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
        conn.exec_driver_sql("DROP EXTENSION IF EXISTS pg_trgm")
    real = Connection.exec_driver_sql

    def refuse(self, statement, *args, **kwargs):  # as a server without the extension would
        if "pg_trgm" in statement:
            return real(self, "CREATE EXTENSION no_such_extension_here")
        return real(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "exec_driver_sql", refuse)
    db.upgrade()
    monkeypatch.undo()
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("billing_reports")}
    assert db.current_revision() == HEAD_REVISION and "ix_report_dist_partner_key" in indexes
    assert TRIGRAM_INDEX not in indexes
    with db.engine.begin() as conn:  # as the other tests expect it
        command.downgrade(alembic_config(conn), "0004")
    db.upgrade()


def test_downgrade_and_upgrade_again(db):
    from sqlalchemy import inspect

    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.upgrade()
    assert db.current_revision() == HEAD_REVISION
    assert "billing_reports" in inspect(db.engine).get_table_names()


def test_the_known_revisions_are_alembics():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(REVISIONS)
    assert scripts.get_current_head() == HEAD_REVISION
