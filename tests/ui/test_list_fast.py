"""Issue 9, the report list: the report-number column, names that take the spare width,
amounts with separators, a complete first paint, PgDn/PgUp, Escape out of find, the
palette key in the key bar, counts per status read only when they can change, a report
being prepared shows no total, and the frame painted before the database stack loads."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from textual.widgets import Input

from lmp_tui.ui.app import LmpApp
from lmp_tui.domain.model import Status
from lmp_tui.services import BillingService
from lmp_tui.storage import models as m
from screens.billing_report import BillingReportScreen
from screens.report_list import ReportListScreen
from widgets.filter_bar import FilterBar, Filters
from widgets.key_bar import KeyBar
from widgets.report_table import ReportTable

from ..conftest import FIXED_NOW
from .conftest import settle, type_text, until, until_shown
from .painted import content, shows
from .test_workflow import SIZE, table_ids

ROOT = Path(__file__).resolve().parents[2]
LONG = "Northern Lights Managed Security Services"


def rename(db, report_id: int, name: str) -> None:
    from lmp_tui.domain.search import search_key

    with db.write() as s:
        row = s.get(m.BillingReport, report_id)
        row.partner_name, row.partner_key = name, search_key(name)


async def test_first_paint_has_report_numbers_full_cells_and_separators(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # no key pressed: the first paint must be complete
        rows = shows(app, " # ", "Partner", "Tokyo Secure K.K.", "Berlin Cyber GmbH", "154,200 JPY", "961.53 USD")
        (row,) = [r for r in rows if r.strip().startswith(f"{ui_world['review']} ")]
        assert "Acme Networks" in row and "Review (manual)" in row and "961.53 USD" in row  # its number on its row
        # made with the frame, and once more with the first page, before its rows
        assert app.screen.query_one(ReportTable).column_builds <= 2


async def test_the_name_takes_the_spare_width(make_app, ui_world, sqlite_db):
    rename(sqlite_db, ui_world["review"], LONG)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shows(app, LONG)  # 41 characters, not cut at 22
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = shows(app, LONG[:16], "…", "961.53 USD")  # cut, marked, and the total still on screen
        assert LONG not in "\n".join(rows)


async def test_number_and_partner_stay_while_the_other_columns_scroll_right(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [r for r in shows(app, "Tokyo Secure K.K.") if "PO-JP" in r]  # past the right edge
        await pilot.press("right", "right", "right", "right", "right")
        await settle(pilot)
        (row,) = [r for r in shows(app, "PO-JP") if "PO-JP" in r]
        assert re.match(r" \d+  Tokyo Secure K\.K\.  ", row)  # # and Partner stayed in place
        (titles,) = [r for r in shows(app, "Company ID") if "Company ID" in r]
        assert "Partner" in titles and "Cycle" not in titles  # the columns after the name scrolled away
        await pilot.press("left", "left", "left", "left", "left")
        await settle(pilot)
        shows(app, "Cycle", "154,200 JPY")


async def test_columns_are_not_made_again_for_each_page(make_app, ui_world, monkeypatch):
    import lmp_tui.startup.prefetch as prefetch

    monkeypatch.setattr(prefetch, "PAGE_SIZE", 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        builds = table.column_builds
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "p3/3" in content(app.screen.query_one("#summary"))
        assert table.column_builds == builds


async def test_pgdn_and_pgup_page_through_the_database_with_the_list_focused(make_app, ui_world, monkeypatch):
    import lmp_tui.startup.prefetch as prefetch

    monkeypatch.setattr(prefetch, "PAGE_SIZE", 4)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.has_focus
        first = table_ids(app)
        await pilot.press("pagedown")
        await settle(pilot)
        second = table_ids(app)
        assert len(second) == 4 and not set(first) & set(second)
        assert "p2/3" in content(app.screen.query_one("#summary"))
        await pilot.press("pageup")
        await settle(pilot)
        assert table_ids(app) == first and "p1/3" in content(app.screen.query_one("#summary"))


async def test_escape_leaves_the_find_box_for_the_list(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "berl")
        await settle(pilot)
        find = app.screen.query_one("#partner", Input)
        assert find.has_focus
        shows(app, "esc List")  # the key bar says so while typing
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(ReportTable).has_focus
        assert find.value == "berl" and len(table_ids(app)) == 2  # the search stays


async def test_the_key_bar_shows_the_palette_key(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "^p Palette" in content(app.screen.query_one(KeyBar))
        shows(app, "^p Palette")
        await pilot.press("ctrl+p")
        await settle(pilot)
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)


async def test_find_ignores_accents_and_case(make_app, ui_world, sqlite_db):
    ui_world.report("munich", "berlin", "2026-06", Status.UNDER_REVIEW, None)
    with sqlite_db.write() as s:  # written without a key: the model's default makes it
        s.get(m.BillingReport, ui_world["munich"]).partner_name = "München Sicherheit"
    rename(sqlite_db, ui_world["munich"], "München Sicherheit")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "MUNCHEN")
        await settle(pilot)
        assert table_ids(app) == [ui_world["munich"]]
        shows(app, "München Sicherheit")


async def test_counts_per_status_are_not_read_again_for_a_status_filter(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        calls = []
        real = app.service.status_counts
        app.service.status_counts = lambda *a, **k: calls.append(a) or real(*a, **k)  # type: ignore[method-assign]
        screen = app.screen
        for status in (Status.UNDER_REVIEW, Status.SUBMITTED, None):
            screen.post_message(FilterBar.Changed(Filters(status=status)))
            await settle(pilot)
        assert calls == []  # the status filter alone: the counts shown are still right
        assert len(table_ids(app)) == 9
        screen.post_message(FilterBar.Changed(Filters(partner_text="acme")))
        await settle(pilot)
        assert len(calls) == 1  # the find text changes them
        screen.post_message(FilterBar.Changed(Filters(status=Status.REJECTED, partner_text="acme")))
        await settle(pilot)
        assert len(calls) == 1
        await pilot.press("f5")  # the data may have changed
        await settle(pilot)
        assert len(calls) == 2


async def test_a_report_being_prepared_shows_no_total_in_the_list(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = shows(app, "MSP preparing")
        prep = [r for r in rows if "MSP preparing" in r]
        assert len(prep) == 2 and not any(c in r for r in prep for c in ("USD", "EUR"))


def _still_connecting(service, first, tmp_path, finished: bool = False):
    """The app, with the first page read beside its start if any, its own database stack
    "loading" until the event it returns is set (:func:`_database_opens`)."""
    opened = threading.Event()

    def connect(announce):
        opened.wait(10)
        return service, service.whoami()

    page = None if first is None else _Ready(first, finished)
    return LmpApp(connect=connect, export_dir=tmp_path, first_page=page), opened


async def _database_opens(app, pilot, opened: threading.Event) -> None:
    opened.set()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "connect"])
    await settle(pilot)


async def test_the_frame_is_painted_before_the_database_opens(sqlite_db, ui_world, tmp_path):
    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    app, opened = _still_connecting(service, None, tmp_path)  # the database is slow to open
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shows(app, "Billing reports · connecting…", "All statuses", "Loading…")
        await _database_opens(app, pilot, opened)
        shows(app, "signed in as billing", "9 reports · p1/1", "Tokyo Secure K.K.")


async def test_a_refusal_while_connecting_ends_the_app_with_it(tmp_path):
    from lmp_tui.errors import DatabaseUnavailable

    def connect(announce):
        raise DatabaseUnavailable("There is no database at /nowhere.")

    app = LmpApp(connect=connect, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.startup_error, what="the refusal ending the app")
    assert isinstance(app.startup_error, DatabaseUnavailable) and app.return_value == 1


def test_the_interface_imports_no_database_stack_before_its_first_paint():
    code = ("import sys, lmp_tui.cli.main, lmp_tui.ui.launch, lmp_tui.ui.app, screens.report_list, lmp_tui.startup.quickread;"
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'pydantic', 'lmp_tui.services') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_a_current_database_opens_without_alembic(sqlite_db):
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    code = ("import sys; from lmp_tui.storage.db import Database;"
            f"Database.open({url!r}).dispose(); Database.open({url!r}, create=True).dispose();"
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


async def test_80_columns_show_the_discrepancy_and_comment_columns(make_app, ui_world):
    """#, Partner, Cycle, Status, Total, Disc and Cmt all within the 80 columns, with their
    figures on the row (the flag, lines, PO and company may be past the right edge)."""
    ui_world.report("many", "tokyo", "2026-05", Status.UNDER_REVIEW, None)
    with ui_world.db.write() as s:
        row = s.get(m.BillingReport, ui_world["many"])
        row.discrepancy_count, row.comment_count = 12, 7
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = shows(app, "Disc", "Cmt")
        (header,) = [r for r in rows if "Partner" in r and "Cycle" in r]
        for title in (" # ", "Partner", "Cycle", "Status", "Total", "Disc", "Cmt"):
            assert title in header[:80]
        (row,) = [r for r in rows if r.strip().startswith(f"{ui_world['many']} ")]
        assert row[header.index("Disc"):header.index("Disc") + 4].strip() == "12"
        assert row[header.index("Cmt"):header.index("Cmt") + 3].strip() == "7"


async def test_a_page_is_as_many_reports_as_the_list_shows(make_app, ui_world):
    """At 80×24 a page is the rows the list shows and 2 more, not 50; paging goes on."""
    for month in range(1, 13):
        for partner in ("berlin", "tokyo"):
            ui_world.report(f"{partner}{month}", partner, f"2025-{month:02d}", Status.COMPLETED, None)
    app = make_app()  # 9 + 24 = 33 reports
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        shown = table.size.height - 1  # its header
        assert 14 <= shown <= 18 and table.row_count == shown + 2
        assert "p1/2" in content(app.screen.query_one("#summary"))
        first = table_ids(app)
        await pilot.press("pagedown")
        await settle(pilot)
        assert len(table_ids(app)) == 33 - (shown + 2) and not set(first) & set(table_ids(app))
        assert "33 reports · p2/2" in content(app.screen.query_one("#summary"))
        await pilot.press("t", "down", "down", "enter")  # a status: its count from the counts per status
        await settle(pilot)
        assert content(app.screen.query_one("#summary")).startswith("3 reports · p1/1")


async def test_the_first_key_after_a_pause_finds_at_once(make_app, ui_world, monkeypatch):
    """The first key is searched for without waiting; keys right after it wait for the last."""
    import widgets.filter_bar as fb

    monkeypatch.setattr(fb, "DEBOUNCE_S", 30.0)  # a burst would wait for it: longer than the test
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "t")
        await settle(pilot)
        assert len(table_ids(app)) == 7  # read at once: Acme Networks (5) and Tokyo Secure (2), not Berlin Cyber
        await pilot.press("o", "k")  # within the burst: not read yet
        await settle(pilot)
        assert len(table_ids(app)) == 7
        # as if DEBOUNCE_S had passed: waiting 30 s is not an option, and a shorter burst
        # would race the test's own steps on a loaded machine
        bar = app.screen.query_one(FilterBar)
        bar._timer.stop()  # noqa: SLF001
        bar._typed()  # noqa: SLF001
        await settle(pilot)
        assert len(table_ids(app)) == 2
        shows(app, "Tokyo Secure K.K.")


class _Ready:
    """A first page already read (what lmp_tui.startup.prefetch's child hands over: tests/test_prefetch.py)."""

    def __init__(self, first, finished: bool = False) -> None:
        self.first, self.closed, self._finished = first, False, finished

    def finished(self) -> bool:
        return self._finished

    def take(self, timeout: float):
        return self.first

    def close(self) -> None:
        self.closed = True


# a child done by the time the interface mounts is read there (the page in the first frame:
# tests/test_quickread.py shows it in a terminal), else by a worker
@pytest.mark.parametrize("finished", [False, True], ids=["child-still-reading", "child-done-at-start"])
async def test_the_first_page_read_beside_the_start_shows_before_the_database_opens(sqlite_db, ui_world, tmp_path,
                                                                                   finished):
    from lmp_tui.startup.prefetch import FirstPage, first_query
    from lmp_tui.commands.validation import ReportQuery

    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    fields = first_query(24)
    counts = service.status_counts()
    first = FirstPage(fields, service.whoami(), counts, service.query_reports(ReportQuery(**fields), total=9),
                      service.cycles())
    app, opened = _still_connecting(service, first, tmp_path, finished)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "signed in as billing", "9 reports · p1/1", "Tokyo Secure K.K.")
        assert app.service is None
        table = app.screen.query_one(ReportTable)
        table.move_cursor(row=table.index_of(ui_world["review"]))
        await pilot.press("enter")  # before the database is open: the report opens once it is
        await until_shown(pilot, f"Opening report #{ui_world['review']} as soon as the database is open")
        assert isinstance(app.screen, ReportListScreen)
        await _database_opens(app, pilot, opened)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == ui_world["review"]


