"""Text from partners and other staff is shown as plain text everywhere: never markup,
never a terminal control sequence; a click on it does nothing. The data is the hostile
world of :mod:`tests.hostile`, planted past the validation as a partner feed could."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, TextArea

from lmp_tui.domain.model import Status
from lmp_tui.safetext import display_text
from lmp_tui.storage import models as m
from screens.billing_report import BillingReportScreen
from screens.code_dialog import CodeDialog
from screens.confirm_dialog import ConfirmDialog
from screens.help_screen import HelpScreen
from screens.input_dialog import InputDialog
from screens.reject_dialog import RejectDialog
from screens.report_list import ReportListScreen
from screens.submit_dialog import SubmitDialog
from widgets.line_grid import LineGrid
from widgets.report_table import ReportTable

from .. import hostile
from ..hostile import PARTNER, PO, PRODUCT, STAFF_USER, plant
from .conftest import settle, until
from .painted import check_painted, content, shows, where

SIZE = (80, 24)
CLICK_EXITS = (hostile.EXIT_NAME, hostile.EXIT_PRODUCT, hostile.EXIT_HISTORY, hostile.EXIT_COMMENT)
#: the hostile partner as the screen shows it: every character there, the controls visible
SHOWN_PARTNER = display_text(PARTNER)


async def open_hostile(pilot, app, report_id: int) -> BillingReportScreen:
    await settle(pilot)
    table = app.screen.query_one(ReportTable)
    table.move_cursor(row=table.index_of(report_id))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, BillingReportScreen), app.screen
    return app.screen


def still_running(app, report_id: int) -> None:
    assert app.is_running and app.return_code not in CLICK_EXITS
    assert app.service.load_report(report_id).status is Status.UNDER_REVIEW


async def click_text(pilot, rows: list[str], text: str) -> None:
    x, y = where(rows, text)
    await pilot.click(offset=(x + 1, y))
    await pilot.pause()


# ---------------------------------------------------------------- the report list


async def test_list_shows_a_hostile_partner_and_user_name_as_text(make_app, ui_world):
    h = plant(ui_world)
    app = make_app(STAFF_USER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        rows = shows(app, f"signed in as {STAFF_USER} (billing)", SHOWN_PARTNER[:18])
        table = app.screen.query_one(ReportTable)
        cells = table.row_cells(h.report_id)
        assert str(cells[1]).startswith(SHOWN_PARTNER[:18]) and str(cells[9]) == display_text(PO)
        await click_text(pilot, rows, SHOWN_PARTNER[:18])  # the cursor moves to it
        await click_text(pilot, rows, SHOWN_PARTNER[:18])  # a second click opens it
        await settle(pilot)
        still_running(app, h.report_id)
        check_painted(app)


# ---------------------------------------------------------------- the billing report


async def test_billing_report_shows_lines_detail_and_history_as_text(make_app, ui_world):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_hostile(pilot, app, h.report_id)
        shows(app, SHOWN_PARTNER[:40], f"PO {display_text(PO)}", display_text(PRODUCT)[:28], "[b]bold?[/b] [/]")
        header = content(screen.query_one("#header"))
        assert SHOWN_PARTNER in header and "[/]0000-␛[2J" in header
        grid = screen.query_one(LineGrid)
        assert grid.cells(0)["name"] == display_text(PRODUCT)
        assert grid.cells(0)["code"] == "@[/]CODE"
        assert grid.cells(1)["name"].startswith("␛]8;;https://evil.example/")
        detail = content(screen.query_one("#detail"))
        for text in ("[b]bold?[/b]", "[@click=app.exit(69)]x[/]", "␛]8;;https://evil.example/", "@[/]CODE"):
            assert text in detail
        grid.move_cursor(row=1)  # the line named by an OSC 8 link
        await settle(pilot)
        check_painted(app)
        await pilot.press("h")
        await settle(pilot)
        shows(app, "mallory[/]␛]52;c;SGFja2VkIQ==␇")
        table = screen.query_one("#history-table")
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[1:] == [display_text(hostile.HISTORY_ACTOR), display_text(hostile.HISTORY_DETAIL),
                             display_text(hostile.HISTORY_COMMENT)]
        still_running(app, h.report_id)


async def test_markup_typed_by_staff_is_saved_and_the_report_opens_again(make_app, ui_world):
    """A PO number or a reason holding ``[/]`` once crashed the report for good: it sits in
    the history, which every opening shows."""
    app = make_app()
    rid = ui_world["review"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_hostile(pilot, app, rid)
        await pilot.press("p")
        app.screen.query_one(Input).value = "PO[/]7 [@click=app.exit(66)]x[/]"
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert screen.unsaved == 0
        shows(app, "PO[/]7 [@click=app.exit(66)]x[/]")
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_hostile(pilot, app, rid)
        await pilot.press("r")
        app.screen.query_one(TextArea).text = "Fix [/] and [@click=app.exit(69)]this[/]"
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert screen.draft.saved.status is Status.REJECTED
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_hostile(pilot, app, rid)
        await pilot.press("h")
        await settle(pilot)
        check_painted(app)
        assert str(screen.query_one("#history-table").get_row_at(0)[3]) == "Fix [/] and [@click=app.exit(69)]this[/]"
        assert app.is_running


# ---------------------------------------------------------------- dialogs


@pytest.mark.parametrize("key, dialog", [("s", SubmitDialog), ("r", RejectDialog)])
async def test_closing_dialogs_show_the_partner_as_text_and_a_click_does_nothing(make_app, ui_world, key, dialog):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_hostile(pilot, app, h.report_id)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, dialog)
        prompt = content(app.screen.query_one(".dialog-prompt"))
        assert SHOWN_PARTNER in prompt
        if dialog is SubmitDialog:
            assert f"PO {display_text(PO)}" in prompt
        rows = shows(app, "[@click=app.exit(66)]Evil[/]")
        await click_text(pilot, rows, "Evil")
        assert isinstance(app.screen, dialog)
        still_running(app, h.report_id)


#: partner names that parse cleanly as markup (so nothing crashes) into a link whose click
#: runs an action in the clerk's name: Textual actions that exist (``app.exit`` is none)
CLICK_NAMES = {
    "list": "[@click=app.quit]Evil[/] Corp",
    "submit": "[@click=app.quit]Evil[/] Corp",
    "reject": "[@click=screen.dismiss('Rejected by a click')]Evil[/] Corp",
}


@pytest.mark.parametrize("where_", sorted(CLICK_NAMES))
async def test_a_partner_name_that_is_a_click_action_stays_text(make_app, ui_world, where_):
    """The exploit as it was seen: a click on the partner's name rejected the report."""
    rid, name = ui_world["review"], CLICK_NAMES[where_]
    with ui_world.db.write() as s:
        s.get(m.BillingReport, rid).partner_name = name
        s.get(m.Partner, ui_world["partner:acme"]).name = name
    app = make_app()
    # the list at 120 columns: the whole name, its "Evil" link text in view (80 keep Disc, Cmt)
    async with app.run_test(size=(120, 40) if where_ == "list" else SIZE) as pilot:
        await settle(pilot)
        if where_ != "list":
            await open_hostile(pilot, app, rid)
            await pilot.press("p")
            app.screen.query_one(Input).value = "PO-1"
            await pilot.press("enter", where_[0])
            await settle(pilot)
            assert isinstance(app.screen, SubmitDialog if where_ == "submit" else RejectDialog)
        rows = shows(app, name)
        await click_text(pilot, rows, "Evil")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        if where_ != "list":
            assert isinstance(app.screen, SubmitDialog if where_ == "submit" else RejectDialog)
        assert app.service.load_report(rid).status is Status.UNDER_REVIEW


