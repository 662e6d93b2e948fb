"""The report list's first page read in a forked child while the interface starts
(lmp_tui.startup.prefetch): the same page, counts, cycles and user the service gives; nothing when
the child cannot sign in (the interface's own start says why); no child left behind."""

from __future__ import annotations

import os

import pytest

from lmp_tui.startup import prefetch
from lmp_tui.services import BillingService
from lmp_tui.commands.validation import ReportQuery

from .factory import World


def url_of(db) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_the_child_reads_what_the_service_reads(sqlite_db):
    World.build(sqlite_db)
    child = prefetch.start(url_of(sqlite_db), "billing", False, height=24)
    assert child is not None
    first = child.take(timeout=60)
    assert first is not None
    service = BillingService(sqlite_db, "billing")
    assert first.fields["limit"] == prefetch.page_rows(24 - prefetch.CHROME_LINES) == 19
    counts = service.status_counts()
    assert first.counts == counts and sum(counts.values()) == 9
    assert first.page.rows == service.query_reports(ReportQuery(**first.fields), total=9).rows
    assert first.cycles == service.cycles() and first.user == service.whoami()
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(child.pid, os.WNOHANG)


def test_a_child_that_cannot_sign_in_gives_nothing(sqlite_db):
    World.build(sqlite_db)
    child = prefetch.start(url_of(sqlite_db), "nobody-here", False, height=24)
    assert child is not None and child.take(timeout=60) is None


def test_a_child_still_reading_is_stopped_when_the_interface_ends(sqlite_db):
    World.build(sqlite_db)
    child = prefetch.start(url_of(sqlite_db), "billing", False, height=24)
    assert child is not None
    child.close()  # at once, before it could have read anything
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)
    assert child.take(timeout=1) is None
