"""The whole billing-report workflow, by keyboard only, at 80×24."""

from __future__ import annotations

from decimal import Decimal as D

from textual.widgets import Input, Select, TextArea

from lmp_tui.domain.model import Action, Status
from screens.billing_report import BillingReportScreen
from screens.code_dialog import CodeDialog
from screens.confirm_dialog import ConfirmDialog
from screens.input_dialog import InputDialog
from screens.reject_dialog import RejectDialog
from screens.report_list import ReportListScreen
from screens.submit_dialog import SubmitDialog
from widgets.line_grid import LineGrid
from widgets.report_table import ReportTable

from .conftest import run_from_palette, said, settle, type_text, until
from .painted import shows

SIZE = (80, 24)


def table_ids(app) -> list[int]:
    table = app.screen.query_one(ReportTable)
    return table.row_ids


async def open_report(pilot, app, report_id: int) -> BillingReportScreen:
    table = app.screen.query_one(ReportTable)
    table.move_cursor(row=table.index_of(report_id))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, BillingReportScreen)
    return app.screen


async def test_list_filters_by_status_and_partner(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert len(table_ids(app)) == 9  # the other distributor's report is not listed
        # status: t opens the status choice; arrows and Enter choose "Under review"
        await pilot.press("t")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#status", Select).value == "under-review"
        assert sorted(table_ids(app)) == sorted([ui_world["review"], ui_world["eu"], ui_world["jp"]])
        assert isinstance(app.focused, ReportTable)
        # partner: / goes to the find box, typing filters, Enter returns to the table
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "berl")
        await until(pilot, lambda: table_ids(app) == [ui_world["eu"]], what="only Berlin's report under review listed")
        await pilot.press("enter")
        assert isinstance(app.focused, ReportTable)
        assert "1 report ·" in str(app.screen.query_one("#summary").render())