async def test_edit_po_dialog_shows_the_stored_po_visibly_and_keeps_it(make_app, ui_world):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_hostile(pilot, app, h.report_id)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        shows(app, "Edit PO Number", display_text(PO))
        assert app.screen.query_one(Input).value == display_text(PO)
        await pilot.press("enter")  # unchanged: nothing to apply
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and screen.unsaved == 0
        still_running(app, h.report_id)


async def test_pasted_control_characters_show_visibly_and_are_saved_so(make_app, ui_world):
    """Text a clerk pastes (from a partner's e-mail, say) is shown as it will be stored."""
    app = make_app()
    rid = ui_world["review"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.post_message(events.Paste(f"acme{hostile.CLEAR}"))
        await settle(pilot)
        assert app.focused.value == display_text(f"acme{hostile.CLEAR}")
        check_painted(app)
        app.focused.value = ""
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: rid in table.row_ids, what="the whole list back once the find is cleared")
        await pilot.press("enter")  # back to the list
        screen = await open_hostile(pilot, app, rid)
        await pilot.press("p")
        app.post_message(events.Paste(PO))
        await pilot.pause()
        assert app.screen.query_one(Input).value == display_text(PO)
        shows(app, display_text(PO))
        await pilot.press("enter")
        assert screen.draft.working.po_number == display_text(PO)
        await pilot.press("r")
        app.post_message(events.Paste(f"Line 1:\r\n{hostile.COMMENT}\tend"))
        await pilot.pause()
        expected = f"Line 1:\n{display_text(hostile.COMMENT)} end"
        assert app.screen.query_one(TextArea).text == expected
        check_painted(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        saved = app.service.load_report(rid)
        assert saved.status is Status.REJECTED and saved.history[-1].comment == expected


async def test_code_and_value_dialogs_show_line_names_as_text(make_app, ui_world):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_hostile(pilot, app, h.report_id)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CodeDialog)
        assert display_text(PRODUCT) in content(app.screen.query_one(".dialog-prompt"))
        shows(app, "Specify Promotional Code", "[@click=app.exit(67)]Shield[/]")
        app.screen.query_one(Input).value = "NO-SUCH[/]"
        await pilot.press("enter")
        await settle(pilot)
        check_painted(app)
        await pilot.press("escape", "e")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        assert display_text(PRODUCT) in content(app.screen.query_one(".dialog-prompt"))
        shows(app, "[@click=app.exit(67)]Shield[/]")
        await pilot.press("escape")
        still_running(app, h.report_id)