async def test_a_status_chosen_before_the_database_opens_shows_at_once(sqlite_db, ui_world, tmp_path, monkeypatch):
    """The first page came without the database stack (lmp_tui.startup.quickread): a status chosen
    while that stack still loads shows its page then, read the same way, and Enter typed
    right after the choice opens a report of that page once the database is open."""
    from lmp_tui.startup import prefetch

    monkeypatch.setenv("LMP_DATA_DIR", str(tmp_path / "data"))
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    first = prefetch._quick(url, "billing", False, prefetch.first_query(24))  # noqa: SLF001 - the child's read
    assert first is not None and first.source is not None
    app, opened = _still_connecting(service, first, tmp_path, finished=True)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "9 reports · p1/1")
        await pilot.press("t", "down", "down", "enter", "enter")  # Under review, then open its first report
        table = app.screen.query_one(ReportTable)
        under_review = service.status_counts()[Status.UNDER_REVIEW]
        await until(pilot, lambda: len(table.row_ids) == under_review, what="the page of reports under review")
        await until_shown(pilot, "as soon as the database is open")
        assert app.service is None and isinstance(app.screen, ReportListScreen)
        assert under_review >= 2
        assert {table.cell(rid, "status").split(" (")[0] for rid in table.row_ids} == {"Review"}
        shows(app, f"Opening report #{table.row_ids[0]} as soon as the database is open")
        await _database_opens(app, pilot, opened)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == table.row_ids[0]


