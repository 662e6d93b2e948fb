"""Opening a large report and resetting its prices, as a clerk sees them: the first frame of
a report read quickly already holds its rows (no empty "Loading" screen first), a slow read
shows the screen with "Loading report #…" until the report comes, and Reset repaints every
line's price, those on screen and those scrolled to afterwards."""

from __future__ import annotations

import threading
from decimal import Decimal as D

from sqlalchemy import update

from lmp_tui.domain.model import EditableField, total_of
from lmp_tui.storage import models as m
from screens.billing_report import BillingReportScreen
from screens.report_list import ReportListScreen
from widgets.line_grid import LineGrid
from widgets.report_header import ReportHeader

from .conftest import said, settle, until, until_shown
from .painted import content, shows
from .test_report_grid import BIG, SIZE, big_report, open_big


async def test_a_report_read_quickly_shows_its_rows_in_its_first_frame(make_app, ui_world, monkeypatch):
    first: dict[str, object] = {}
    grid_render, header_render = LineGrid.render_line, ReportHeader.render_lines

    def grid_line(self, y):  # noqa: ANN001, ANN202
        first.setdefault("rows", self.row_count)
        return grid_render(self, y)

    def header_lines(self, crop):  # noqa: ANN001, ANN202
        first.setdefault("header", content(self))
        return header_render(self, crop)

    monkeypatch.setattr(LineGrid, "render_line", grid_line)
    monkeypatch.setattr(ReportHeader, "render_lines", header_lines)
    monkeypatch.setattr("screens.report_opening.OPEN_WAIT_S", 5.0)  # "quickly" whatever else loads the machine
    rid = big_report(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_report(rid)
        screen = await open_big(pilot, app)
        assert first["rows"] == BIG  # the grid's first paint: the rows, not an empty grid
        assert f"#{rid} Acme Networks" in first["header"] and "Loading" not in first["header"]
        shows(app, "1 Endpoint Security for", "Line 1 · Endpoint Security for")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen) and screen.draft is not None


async def test_a_slow_read_shows_the_screen_loading_then_the_report(make_app, ui_world, monkeypatch):
    rid = big_report(ui_world)
    app = make_app()
    load, busy = app.service.load_report, threading.Event()

    def slow(report_id):  # noqa: ANN001, ANN202
        busy.wait(30)  # a busy database server: the report comes when the test lets it
        return load(report_id)

    monkeypatch.setattr(app.service, "load_report", slow)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_report(rid)
        # the screen comes before the report
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen), what="the report's screen")
        await until_shown(pilot, f"Loading report #{rid}…")
        screen = app.screen
        assert screen.query_one(LineGrid).row_count == 0
        busy.set()
        await open_big(pilot, app)
        assert app.screen is screen
        shows(app, f"#{rid} Acme Networks", "Line 1 · Endpoint Security for")


async def test_opening_an_unknown_report_from_the_list_says_so_and_stays_on_the_list(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_report(99999)
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert any(t == "Cannot open the report" and "#99999" in msg for t, msg in said(app))


async def test_reset_repaints_every_lines_price_on_screen_and_off(make_app, ui_world):
    rid = big_report(ui_world)
    with ui_world.db.write() as s:  # every line carries a code that opened its unit price
        s.execute(update(m.LineItem).where(m.LineItem.report_id == rid)
                  .values(promo_code="BD-NA-OPEN", editable_field=EditableField.UNIT_PRICE, unit_price=D("7.77")))
    app = make_app(open_report=rid)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        await pilot.press(*["right"] * 5)  # to Unit Price, Margin % and Code
        await pilot.press("end")  # the last lines formatted with their code, then back to the top
        await pilot.pause()
        shows(app, "7.77 ✎", "BD-NA-OPEN")
        await pilot.press("home", "z")
        await settle(pilot)
        rows = shows(app, "10.00", "3.33", "100.00")
        assert not any("7.77" in r or "BD-NA-OPEN" in r for r in rows)
        await pilot.press("end")
        await pilot.pause()
        rows = shows(app, f"{BIG} Email Security", "3.33")
        assert not any("7.77" in r or "BD-NA-OPEN" in r for r in rows)
        working = screen.draft.working
        assert all(ln.promo_code is None and ln.unit_price == ln.list_unit_price for ln in working.lines)
        total = total_of(working.lines, "USD")
        assert f"{total:,}" in content(screen.query_one(ReportHeader)) and screen.unsaved == 1


async def test_a_report_opened_from_the_command_line_is_not_called_off_on_the_list_later(make_app, ui_world):
    """`lmp-tui --open N`: the report opens; back on the list, a find or Escape does not say
    "Report #N will not be opened" (it was, and nothing is still to open)."""
    rid = ui_world["review"]
    app = make_app(open_report=rid)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == rid
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        await pilot.press("slash", "a", "escape", "escape")
        await settle(pilot)
        said = [n.message for n in app._notifications]  # noqa: SLF001
        assert not any("will not be opened" in m for m in said), said
