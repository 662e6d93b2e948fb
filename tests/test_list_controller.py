"""The report list as a plain object (lmp_tui/editing/report_list.py), without a screen or a
thread: what it reads next, whether Enter opens now or waits for the page, what Escape and
a change of the list call off, which pages it shows, and what the summary line says."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

from lmp_tui.domain.model import Status
from lmp_tui.domain.views import ReportPage, ReportRow
from lmp_tui.editing.list_reads import EarlyRead, ListQuery, PageAnswer, PageRead, Read
from lmp_tui.editing.notice import Notice
from lmp_tui.editing.report_export import ExportRequest
from lmp_tui.editing.report_list import LATER, Opening, ReportList, Shown, Step

ROWS = 10  # a page's rows
COUNTS = {Status.MSP_PREPARING: 3, Status.UNDER_REVIEW: 12, Status.SUBMITTED: 10}
TOTAL = sum(COUNTS.values())


def row(report_id: int, status: Status = Status.UNDER_REVIEW) -> ReportRow:
    return ReportRow(report_id, f"Partner {report_id}", "C-1", "NA", "2026-10", status, None, False, None, 3, 0, 0,
                     D("10.00"), "USD", 1)


def page_for(query: ListQuery, total: int = TOTAL) -> ReportPage:
    """The page the database would hand out for ``query``: report ids from 100 on, in order."""
    ids = range(100 + query.offset, 100 + min(total, query.offset + query.limit))
    return ReportPage([row(i) for i in ids], total, query.offset)


def answer(read: Read | None, total: int = TOTAL, counts: dict[Status, int] | None = None,
           cycles: list[str] | None = None) -> PageAnswer:
    assert read is not None
    if counts is None and read.count_for is not None:
        counts = COUNTS
    return PageAnswer(read, page_for(read.query, total), counts, cycles)


def connected() -> ReportList:
    """A list on an open database with its first page read."""
    listing = ReportList(lambda: ROWS, connected=True)
    step = listing.attach(keep_id=None)
    assert isinstance(step.read, PageRead) and step.open_id is None
    assert listing.page_read(answer(step.read, cycles=["2026-10"])) is not None
    return listing


class Early:
    """A stand-in for quickread.EarlyReader: answers the first query with any status."""

    def __init__(self) -> None:
        self.read: list[Any] = []

    def answers(self, fields: dict[str, Any]) -> bool:
        return {**fields, "status": None} == ListQuery(limit=ROWS).fields()

    def status_page(self, fields: dict[str, Any]) -> ReportPage | None:
        self.read.append(fields["status"])
        q = ListQuery(**fields)
        return page_for(q, COUNTS.get(fields["status"], 0))


def connecting(early: Early | None = None) -> ReportList:
    """A list whose database is still being opened, the first page read beside the start."""
    listing = ReportList(lambda: ROWS, connected=False)
    fields = ListQuery(limit=ROWS).fields()
    shown = listing.first_page(fields, page_for(ListQuery(limit=ROWS)), COUNTS, ["2026-10"], lambda: early)
    assert shown is not None and not listing.page_due
    return listing


def told(step: Step | None) -> list[str]:
    assert step is not None
    return [n.message for n in step.notices]


# ---------------------------------------------------------------- Enter, Escape, a report still to open


def test_enter_before_the_page_is_read_waits_for_it_and_opens_the_highlighted_report_of_that_page():
    listing = ReportList(lambda: ROWS, connected=False)  # nothing read yet: "Loading…"
    assert listing.page_due and listing.summary == "Loading…"
    assert listing.enter() is False  # it waits
    assert listing.opening is Opening.WHEN_READ and listing.opening_due
    step = listing.attach(keep_id=None)  # the database opens: the page is read
    assert isinstance(step.read, PageRead) and step.open_id is None
    shown = listing.page_read(answer(step.read))
    assert isinstance(shown, Shown) and shown.open_now  # Enter again, on this page
    assert listing.opening is Opening.NONE
    assert listing.enter() is True  # now it opens the highlighted report at once
    assert listing.open_highlighted(shown.page.rows[0].id).open_id == 100


def test_enter_after_a_filter_is_chosen_opens_from_the_filters_page_not_the_page_shown():
    listing = connected()
    step = listing.filtered(None, Status.SUBMITTED, None, chosen=True)
    assert step.read is not None and listing.focus_on_page
    assert listing.enter() is False  # the old page's report is not the one meant
    shown = listing.page_read(answer(step.read))
    assert shown is not None and shown.take_focus and shown.open_now and not listing.focus_on_page


def test_enter_before_the_database_is_open_opens_the_report_once_it_is():
    listing = connecting()
    assert listing.enter() is True
    step = listing.open_highlighted(100)
    assert step.open_id is None and listing.opening is Opening.WHEN_CONNECTED
    assert listing.summary == "Opening report #100 as soon as the database is open…"
    assert listing.attach(keep_id=100).open_id == 100
    assert not listing.opening_due  # opened: Escape or a change later calls nothing off


def test_escape_calls_a_pending_open_off_and_the_summary_is_back():
    listing = connecting()
    before = listing.summary
    listing.enter()
    listing.open_highlighted(100)
    assert listing.opening_due
    assert told(listing.call_off()) == ["Report #100 will not be opened."]
    assert listing.summary == before and not listing.opening_due
    assert listing.attach(keep_id=None).open_id is None  # the database opens: nothing opens


def test_escape_calls_off_an_enter_typed_ahead_of_the_page_without_a_word():
    listing = ReportList(lambda: ROWS, connected=False)
    listing.enter()
    assert told(listing.call_off()) == []
    shown = listing.page_read(answer(listing.attach(keep_id=None).read))
    assert shown is not None and not shown.open_now


def test_changing_the_list_calls_off_a_report_asked_for_from_the_list_as_it_was():
    listing = connecting(Early())
    listing.enter()
    listing.open_highlighted(101)
    step = listing.filtered(None, None, "acme", chosen=False)
    assert told(step) == ["Report #101 will not be opened."] and not listing.opening_due
    assert listing.attach(keep_id=None).open_id is None


def test_a_report_from_the_command_line_opens_once_connected_and_is_not_called_off_after():
    listing = ReportList(lambda: ROWS, connected=False, open_report=7)
    assert listing.opening is Opening.WHEN_CONNECTED
    step = listing.attach(keep_id=None)
    assert step.open_id == 7
    listing.page_read(answer(step.read))
    assert told(listing.filtered(None, None, "acme", chosen=False)) == []  # nothing left to call off
    assert listing.open_highlighted(7).open_id == 7  # and opened again from the list, at once


def test_a_filter_choice_opened_calls_off_an_enter_typed_ahead():
    listing = connected()
    listing.filtered(None, Status.SUBMITTED, None, chosen=True)
    listing.enter()
    listing.choice_opened()  # y: the cycles' choices, before that page came
    assert not listing.focus_on_page and listing.opening is Opening.NONE


def test_no_report_highlighted_says_what_to_do():
    listing = connected()
    step = listing.open_highlighted(None)
    assert told(step) == ["No report is highlighted; change the filters to find one."] and step.open_id is None


# ---------------------------------------------------------------- pages and queries


def test_a_page_arriving_for_an_old_query_is_ignored():
    listing = connected()
    first = listing.filtered(None, Status.UNDER_REVIEW, None, chosen=False).read
    second = listing.filtered(None, Status.SUBMITTED, None, chosen=False).read
    assert listing.page_read(answer(first)) is None  # that query is gone
    assert listing.page_due and listing.reading  # the second is still read
    shown = listing.page_read(answer(second, total=COUNTS[Status.SUBMITTED]))
    assert shown is not None and not listing.page_due and not listing.reading
    assert listing.summary.startswith("10 reports · p1/1")


def test_a_status_filter_alone_does_not_count_again_but_find_text_does():
    listing = connected()
    read = listing.filtered(None, Status.SUBMITTED, None, chosen=False).read
    assert isinstance(read, PageRead) and read.count_for is None and read.known == COUNTS
    listing.page_read(answer(read))
    read = listing.filtered(None, Status.SUBMITTED, "acme", chosen=False).read
    assert isinstance(read, PageRead) and read.count_for is not None and read.known is None


def test_paging_goes_by_whole_pages_and_stops_at_the_ends():
    listing = connected()
    assert listing.summary.startswith("25 reports · p1/3")
    assert listing.prev_page() is None and listing.can_page_on and not listing.can_page_back
    read = listing.next_page()
    assert read is not None and read.query.offset == 10
    listing.page_read(answer(read))
    read = listing.next_page()
    assert read is not None and read.query.offset == 20
    listing.page_read(answer(read))
    assert listing.summary.startswith("25 reports · p3/3") and listing.next_page() is None
    back = listing.prev_page(at_end=True)  # moved up past the first row: on the last row of the one before
    assert back is not None and back.at_end and back.query.offset == 10


def test_a_resize_fits_the_page_again_from_a_whole_page():
    listing = connected()
    listing.page_read(answer(listing.next_page()))  # offset 10
    read = listing.refit(4, keep_id=105)
    assert read is not None and read.query.limit == 4 and read.query.offset == 8 and read.keep_id == 105
    assert listing.refit(4, keep_id=None) is None  # the same size: nothing to read


def test_sorting_by_the_same_column_again_reverses_it():
    listing = connected()
    sort = listing.query.sort
    descending = listing.query.descending
    read = listing.sorted_by(sort)
    assert read is not None and read.query.descending is not descending and read.query.offset == 0
    assert any("current" in label for label, key in listing.sort_choices() if key == sort)


def test_a_failed_read_says_so_and_calls_off_an_enter_typed_ahead():
    listing = connected()
    old = listing.filtered(None, Status.SUBMITTED, None, chosen=True).read
    read = listing.filtered(None, Status.UNDER_REVIEW, None, chosen=True).read
    listing.enter()
    assert old is not None and listing.read_failed(old, "gone") is None  # superseded: the read under way says
    step = listing.read_failed(read, "The database is busy; try again in a moment.")
    assert told(step) == ["The database is busy; try again in a moment."] and step is not None and step.take_focus
    assert listing.summary == "Could not read the reports." and listing.opening is Opening.NONE


# ---------------------------------------------------------------- before the database is open


def test_a_status_while_connecting_is_read_early_as_the_first_page_was():
    early = Early()
    listing = connecting(early)
    step = listing.filtered(None, Status.UNDER_REVIEW, None, chosen=True)
    assert isinstance(step.read, EarlyRead) and listing.focus_on_page
    got = step.read.run()  # the screen's worker
    assert got is not None and early.read == [Status.UNDER_REVIEW]
    shown = listing.page_read(got)
    assert shown is not None and shown.take_focus and listing.summary.startswith("12 reports · p1/2")


def test_other_queries_wait_for_the_database_while_connecting():
    listing = connecting(Early())
    step = listing.filtered(None, None, "acme", chosen=True)
    assert step.read is None and not listing.focus_on_page and listing.page_due
    assert listing.enter() is False  # it opens from the page read once the database is open
    read = listing.attach(keep_id=None).read
    assert isinstance(read, PageRead) and read.query.partner_text == "acme"


def test_an_early_read_that_cannot_answer_leaves_the_page_to_the_services():
    class Refusing(Early):
        def status_page(self, fields: dict[str, Any]) -> ReportPage | None:
            raise OSError("database is locked")

    listing = connecting(Refusing())
    read = listing.filtered(None, Status.SUBMITTED, None, chosen=False).read
    assert isinstance(read, EarlyRead) and read.run() is None
    listing.early_unanswered(read)
    assert not listing.reading and listing.page_due


def test_the_first_page_is_not_shown_when_the_list_changed_or_the_database_is_open():
    listing = ReportList(lambda: ROWS, connected=False)
    listing.filtered(None, None, "acme", chosen=False)
    fields = ListQuery(limit=ROWS).fields()
    assert listing.first_page(fields, page_for(ListQuery(limit=ROWS)), COUNTS, [], lambda: None) is None
    assert connected().first_page(fields, page_for(ListQuery(limit=ROWS)), COUNTS, [], lambda: None) is None


def test_lines_of_progress_give_way_to_the_page():
    listing = ReportList(lambda: ROWS, connected=False)
    listing.announce("Creating the demo database…")
    assert listing.summary == "Creating the demo database…"
    listing.page_read(answer(listing.attach(keep_id=None).read))
    assert listing.summary.startswith("25 reports")


def test_export_waits_for_the_database():
    refused = connecting().export(Path("/tmp"), over_ssh=False)
    assert isinstance(refused, Notice) and "still being opened" in refused.message
    request = connected().export(Path("/tmp"), over_ssh=True)
    assert isinstance(request, ExportRequest) and request.count == TOTAL and request.over_ssh


# ---------------------------------------------------------------- following the database


def test_changes_are_read_quietly_once_nothing_is_read_and_nothing_is_over_the_list():
    listing = connected()
    read = listing.next_page()
    listing.changed()
    assert listing.catch_up(active=True, choosing=False) is None  # a read is under way: after it
    listing.page_read(answer(read))
    assert listing.catch_up(active=False, choosing=False) is None  # a dialog is open: on its return
    assert listing.catch_up(active=True, choosing=True) == LATER  # a choice being made
    quiet = listing.catch_up(active=True, choosing=False)
    assert isinstance(quiet, PageRead) and quiet.quiet and quiet.count_for is not None and listing.live_reloads == 1
    shown = listing.page_read(answer(quiet))
    assert shown is not None and shown.keep_cursor
    assert listing.catch_up(active=True, choosing=False) is None  # up to date


def test_a_quiet_read_for_a_page_left_meanwhile_is_read_again_with_the_page_shown_next():
    listing = connected()
    listing.changed()
    quiet = listing.catch_up(active=True, choosing=False)
    paged = listing.next_page()
    assert listing.page_read(answer(quiet)) is None  # the user paged meanwhile
    listing.page_read(answer(paged))
    again = listing.catch_up(active=True, choosing=False)
    assert isinstance(again, PageRead) and again.quiet and again.query.offset == 10


def test_back_from_a_report_reads_the_page_again_back_from_a_dialog_does_not():
    listing = connected()
    listing.covered(by_report=False)
    assert listing.uncovered(keep_id=101) is None
    listing.covered(by_report=True)
    read = listing.uncovered(keep_id=101)
    assert isinstance(read, PageRead) and read.keep_id == 101 and read.count_for is not None