async def test_enter_before_the_first_page_opens_its_first_report_once_read(sqlite_db, ui_world, tmp_path):
    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    app, opened = _still_connecting(service, None, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shows(app, "Loading…")
        await pilot.press("enter")  # nothing to open yet: it waits for the page
        await _database_opens(app, pilot, opened)
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen), what="the first report opened")
        await settle(pilot)
        first = app.screen_stack[-2].query_one(ReportTable).row_ids[0]  # the list's, under the report
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == first


async def test_a_find_typed_before_the_database_opens_then_enter_opens_a_report_found(sqlite_db, ui_world, tmp_path):
    """The first page came beside the start; "/berl ⏎ ⏎" before the database is open: the
    report opened is Berlin's (read once the database is open), not the one highlighted in
    the first page."""
    from lmp_tui.startup.prefetch import FirstPage, first_query
    from lmp_tui.commands.validation import ReportQuery

    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    fields = first_query(24)
    first = FirstPage(fields, service.whoami(), service.status_counts(),
                      service.query_reports(ReportQuery(**fields), total=9), service.cycles())
    app, opened = _still_connecting(service, first, tmp_path, finished=True)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "9 reports · p1/1")
        await pilot.press("slash", "b", "e", "r", "l")  # the find is read once the database is open
        await pilot.press("enter", "enter")  # back to the list, and open
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.has_focus, what="the list taking the keys back from the find box")
        assert isinstance(app.screen, ReportListScreen)  # (the database is not open: nothing could open)
        await _database_opens(app, pilot, opened)
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen), what="the report opened")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen)
        assert app.screen.report_id == app.screen_stack[-2].query_one(ReportTable).row_ids[0]
        assert "Berlin Cyber GmbH" in str(app.screen.query_one("#header").render())


