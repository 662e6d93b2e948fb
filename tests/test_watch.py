"""The change watch: a change committed elsewhere (another Database object, so another
connection) is seen within 2 s; PostgreSQL names the reports, SQLite says "something";
a rolled-back change says nothing on PostgreSQL; a dropped connection comes back."""

from __future__ import annotations

import time

from sqlalchemy import text

from lmp_tui.services import BillingService, Changes
from lmp_tui.storage.db import Database

from .conftest import FIXED_NOW


def _other(db: Database) -> Database:
    return Database.open(db.engine.url.render_as_string(hide_password=False))


def _next(watch, within: float = 2.0) -> tuple[Changes | None, float]:
    start = time.monotonic()
    while time.monotonic() - start < within:
        got = watch.wait(0.25)
        if got is not None:
            return got, time.monotonic() - start
    return None, time.monotonic() - start


def test_a_change_committed_elsewhere_is_seen_within_two_seconds(db, world):
    watch = BillingService(db, "billing").watch_changes()
    other = _other(db)
    try:
        assert watch.wait(0.2) is None  # nothing happened yet
        BillingService(other, "billing", clock=lambda: FIXED_NOW).set_po(world["review"], "PO-ELSEWHERE")
        got, took = _next(watch)
        assert got is not None and took < 2.0
        if db.dialect == "postgresql":
            assert got.ids == {world["review"]}
            assert dict(got.versions)[world["review"]] == 2
        else:
            assert got.ids is None and got.touches(world["review"])  # SQLite: something changed
        assert watch.wait(0.6) is None  # and it is told once
    finally:
        watch.close()
        watch.close()  # twice is harmless
        other.dispose()


def test_a_burst_is_one_answer(db, world):
    watch = BillingService(db, "billing").watch_changes()
    other = _other(db)
    try:
        with other.engine.begin() as conn:
            conn.execute(text("UPDATE billing_reports SET version = version + 1"))
        got, _ = _next(watch)
        assert got is not None
        if db.dialect == "postgresql":
            assert got.ids == set(world.ids[k] for k in world.ids if not k.startswith("partner:"))
        assert watch.wait(0.6) is None
    finally:
        watch.close()
        other.dispose()


def test_postgres_a_rolled_back_change_sends_nothing(db, world):
    if db.dialect != "postgresql":
        return _sqlite_rollback_is_silent(db, world)
    watch = BillingService(db, "billing").watch_changes()
    other = _other(db)
    try:
        with other.engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text("UPDATE billing_reports SET po_number = 'X' WHERE id = :i"), {"i": world["eu"]})
            trans.rollback()
        assert _next(watch, 1.0)[0] is None
        BillingService(other, "billing").set_po(world["eu"], "PO-KEPT")
        got, _ = _next(watch)
        assert got is not None and got.ids == {world["eu"]}
    finally:
        watch.close()
        other.dispose()


def _sqlite_rollback_is_silent(db, world):
    watch = BillingService(db, "billing").watch_changes()
    other = _other(db)
    try:
        with other.engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text("UPDATE billing_reports SET po_number = 'X' WHERE id = :i"), {"i": world["eu"]})
            trans.rollback()
        assert _next(watch, 1.2)[0] is None
    finally:
        watch.close()
        other.dispose()


def test_a_dropped_connection_comes_back_and_says_something_changed(db, world):
    watch = BillingService(db, "billing").watch_changes()
    other = _other(db)
    try:
        if db.dialect == "postgresql":
            with other.engine.begin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": watch.backend_pid})
        else:
            watch._conn.close()  # noqa: SLF001 - what a lost file handle looks like
        got, _ = _next(watch)
        assert got is not None and got.ids is None  # missed notices: "something changed"
        BillingService(other, "billing").set_po(world["review"], "PO-AFTER")
        got, _ = _next(watch)
        assert got is not None and got.touches(world["review"])
        if db.dialect == "postgresql":
            assert got.ids == {world["review"]}
    finally:
        watch.close()
        other.dispose()


def test_report_stamp_names_the_version_and_the_last_change(service, world):
    svc = service()
    stamp = svc.report_stamp(world["review"])
    assert stamp.version == 1 and stamp.actor is None
    service("admin").set_po(world["review"], "PO-STAMP")
    stamp = svc.report_stamp(world["review"])
    assert stamp.version == 2 and stamp.actor == "admin" and "PO-STAMP" in stamp.detail
    assert stamp.said.startswith("admin changed report #") and "PO-STAMP" in stamp.said
