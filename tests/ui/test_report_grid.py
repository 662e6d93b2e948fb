"""The billing report's grid and the review screen's items at 80×24 (issue 9): a virtual grid
that formats only the rows on screen and repaints only what an edit changed, frozen # and
Name, a fixed-height detail pane; the partner comment in full, the list of codes that pass,
removing a line's code, a viewer told why nothing happens, error titles in full."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import update
from textual.widgets import OptionList, Static

from lmp_tui.domain.model import ReviewReason, Status
from lmp_tui.errors import InvalidInput
from lmp_tui.storage import models as m
from screens.billing_report import BillingReportScreen
from screens.code_dialog import CodeDialog
from screens.comment_dialog import CommentDialog
from screens.help_screen import HelpScreen
from widgets.key_bar import KeyBar
from widgets.line_detail import LineDetail
from widgets.line_grid import LineGrid

from .conftest import said, settle, type_text, until, until_shown
from .painted import shows

SIZE = (80, 24)
BIG = 2000
LONG_NAME = "Endpoint Security for Virtualised Desktops, Advanced Edition with XDR add-on"
LONG_COMMENT = "\n".join(f"Paragraph {i}: the customer moved seats between sites; see ticket {i}." for i in range(60))
PRODUCTS = ("Endpoint Security", "Email Security", "Network Appliance")


def big_report(world) -> int:
    lines = [(PRODUCTS[i % 3], 10 + i % 7, None if i % 3 == 2 else 10 + i % 5, 10 + i % 7,
              LONG_COMMENT if i == 0 else None) for i in range(BIG)]
    for i, (p, prov, used, _charge, comment) in enumerate(lines):
        if used is None:
            lines[i] = (p, prov, None, prov, comment)
    rid = world.report("big", "acme", "2026-12", Status.UNDER_REVIEW, ReviewReason.MANUAL_SUBMISSION, lines=lines)
    with world.db.write() as s:
        s.execute(update(m.LineItem).where(m.LineItem.report_id == rid, m.LineItem.line_no == 1)
                  .values(name=LONG_NAME))
    return rid


@pytest.fixture
def formatted(monkeypatch):
    """The rows the grid formats, in order (wraps :meth:`LineGrid.format_row`)."""
    calls: list[int] = []
    original = LineGrid.format_row

    def counting(self, row):  # noqa: ANN001, ANN202
        calls.append(row)
        return original(self, row)

    monkeypatch.setattr(LineGrid, "format_row", counting)
    return calls


async def open_big(pilot, app) -> BillingReportScreen:  # noqa: ANN001
    await settle(pilot)
    await until(pilot, lambda: isinstance(app.screen, BillingReportScreen) and app.screen.query(LineGrid)
                and app.screen.query_one(LineGrid).row_count == BIG, what=f"the report's {BIG} lines on screen")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BillingReportScreen) and screen.query_one(LineGrid).row_count == BIG
    return screen


async def test_opening_a_2000_line_report_formats_only_the_rows_on_screen(make_app, ui_world, formatted):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid = screen.query_one(LineGrid)
        visible = grid.scrollable_content_region.height - 1
        assert 3 <= visible <= 12
        # the rows on screen (the grid is taller for a moment, before the header is filled), each once
        assert set(range(visible)) <= set(formatted) <= set(range(SIZE[1])) and len(set(formatted)) == len(formatted)
        formatted.clear()
        await pilot.press("end")
        await pilot.pause()
        assert grid.cursor_row == BIG - 1 and grid.line_no == BIG
        assert sorted(set(formatted)) == list(range(BIG - visible, BIG))
        rows = shows(app, f"{BIG} Email Security")
        assert any(row.startswith(f" {BIG} ") for row in rows)


async def test_an_edit_formats_again_only_the_line_it_changed(make_app, ui_world, formatted):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid = screen.query_one(LineGrid)
        await pilot.press("down", "down")  # line 3
        await settle(pilot)
        formatted.clear()
        await pilot.press("c")
        await type_text(pilot, "BD-NA-OPEN")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft.working.line(3).promo_code == "BD-NA-OPEN"
        assert formatted == [2]  # line 3 only; the others came from the cache
        formatted.clear()
        await pilot.press("e")
        await type_text(pilot, "123456789.25")  # wider than the column: it grows, the cells stay cached
        await pilot.press("enter")
        await settle(pilot)
        assert formatted == [2] and grid.cells(2)["price"] == "123,456,789.25 ✎"  # grouped
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert formatted == [2]
        shows(app, "123,456,789")  # the column grew to fit the new value (grouped)
        assert "Total invoice amount" in "\n".join(shows(app))


async def test_keys_move_and_scroll_with_the_cursor_and_name_stays_when_scrolling_right(make_app, ui_world):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid = screen.query_one(LineGrid)
        assert app.focused is grid
        rows = shows(app, "Prov.", "Used", "Over %", "Chargeable", "Subtotal")  # at 80 columns, no scrolling
        header = next(r for r in rows if "Chargeable" in r)
        assert header.lstrip().startswith("# ") and "Name" in header
        first = rows[rows.index(header) + 1]
        assert first.lstrip().startswith("1 Endpoint Security for") and "…" in first  # the name shortened
        await pilot.press("pagedown")
        assert grid.cursor_row == grid.scrollable_content_region.height - 1
        await pilot.press("pagedown", "pagedown", "up")
        assert grid.scroll_offset.y > 0 and grid.cursor_row >= grid.scroll_offset.y  # the cursor stays in view
        await pilot.press("home")
        assert grid.cursor_row == 0 and grid.scroll_offset.y == 0
        await pilot.press("right", "right", "right", "right", "right")
        await pilot.pause()
        assert grid.scroll_offset.x > 0
        rows = shows(app, "Code", "Margin %")
        header = next(r for r in rows if "Code" in r)
        assert header.lstrip().startswith("# Name") and "Prov." not in header  # # and Name frozen
        assert any(r.lstrip().startswith("1 Endpoint Security for") for r in rows)
        await pilot.press("left", "left", "left", "left", "left", "left")
        await pilot.pause()
        assert grid.scroll_offset.x == 0


async def test_the_grid_marks_discrepancy_and_comment_without_colour(make_app, ui_world):
    app = make_app(open_report=ui_world["review"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        assert grid.cells(0)["charge"] == "80 !†"  # discrepancy and comment: marks, not colour alone
        assert grid.cells(1)["charge"] == "50   "
        strip = grid.render_line(1)  # line 1: the discrepancy cell is reversed too
        styles = [seg.style for seg in strip if seg.text.strip() == "80 !†"]
        assert styles and styles[0].reverse and styles[0].bold


async def test_the_detail_pane_has_a_fixed_height_and_every_field(make_app, ui_world):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        detail = screen.query_one(LineDetail)
        region = detail.region
        text = str(detail.render())
        for field in (LONG_NAME, "Provisioned 10", "Used 10", "Chargeable 10", "Unit Price 10.00 USD",
                      "Channel Margin 20.00%", "Subtotal", "Code: (none)", "Partner comment: (v shows it all)"):
            assert field in text, field
        layouts = []
        # a layout of the whole screen shows nothing, it only costs time: its private method is where it is seen
        original = screen._refresh_layout  # noqa: SLF001
        screen._refresh_layout = lambda *a, **k: (layouts.append(1), original(*a, **k))  # noqa: SLF001
        for _ in range(3):
            await pilot.press("down")
            await pilot.pause()
            assert detail.region == region
        assert "Line 4 · Endpoint Security" in str(detail.render())
        assert layouts == []  # no layout of the screen for a cursor move


async def test_show_partner_comment_reads_a_long_comment_in_full(make_app, ui_world):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        assert "Show Partner Comment" in {c.title for c in app.get_system_commands(screen)}
        assert "v Comment" in str(screen.query_one(KeyBar).render())
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, CommentDialog)
        assert str(app.screen.query_one("#comment", Static).render()) == LONG_COMMENT
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.query_one("#comment-scroll").scroll_offset.y > 0  # scrolls by keyboard
        shows(app, "Paragraph 59:")
        await pilot.press("escape")
        await pilot.press("down", "v")  # line 2 has no comment: said so
        await pilot.pause()
        assert app.screen is screen
        assert any("has no partner comment" in message for _, message in said(app))


async def test_specify_code_lists_the_codes_that_pass_and_enter_applies(make_app, ui_world):
    app = make_app(open_report=ui_world["review"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CodeDialog)
        options = dialog.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == \
            ["BD-NA-1", "BD-NA-ACME", "BD-NA-OPEN"]
        shows(app, "BD-NA-1  Unit Price, lowest 5.00 USD", "BD-NA-ACME  Unit Price, this partner only")
        await type_text(pilot, "acme")  # filters
        await pilot.pause()
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.draft.working.line(1).promo_code == "BD-NA-ACME"
        await pilot.press("down", "c")  # line 2; ↓ chooses the second code
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.draft.working.line(2).promo_code == "BD-NA-ACME"


async def test_remove_code_puts_one_line_back(make_app, ui_world):
    app = make_app(open_report=ui_world["review"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "Remove Promotional Code" in {c.title for c in app.get_system_commands(screen)}
        assert "d Remove" in str(screen.query_one(KeyBar).render())
        await pilot.press("d")  # no code yet: refused with why, nothing changes
        await pilot.pause()
        assert screen.unsaved == 0
        assert any("has no promotional code" in message for _, message in said(app))
        await pilot.press("c")
        await type_text(pilot, "BD-NA-1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await type_text(pilot, "7.25")
        await pilot.press("enter", "d")
        await settle(pilot)
        line = screen.draft.working.line(1)
        assert line.promo_code is None and line.unit_price == D("10.00") and screen.unsaved == 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.service.load_report(ui_world["review"]).line(1).promo_code is None


async def test_a_viewer_is_told_why_nothing_happens(make_app, ui_world):
    app = make_app("viewer", open_report=ui_world["review"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        bar = str(screen.query_one(KeyBar).render())
        assert "Submit" not in bar and "Remove" not in bar and "v Comment" in bar
        assert "c specifies" not in str(screen.query_one(LineDetail).render())
        for key in ("s", "r", "p", "c", "e", "z", "d", "enter"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            told = [message for _, message in said(app)]
            assert told and "you are a viewer (read-only); a billing user or admin can act" in told[0], key
        assert screen.unsaved == 0
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("DataTable")
        helped = "".join(str(keys.get_row_at(i)) for i in range(keys.row_count))
        assert "Submit to Trend Micro" not in helped and "Show Partner Comment" in helped


async def test_an_error_title_reads_in_full(make_app, ui_world, monkeypatch):
    app = make_app(open_report=ui_world["review"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)

        def refuse(*a, **k):  # noqa: ANN002, ANN003, ANN202
            raise InvalidInput("The database refused the draft for a test.")

        monkeypatch.setattr(app.service, "save_draft", refuse)
        await pilot.press("p")
        await type_text(pilot, "PO-1")
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        await until_shown(pilot, "Could not save", "The database refused")  # the title whole, on the toast


@pytest.fixture
def refreshed(monkeypatch):
    """What asks for a repaint: (widget class name, the regions asked, or () for the whole)."""
    from textual.widget import Widget

    calls: list[tuple[str, tuple]] = []
    original = Widget.refresh

    def counting(self, *regions, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append((type(self).__name__, tuple(tuple(r) for r in regions)))
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", counting)
    return calls


async def test_a_cursor_move_repaints_two_rows_and_the_detail_rows_that_changed_in_one_go(make_app, ui_world,
                                                                                          refreshed):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid, detail = screen.query_one(LineGrid), screen.query_one(LineDetail)
        await pilot.press("down")  # line 2: its detail differs from line 3's in some rows only
        await settle(pilot)
        refreshed.clear()
        grid.move_cursor(row=2)
        # at once, not a message later: the detail goes out in the same frame as the rows
        assert detail.rows_text[0].startswith("Line 3 · ")
        width = grid.scrollable_content_region.width  # the rows, not the scrollbar beside them
        assert width < grid.size.width
        assert [r for w, r in refreshed if w == "LineGrid"] == [((0, 2, width, 1),), ((0, 3, width, 1),)]
        rows = [r for w, r in refreshed if w == "LineDetail"]
        assert rows and all(len(r) == 1 and r[0][3] == 1 for r in rows)  # single rows, never the whole pane
        assert len(rows) < len(detail.rows_text)  # the rows alike (the code, the comment) are not sent again
        assert {w for w, _ in refreshed} == {"LineGrid", "LineDetail"}  # no key bar, header, scrollbar


async def test_scrolling_the_grid_repaints_the_rows_not_the_titles_or_the_horizontal_scrollbar(make_app, ui_world,
                                                                                                refreshed):
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid = screen.query_one(LineGrid)
        visible = grid.scrollable_content_region.height - 1
        grid.move_cursor(row=visible - 1)
        await settle(pilot)
        refreshed.clear()
        grid.move_cursor(row=visible)  # one below the last row shown: the grid scrolls by one
        await settle(pilot)
        assert grid.scroll_offset.y == 1
        regions = [r for w, r in refreshed if w == "LineGrid"]
        assert ((0, 1, grid.scrollable_content_region.width, visible),) in regions
        assert all(r and r[0][1] >= 1 and r[0][1] + r[0][3] <= visible + 1 for r in regions)  # never row 0 nor below


async def test_the_history_tab_is_filled_when_shown_and_a_click_on_its_name_shows_it(make_app, ui_world):
    from widgets.history_table import HistoryTable
    from widgets.tab_line import TabLine

    app = make_app(open_report=ui_world["review"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query(HistoryTable)  # made (and filled) only when shown
        tabs = screen.query_one(TabLine)
        assert "Lines" in str(tabs.render()) and "History" in str(tabs.render())
        await pilot.click(TabLine, offset=(1 + len(" Lines  ") + 2, 0))  # on "History"
        await settle(pilot)
        table = screen.query_one(HistoryTable)
        assert tabs.active == "history-table" and table.display and table.row_count > 0
        assert app.focused is table
        await pilot.press("h")
        await settle(pilot)
        assert tabs.active == "lines" and app.focused is screen.query_one(LineGrid)


async def test_column_widths_are_measured_off_the_interface_thread(make_app, ui_world, monkeypatch):
    """Opening: the load worker measures all 2,000 lines. An edit of every line (Reset):
    the lines on screen are measured at once, the others in a worker; a wider value
    off screen widens its column when that is done."""
    import copy
    import threading

    import widgets.line_cells as line_cells

    measured: list[tuple[bool, int]] = []  # (on the interface's thread, how many lines)
    original = line_cells.widen

    def counting(widths, lines, *args):  # noqa: ANN001, ANN002, ANN202
        lines = list(lines)
        measured.append((threading.current_thread() is threading.main_thread(), len(lines)))
        return original(widths, lines, *args)

    monkeypatch.setattr(line_cells, "widen", counting)
    app = make_app(open_report=big_report(ui_world))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_big(pilot, app)
        grid = screen.query_one(LineGrid)
        assert (False, BIG) in measured
        assert all(n <= 24 for main, n in measured if main)  # never all the lines on the interface's thread
        before = grid.column_widths["name"]
        report = copy.copy(screen.draft.working)
        report.lines = [copy.copy(ln) for ln in report.lines]  # every line changed, as by a Reset
        report.lines[1500].name = "N" * (before + 7)  # far off screen
        measured.clear()
        grid.show(report)
        assert grid.column_widths["name"] == before  # not measured yet: not on screen
        assert [n for main, n in measured if main] and all(n <= 24 for main, n in measured if main)
        await settle(pilot)
        assert grid.column_widths["name"] == before + 7
        assert (False, BIG) in measured


def test_every_column_is_as_wide_as_its_widest_cell():
    """No value is cut (but Name, shortened with "…" when room is short): each column is as
    wide as its widest text, wide characters by cells, control characters as made visible;
    equal amounts written with more digits (3.5 and 3.50) measured by what they show."""
    from rich.cells import cell_len

    from lmp_tui.domain.model import EditableField, Line
    from widgets.line_cells import FROZEN, SCROLLING, cell_texts, measure_widths

    price = EditableField.UNIT_PRICE
    lines = [
        Line(1, 1, "Endpoint", "seats", 10, 8, 10, None, D("3.5"), D("20"), D("3.5"), D("20"), None, None, None),
        Line(2, 1, "Ｗｉｄｅ", "\x1bunits", 100000, None, 100000, "c", D("3.50"), D("12.5"), D("3.50"), D("12.50"),
             "CODE\x07", price, None),
        Line(30, 1, "x" * 45, "seats", 7, 3, 9, None, D("1234567.891"), D("0"), D("1234567.891"), D("99.99"),
             "BD-1", EditableField.CHANNEL_MARGIN, None),
    ]
    for currency in ("USD", "JPY"):
        for usage_only in (False, True):
            expected = {c.key: cell_len(c.title) for c in FROZEN + SCROLLING}
            for ln in lines:
                for key, text in cell_texts(ln, currency, usage_only).items():
                    expected[key] = max(expected[key], cell_len(text))
            assert measure_widths(lines, currency, usage_only) == expected
    widths = measure_widths(lines, "USD", False)
    assert widths["price"] == len("1,234,567.891 ✎") and widths["name"] == 45 and widths["units"] == len("␛units")