async def test_escape_calls_off_a_report_still_to_open(sqlite_db, ui_world, tmp_path):
    from lmp_tui.startup.prefetch import FirstPage, first_query
    from lmp_tui.commands.validation import ReportQuery

    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    fields = first_query(24)
    first = FirstPage(fields, service.whoami(), service.status_counts(),
                      service.query_reports(ReportQuery(**fields), total=9), service.cycles())
    app, opened = _still_connecting(service, first, tmp_path, finished=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until_shown(pilot, "9 reports · p1/1")
        await pilot.press("enter")  # (no settle: it would wait for the database to open)
        await until_shown(pilot, "as soon as the database is open")
        await pilot.press("escape")
        await until_shown(pilot, "9 reports · p1/1", "will not be opened")
        await _database_opens(app, pilot, opened)
        await until(pilot, lambda: app.service, what="signing in")  # from here a report still asked for opens
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)


async def test_a_find_typed_after_enter_calls_off_the_report_still_to_open(sqlite_db, ui_world, tmp_path):
    """Enter on the first page before the database is open, then a find: the report asked for
    from the list as it was is not opened once the database is; the list shows the find."""
    from lmp_tui.commands.validation import ReportQuery
    from lmp_tui.startup.prefetch import FirstPage, first_query

    service = BillingService(sqlite_db, "billing", clock=lambda: FIXED_NOW)
    fields = first_query(24)
    first = FirstPage(fields, service.whoami(), service.status_counts(),
                      service.query_reports(ReportQuery(**fields), total=9), service.cycles())
    app, opened = _still_connecting(service, first, tmp_path, finished=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until_shown(pilot, "9 reports · p1/1")
        await pilot.press("enter")
        await until_shown(pilot, "as soon as the database is open")
        await pilot.press("slash", "b", "e", "r", "l")
        await until_shown(pilot, "9 reports · p1/1", "will not be opened")
        await _database_opens(app, pilot, opened)
        await until(pilot, lambda: len(table_ids(app)) == 2, what="the find's page once the database is open")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert len(table_ids(app)) == 2  # Berlin's two reports