async def test_confirm_help_and_palette_over_hostile_data(make_app, ui_world):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")  # the list's keys include [ and ]
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shows(app, "] PgDn", "[ PgUp")
        await pilot.press("escape")
        screen = await open_hostile(pilot, app, h.report_id)
        await pilot.press("z", "escape")  # a change, then Back: asks
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        shows(app, "Unsaved changes")
        await pilot.press("n", "ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        shows(app, "Quit with unsaved changes?")
        await pilot.press("n", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        check_painted(app)
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        shows(app, "Search for commands", "Edit PO Number")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        still_running(app, h.report_id)


async def test_toasts_show_hostile_text_as_text(make_app, ui_world):
    h = plant(ui_world)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_hostile(pilot, app, h.report_id)
        app.notify(f"Refused: {hostile.COMMENT}", title=hostile.HISTORY_ACTOR, severity="error")
        await settle(pilot)
        shows(app, "Refused: [b]bold?[/b] [/]", "mallory[/]␛]52;c;SGFja2VkIQ==␇")
        # a refusal that quotes data, through the screen's own path
        screen = app.screen
        screen.post_message(screen.Failed(hostile_error(), "saved"))
        await settle(pilot)
        shows(app, "[@click=app.exit(66)]Evil[/]")
        still_running(app, h.report_id)


def hostile_error():
    from lmp_tui.errors import InvalidInput

    return InvalidInput(f"The partner {PARTNER} has no such line.")