async def test_set_po_code_price_save_and_reopen(make_app, ui_world):
    app = make_app()
    rid = ui_world["review"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        # Edit PO Number: Enter accepts
        await pilot.press("p")
        assert isinstance(app.screen, InputDialog)
        await type_text(pilot, "PO-4471")
        await pilot.press("enter")
        assert screen.draft.working.po_number == "PO-4471" and screen.unsaved == 1
        # Specify Promotional Code on line 1, verified by the database
        await pilot.press("c")
        await type_text(pilot, "BD-NA-1")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft.working.line(1).promo_code == "BD-NA-1"
        # the unit price it opened, edited in place; the total follows
        await pilot.press("e")
        assert isinstance(app.screen, InputDialog)
        await type_text(pilot, "7.25")
        await pilot.press("enter")
        assert screen.draft.working.line(1).unit_price == D("7.25")
        assert screen.draft.working.total == D("464.00") + D("141.53") + D("180.00")
        assert "785.53 USD" in str(screen.query_one("#header").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.unsaved == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        screen = await open_report(pilot, app, rid)
        saved = screen.draft.saved
        assert saved.po_number == "PO-4471" and saved.line(1).unit_price == D("7.25")
        assert [h.action for h in saved.history] == [Action.SET_PO, Action.APPLY_CODE, Action.SET_UNIT_PRICE,
                                                     Action.SAVE_DRAFT]


async def test_a_refused_code_says_why_and_keeps_the_text(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        await pilot.press("c")
        await type_text(pilot, "BD-NA-OLD")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeDialog)
        assert "does not cover the report period" in str(app.screen.query_one("#error").render())
        assert app.screen.query_one(Input).value == "BD-NA-OLD"
        await pilot.press("escape")
        assert screen.unsaved == 0


async def test_price_outside_the_codes_bound_is_refused_on_the_spot(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        await pilot.press("e")  # no code yet: says what to do
        await pilot.pause()
        assert isinstance(app.screen, BillingReportScreen)
        await pilot.press("c")
        await type_text(pilot, "BD-NA-1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await type_text(pilot, "4.99")
        await pilot.press("enter")
        assert isinstance(app.screen, InputDialog)
        assert "5.00 USD or more" in str(app.screen.query_one("#error").render())
        await pilot.press("escape")
        assert screen.draft.working.line(1).unit_price == D("10.00")


async def test_reject_refuses_empty_reasons_then_rejects(make_app, ui_world):
    app = make_app()
    rid = ui_world["eu"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        await pilot.press("r")
        assert isinstance(app.screen, RejectDialog)
        assert isinstance(app.focused, TextArea)
        await pilot.press("tab")  # from the text to the Reject button first
        assert app.focused.id == "confirm"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RejectDialog)
        assert "cannot be empty" in str(app.screen.query_one("#error").render())
        await type_text(pilot, "Line 1 needs a comment.")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen)
        assert screen.draft.saved.status is Status.REJECTED
        assert screen.draft.saved.history[-1].comment == "Line 1 needs a comment."
        assert "No action is offered" in str(screen.query_one("#header").render())


async def test_submit_with_a_comment(make_app, ui_world):
    app = make_app()
    rid = ui_world["jp"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        await pilot.press("s")  # no PO yet: refused with what to do
        await pilot.pause()
        assert isinstance(app.screen, BillingReportScreen)
        await pilot.press("p")
        await type_text(pilot, "JP-0001")
        await pilot.press("enter")
        await pilot.press("s")
        assert isinstance(app.screen, SubmitDialog)
        await type_text(pilot, "Thanks")
        await pilot.press("tab")
        assert app.focused.id == "confirm"
        await pilot.press("tab")
        assert app.focused.id == "cancel"
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        saved = screen.draft.saved
        assert saved.status is Status.SUBMITTED and saved.po_number == "JP-0001"
        assert saved.history[-1].action is Action.SUBMIT and saved.history[-1].comment == "Thanks"


async def test_escape_cancels_submit(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["submitted"])
        assert screen.check_action("submit", ()) is False
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        await pilot.press("p")
        await type_text(pilot, "X1")
        await pilot.press("enter", "s")
        assert isinstance(app.screen, SubmitDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and screen.draft.saved.status is Status.UNDER_REVIEW


async def test_back_with_unsaved_changes_asks(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        await pilot.press("p")
        await type_text(pilot, "PO-X")
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen is screen and screen.unsaved == 1
        await pilot.press("escape")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert ui_world.db and app.service.load_report(ui_world["review"]).po_number is None


async def test_quit_with_unsaved_changes_asks(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_report(pilot, app, ui_world["review"])
        await pilot.press("z")  # reset pricing: a change
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, BillingReportScreen)


async def test_read_only_statuses_offer_no_action(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, why in (("completed", "never changes"), ("submitted", "only if Trend Micro returns it"),
                         ("rejected", "when the partner resubmits"), ("prep", "may still change")):
            screen = await open_report(pilot, app, ui_world[key])
            assert "No action is offered" in str(screen.query_one("#header").render())
            assert why in str(screen.query_one("#header").render())
            for action in ("submit", "reject", "save_draft", "edit_po", "specify_code", "reset_pricing"):
                assert screen.check_action(action, ()) is False
            await pilot.press("s", "r", "p", "c")
            assert app.screen is screen
            titles = {c.title for c in app.get_system_commands(screen)}
            assert "Submit to Trend Micro" not in titles and "Back" in titles
            await pilot.press("escape")
            await settle(pilot)


async def test_msp_preparing_shows_only_usage(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["prep"])
        grid = screen.query_one(LineGrid)
        cells = grid.cells(0)
        assert cells["prov"] == "10" and cells["used"] == "6"
        # no price, margin, code or subtotal while the partner prepares: not in the grid, header or detail
        assert [c.key for c in grid.columns()] == ["no", "name", "prov", "used", "over", "charge", "units"]
        assert not {"price", "margin", "code", "subtotal"} & set(cells)
        rows = shows(app, "Provisioned 10 · Used 6")
        screen_text = "\n".join(rows)
        for hidden in ("Total invoice amount", "Subtotal", "Unit Price", "Margin", "USD ·", "Code"):
            assert hidden not in screen_text.replace("· USD · PO", ""), hidden
        await pilot.press("right", "right", "right", "right")  # nothing to the right but Units
        assert "Unit Price" not in "\n".join(shows(app))


async def test_viewer_sees_but_cannot_act(make_app, ui_world):
    app = make_app("viewer")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        assert "viewer (read-only)" in str(screen.query_one("#header").render())
        await pilot.press("p", "s", "r")
        assert app.screen is screen


async def test_conflict_keeps_edits_then_reload_reapplies_them(make_app, ui_world, sqlite_db):
    from lmp_tui.services import BillingService

    app = make_app()
    rid = ui_world["review"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        await pilot.press("p")
        await type_text(pilot, "PO-MINE")
        await pilot.press("enter")
        BillingService(sqlite_db, "admin").reset_pricing(rid)  # someone else saves first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.conflict and screen.unsaved == 1
        assert screen.draft.working.po_number == "PO-MINE"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen.unsaved == 1 and screen.draft.saved.version == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.unsaved == 0
        assert app.service.load_report(rid).po_number == "PO-MINE"


async def test_next_discrepancy_jumps_to_the_next_flagged_line(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        grid = screen.query_one(LineGrid)
        assert grid.line_no == 1
        await pilot.press("n")
        assert grid.line_no == 1  # line 1 is the only one with a discrepancy: it wraps to itself
        grid.move_cursor(row=2)
        await pilot.press("n")
        assert grid.line_no == 1
        assert "over-provisioned 20.00%" in str(screen.query_one("#detail").render())
        assert "Customer offboarded" in str(screen.query_one("#detail").render())


async def test_open_from_the_command_line_then_back_to_the_list(make_app, ui_world):
    app = make_app(open_report=ui_world["eu"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == ui_world["eu"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)


async def test_open_unknown_report_says_so_and_shows_the_list(make_app):
    app = make_app(open_report=9999)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert any("#9999" in message for _, message in said(app))


async def test_too_small_terminal_asks_for_more_room(make_app):
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        assert "at least 80×24" in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        for small in ((79, 24), (80, 23)):  # shrinking below asks again, each time
            await pilot.resize_terminal(*small)
            await settle(pilot)
            assert "at least 80×24" in str(app.screen.query_one("#too-small").render()), small
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            assert isinstance(app.screen, ReportListScreen)


async def test_palette_names_the_documented_actions_and_help_lists_keys(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Export Reports" in {c.title for c in app.get_system_commands(app.screen)}
        screen = await open_report(pilot, app, ui_world["review"])
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Submit to Trend Micro", "Reject", "Back", "Reset Unit Prices and Channel Margins",
                "Specify Promotional Code", "Edit PO Number"} <= titles
        await pilot.press("f1")
        from screens.help_screen import HelpScreen
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_help_names_the_screen_and_shows_each_description_whole_at_80_columns(make_app):
    from lmp_tui.ui.keymap import REPORT_LIST
    from screens.help_screen import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "Keys — Report list" in str(help_screen.query_one(".dialog-title").render())
        export = next(i for i, c in enumerate(REPORT_LIST) if c.id == "export")
        for _ in range(export):
            await pilot.press("down")
        await settle(pilot)
        shown = str(help_screen.query_one("#help-what").render())
        assert shown == REPORT_LIST[export].help  # the whole sentence, however long


async def test_palette_runs_an_action(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_report(pilot, app, ui_world["review"])
        await run_from_palette(pilot, "Edit PO Number")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)


async def test_back_from_a_report_shows_what_was_done_there_and_the_lines_take_the_keys(make_app, ui_world):
    app = make_app()
    rid = ui_world["jp"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        assert isinstance(app.focused, LineGrid)  # not the Lines/History tab bar: Down moves the line
        await pilot.press("down")
        assert app.focused.cursor_row == 1
        await pilot.press("p")
        await type_text(pilot, "JP-0002")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, LineGrid) and app.focused.cursor_row == 1  # the dialog gave the keys back
        await pilot.press("s", "tab", "enter")
        await settle(pilot)
        assert screen.draft.saved.status is Status.SUBMITTED
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        table = app.screen.query_one(ReportTable)
        row = table.row_cells(rid)
        assert "Submitted to TM" in row and table.highlighted_id == rid  # without F5, on the same report


async def test_the_list_reads_again_after_a_report_not_after_a_dialog(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reloads = []
        original = app.service.query_reports
        app.service.query_reports = lambda *a, **k: (reloads.append(1), original(*a, **k))[1]
        await pilot.press("o")  # the sort dialog, cancelled: nothing to read again
        await pilot.press("escape")
        await settle(pilot)
        assert reloads == []
        await open_report(pilot, app, ui_world["jp"])
        await pilot.press("escape")
        await settle(pilot)
        assert reloads == [1]
