"""Keys that arrive together are kept. Over SSH, a fast typist's "/acme" or "pPO-1⏎"
reaches the app as one burst, before the find box or the dialog has the focus; none of
those keys may be lost or land somewhere else."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from screens.billing_report import BillingReportScreen
from screens.input_dialog import InputDialog
from screens.report_list import ReportListScreen
from screens.reject_dialog import RejectDialog

from widgets.report_table import ReportTable

from .conftest import settle, until
from .test_workflow import SIZE, open_report, table_ids

NAMES = {"/": "slash", " ": "space", "-": "minus", "\r": "enter", ".": "full_stop"}


def burst(app, text: str) -> None:
    """Every key of ``text`` queued at once, as a terminal delivers a paste or an SSH packet."""
    for ch in text:
        app.post_message(events.Key(NAMES.get(ch, ch), None if ch == "\r" else ch))


async def test_find_keeps_the_keys_typed_right_after_the_slash(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/berl")
        await until(pilot, lambda: ui_world["review"] not in table_ids(app), what="the list found for \"berl\"")
        await settle(pilot)
        assert app.screen.query_one("#partner", Input).value == "berl"
        shown = table_ids(app)
        assert ui_world["eu"] in shown and ui_world["review"] not in shown  # Berlin's, not Acme's
        # a slash typed in the find box is a character, not a second "Find"
        burst(app, "/x")
        await settle(pilot)
        assert app.screen.query_one("#partner", Input).value == "berl/x"


async def test_a_po_typed_in_one_burst_with_the_key_that_opens_its_dialog(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, ui_world["review"])
        burst(app, "pPO-4471\r")
        await settle(pilot)
        assert not isinstance(app.screen, InputDialog)  # the Enter of the burst accepted it
        assert screen.draft.working.po_number == "PO-4471"


async def test_reasons_typed_in_one_burst_with_the_reject_key(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_report(pilot, app, ui_world["review"])
        burst(app, "rWrong seat count.")
        await settle(pilot)
        assert isinstance(app.screen, RejectDialog)
        assert app.screen.query_one(TextArea).text == "Wrong seat count."


async def test_a_status_chosen_in_one_burst_with_the_key_that_opens_the_choice(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(events.Key("t", "t"))
        for key in ("down", "down", "down"):  # All statuses → MSP preparing → Under review → Rejected
            app.post_message(events.Key(key, None))
        app.post_message(events.Key("enter", None))
        await until(pilot, lambda: table_ids(app) == [ui_world["rejected"]], what="the rejected report's page")
        await settle(pilot)
        assert app.screen.query_one("#status").value == "rejected"
        assert table_ids(app) == [ui_world["rejected"]]
        assert isinstance(app.screen.focused, ReportTable)  # back on the list: Enter opens its report
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen)


async def test_enter_right_after_a_status_is_chosen_opens_a_report_of_that_status(make_app, ui_world):
    import threading

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        read, held = app.service.query_reports, threading.Event()

        def slow(*args, **kwargs):  # the chosen status's page comes when the test lets it
            held.wait(30)
            return read(*args, **kwargs)

        app.service.query_reports = slow
        await pilot.press("t", "down", "down", "down", "enter")  # Rejected
        await pilot.press("enter")  # before its page is there: not the old page's report
        assert isinstance(app.screen, ReportListScreen)
        held.set()
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen), what="a report opened")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == ui_world["rejected"]


def keys(app, *names: str) -> None:
    """Named keys queued at once (one burst)."""
    for name in names:
        app.post_message(events.Key(name, name if len(name) == 1 else None))


async def test_enter_after_moves_in_one_burst_opens_the_report_moved_to(make_app, ui_world):
    """↓ ↓ ⏎ in one SSH packet: Enter is handled as it arrives, the moves in the list's own
    queue; the report opened is the one the moves led to, not the one before them."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        third = table_ids(app)[2]
        keys(app, "down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, BillingReportScreen), what="a report opened")
        await settle(pilot)
        assert isinstance(app.screen, BillingReportScreen) and app.screen.report_id == third


async def test_a_choice_opened_while_the_last_choice_s_page_is_read_keeps_the_focus(make_app, ui_world):
    """A status chosen, then the cycle's choices opened before that status's page came: the
    page does not take the focus from them, and Enter chooses a cycle (no report opens)."""
    import threading

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        read, held = app.service.query_reports, threading.Event()

        def held_read(*args, **kwargs):
            held.wait(5)
            return read(*args, **kwargs)

        app.service.query_reports = held_read
        await pilot.press("t", "down", "down", "enter")  # Under review: its page held
        await pilot.press("y")  # the cycles, before that page is there
        held.set()
        under_review = {ui_world["review"], ui_world["eu"], ui_world["jp"]}
        await until(pilot, lambda: set(table_ids(app)) == under_review, what="the page of reports under review")
        await settle(pilot)
        assert app.screen.query_one("#cycle").expanded  # still choosing a cycle
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportListScreen)
        assert app.screen.filters.cycle is not None and app.screen.filters.status is not None


async def test_status_counts_that_change_while_its_choices_are_open_keep_the_highlight(make_app, ui_world):
    from lmp_tui.domain.model import Status
    from widgets.filter_bar import FilterBar

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "down", "down")  # on Under review
        overlay = app.screen.query_one("#status").query_one("SelectOverlay")
        before = overlay.highlighted
        app.screen.query_one(FilterBar).set_counts({s: 7 for s in Status})  # the first page's counts came
        await settle(pilot)
        assert overlay.highlighted == before == 2
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#status").value == "under-review"


async def test_t_and_y_open_their_choices_from_a_filter_s_box_too(make_app, ui_world):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "escape")  # the choices closed: the status box keeps the focus
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one("#cycle").expanded
