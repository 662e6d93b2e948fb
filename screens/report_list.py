"""The report list: filter by cycle, status and partner, sort, page through the database,
open a report, export the query as CSV. It follows the database by itself: when reports
change (here, in another lmp-tui, on the command line), the page is read again quietly,
the cursor on the same report, filters, sort and find text as they were."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.actions import SkipAction
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select, Static
from textual.widgets._select import SelectOverlay
from textual.worker import get_current_worker
from rich.text import Text

from lmp_tui.ui import keymap
from lmp_tui.domain.model import Status
from lmp_tui.errors import LmpError
from lmp_tui.startup.prefetch import CHROME_LINES, page_rows
from lmp_tui.domain.sorting import DEFAULT_SORT, SORT_ORDERS, sort_order
from widgets.filter_bar import FilterBar, Filters
from widgets.key_bar import KeyBar, bindings_for
from widgets.plain_text import plain
from widgets.report_table import ReportTable
from screens.list_opening import ListOpening
from screens.list_start import ListStart
from screens.report_export import ReportExport
from screens.choice_dialog import ChoiceDialog

if TYPE_CHECKING:  # the services load in the app's first worker, after the first paint
    from lmp_tui.startup.prefetch import FirstPage
    from lmp_tui.startup.quickread import EarlyReader
    from lmp_tui.services import BillingService, Changes, ReportPage, StaffUserView
    from lmp_tui.commands.validation import ReportQuery



class ReportListScreen(ListOpening, ListStart, ReportExport, Screen[None]):
    HELP_TITLE = "Report list"
    AUTO_FOCUS = "#reports"
    BINDINGS = bindings_for(keymap.REPORT_LIST)
    COMMANDS_SPEC = keymap.REPORT_LIST

    class PageLoaded(Message):
        def __init__(self, page: ReportPage, counts: dict[Status, int], counts_key: tuple[Any, ...],
                     cycles: list[str] | None, keep_id: int | None, at_end: bool, quiet: bool = False,
                     fields: dict[str, Any] | None = None) -> None:
            super().__init__()
            self.page, self.counts, self.cycles, self.keep_id, self.at_end = page, counts, cycles, keep_id, at_end
            self.counts_key, self.quiet, self.fields = counts_key, quiet, fields

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, service: BillingService | None, user: StaffUserView | None, export_dir: Path,
                 first: FirstPage | None = None) -> None:
        super().__init__()
        self.service, self.user, self.export_dir = service, user, export_dir
        self._first = first  # read beside the start: shown in the first frame
        #: reads a status filter's page as the first page was read until the services are up
        self._early: EarlyReader | None = None
        #: the query of the page shown (None: no page yet); Enter waits while it is not the list's
        self._shown_query: dict[str, Any] | None = None
        self.filters = Filters()
        self.sort, self.descending, self.page_offset = DEFAULT_SORT, sort_order(DEFAULT_SORT).descending, 0
        self.total_count = 0
        self._page_size = 0  # set with the first read, from the terminal's height
        self._cycles_known = False
        self._loading = False  # a read is under way
        self._stale = False  # reports changed since the page was read: read it again when possible
        #: how many times the page was read quietly after a change (the tests count them)
        self.live_reloads = 0
        #: the counts per status, and what they were counted for: (cycle, partner text, data
        #: generation); a change of the status filter alone does not count them again
        self._counts: dict[Status, int] | None = None
        self._counts_key: tuple[Any, ...] | None = None
        self._generation = 0  # goes up when the reports changed (anywhere) or F5

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title", classes="screen-title")
        yield FilterBar(id="filters")
        yield Static(plain("Loading…"), id="summary")
        yield ReportTable(id="reports")
        yield KeyBar()

    def _title(self) -> Text:
        if self.user is None:
            return plain("Billing reports · connecting…")
        return plain(f"Billing reports · {self.user.distributor} · signed in as {self.user.name} "
                     f"({self.user.role.value})")  # names an admin typed: plain text

    def on_mount(self) -> None:
        self._away = False
        if self.service is not None:
            self.reload()
        elif self._first is not None:
            self.show_first(self._first)
            self._first = None

    def on_screen_suspend(self) -> None:
        # a report opened over the list (a dialog over it changes nothing: no reload after it)
        self._away = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        # back from a report: what was saved, submitted or rejected there shows at once
        if self._away:
            self._away = False
            self._stale = False
            self._generation += 1  # what was done there may have moved a report to another status
            self.reload(keep_id=self.query_one(ReportTable).highlighted_id)
        else:
            self._catch_up()  # changes that came while a dialog was open

    # ---------------------------------------------------------------- following the database

    def reports_changed(self, changes: Changes) -> None:
        """Reports changed somewhere (the app's change watch): read the page again, quietly,
        now or as soon as nothing is open over the list."""
        self._generation += 1  # the counts per status may have changed too
        self._stale = True
        self._catch_up()

    def _catch_up(self) -> None:
        if not self._stale or self._loading or not self.is_mounted:
            return
        if not self.is_active:  # a report or a dialog is open over the list: on its return
            return
        if any(select.expanded for select in self.query(Select)):  # a choice being made: after it
            self.set_timer(0.5, self._catch_up)
            return
        self._stale = False
        self.live_reloads += 1
        self._loading = True
        self._load(self.list_query, self._need_counts(), self.query_one(ReportTable).highlighted_id, True, False,
                   True)

    # ---------------------------------------------------------------- loading

    @property
    def page_size(self) -> int:
        """Rows per page: what the list shows, a few more, at most PAGE_SIZE. Fixed at the
        first read (the pages' offsets are its multiples); a resize sets it again."""
        if not self._page_size:
            self._page_size = self._fit_page()
        return self._page_size

    def _fit_page(self) -> int:
        table = self.query_one(ReportTable).size.height  # laid out: its rows and its header
        return page_rows(table - 1 if table > 1 else (self.app.size.height or 24) - CHROME_LINES)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)  # once the list has its new size

    def _refit(self) -> None:
        fit = self._fit_page()
        if self._page_size and fit != self._page_size:
            self._page_size = fit
            self.page_offset -= self.page_offset % fit
            self.reload(keep_id=self.query_one(ReportTable).highlighted_id)

    @property
    def list_query(self) -> dict[str, Any]:
        """The query of the list as it is now: the fields of a ``ReportQuery`` (made, and
        validated, in the worker: pydantic loads after the first paint)."""
        f = self.filters
        return dict(cycle=f.cycle, status=f.status, partner_text=f.partner_text, sort=self.sort,
                    descending=self.descending, offset=self.page_offset, limit=self.page_size)

    def _counts_for(self) -> tuple[Any, ...]:
        return (self.filters.cycle, self.filters.partner_text, self._generation)

    def _need_counts(self) -> tuple[Any, ...] | None:
        """What to count the statuses for, or None when the counts shown are still right."""
        key = self._counts_for()
        return None if key == self._counts_key and self._counts is not None else key

    def reload(self, keep_id: int | None = None, at_end: bool = False) -> None:
        if self.service is None:  # still connecting: the first page is read when it is done
            if self._early_answers():
                self._loading = True  # a status chosen meanwhile: read as the first page was
                self._load_early(self.list_query, keep_id)
            return
        if self.page_offset % self.page_size:  # a resize changed the page's size
            self.page_offset -= self.page_offset % self.page_size
        if self._summary_text != "Loading…" and not self.total_count:
            self._summary_text = "Loading…"
            self.query_one("#summary", Static).update(plain(self._summary_text), layout=False)
        self._loading = True
        self._load(self.list_query, self._need_counts(), keep_id, not self._cycles_known, at_end,
                   known=None if self._need_counts() else self._counts)

    @work(thread=True, exclusive=True, group="report-list")
    def _load(self, fields: dict[str, Any], counts_key: tuple[Any, ...] | None, keep_id: int | None,
              with_cycles: bool, at_end: bool, quiet: bool = False,
              known: dict[Status, int] | None = None) -> None:
        """One page; the counts per status first when they may have changed (one grouped read
        of an index), and the page's total from them (or from the ``known`` counts): no
        separate count of the matching reports."""
        from lmp_tui.commands.validation import ReportQuery

        assert self.service is not None
        try:
            query = ReportQuery(**fields)
            counts = self.service.status_counts(query.cycle, query.partner_text) if counts_key else None
            have = counts if counts is not None else known
            total = None if have is None else (have.get(query.status, 0) if query.status else sum(have.values()))
            page = self.service.query_reports(query, total=total)
            cycles = self.service.cycles() if with_cycles else None
        except LmpError as err:
            self.post_message(self.Failed(str(err)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(page, counts, counts_key, cycles, keep_id, at_end, quiet, fields))

    def on_report_list_screen_page_loaded(self, msg: PageLoaded) -> None:
        self._loading = False
        table = self.query_one(ReportTable)
        if msg.quiet and msg.page.offset != self.page_offset:
            self._stale = True  # the user paged meanwhile: that page is being read
            return
        if msg.quiet:
            msg.keep_id = table.highlighted_id  # the cursor may have moved while it was read
        if msg.fields is not None:
            self._shown_query = msg.fields
        with self.app.batch_update():  # one layout and one paint for the whole change
            if msg.cycles is not None:
                self.query_one(FilterBar).set_cycles(msg.cycles)
                self._cycles_known = True
            if msg.counts is not None:
                self._counts, self._counts_key = msg.counts, msg.counts_key
                self.query_one(FilterBar).set_counts(msg.counts)
            table.show_page(msg.page.rows, msg.keep_id, msg.at_end)
            if self._focus_list:
                self._focus_list = False
                if not self._choice_open():  # (a choice opened since keeps the focus)
                    self.set_focus(table)  # now, not after this frame: the key bar shows the list's keys in it
            self.total_count = msg.page.total_count
            self._summary(msg.page, self._counts or {})
            self.refresh_bindings()
            self.query_one(KeyBar).sync()  # the keys the new page allows, in the same frame
        self.call_later(self._catch_up)
        if self._open_when_read and not self._page_due():  # Enter typed ahead of this page
            self._open_when_read = False
            self.action_open_report()

    def on_report_list_screen_failed(self, msg: Failed) -> None:
        self._loading = False
        self._open_when_read = False
        if self._focus_list:
            self._focus_list = False
            self.query_one(ReportTable).focus()
        self.query_one("#summary", Static).update(plain("Could not read the reports."), layout=False)
        self.notify(msg.error, title="Could not read the reports", severity="error", timeout=8)

    _summary_text = "Loading…"

    def _summary(self, page: ReportPage, counts: dict[Status, int]) -> None:
        pages = max(1, -(-page.total_count // self.page_size))
        current = page.offset // self.page_size + 1
        sort = sort_order(self.sort).label
        counts_text = " ".join(f"{s.abbrev} {n:,}" for s, n in counts.items())
        summary = (f"{page.total_count:,} {'report' if page.total_count == 1 else 'reports'} · p{current}/{pages} · {sort}"
                   f"{'↓' if self.descending else '↑'} │ {counts_text}")
        if summary != self._summary_text:  # unchanged: nothing to repaint
            self._summary_text, self._announced = summary, False
            self.query_one("#summary", Static).update(plain(summary), layout=False)

    # ---------------------------------------------------------------- events

    def on_filter_bar_changed(self, msg: FilterBar.Changed) -> None:
        self.filters, self.page_offset = msg.filters, 0
        if self.app.open_report_id is not None:  # type: ignore[attr-defined]
            self._call_off_opening()  # asked for from the list as it was: it has changed
        if self._in_choice():  # a choice made: back to the list at once (the keys typed next go
            # to it, not to the choice), and again when its page comes (the choice box takes
            # the focus back a moment after a choice, now and then after this)
            self._focus_list = self.service is not None or self._early_answers()
            self.set_focus(self.query_one(ReportTable))
        self.reload()

    _focus_list = False  # the list takes the focus when the page being read comes
    _open_when_read = False  # and its highlighted report opens then (Enter typed meanwhile)

    @on(Input.Submitted, "#partner")
    def _to_table(self) -> None:
        self.query_one(ReportTable).focus()

    def action_leave_find(self) -> None:
        """Escape in the find box: back to the list (the text stays, and so does the filter);
        on the list, it calls off a report still to open (Enter typed while it was read)."""
        if self.focused is not self.query_one("#partner", Input) and self._opening_due():
            self._call_off_opening()
            return
        self.query_one(ReportTable).focus()

    def on_report_table_selected(self, event: ReportTable.Selected) -> None:
        event.stop()
        self.action_open_report()

    # ---------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return None if self.page_offset + self.page_size >= self.total_count else True
        if action == "prev_page":
            return None if self.page_offset == 0 else True
        if action == "leave_find":  # Escape: while typing in the find box, or to call off an opening
            return True if self.focused is self.query_one("#partner", Input) or self._opening_due() else None
        if action == "open_report":  # Enter: only while the list has the focus
            table = self.query_one(ReportTable)
            # the screen's focus, not has_focus: that one follows a move only once its events are handled
            if self._focus_list:  # a filter chosen, its page coming: Enter opens from that page
                return True
            if self.focused is table and self._page_due():  # the page of this query not read yet
                return True
            return True if self.focused is table and table.row_count else False
        return True

    def action_find_partner(self) -> None:
        partner = self.query_one("#partner", Input)
        if self.focused is partner:
            raise SkipAction()  # "/" typed in the find box is a character
        # at once, not later: the keys typed right after "/" must land in the find box
        self.set_focus(partner)

    def action_pick_cycle(self) -> None:
        self._open_choice("#cycle")

    def action_pick_status(self) -> None:
        self._open_choice("#status")

    def _choice_open(self) -> bool:
        """Whether a filter's choices are open (not just its box focused)."""
        return any(select.expanded for select in self.query(Select))

    def _in_choice(self) -> bool:
        """Whether the focus is on a filter's choice (its box or its open list)."""
        return self.focused is not None and any(isinstance(n, Select) for n in self.focused.ancestors_with_self)

    def _open_choice(self, selector: str) -> None:
        """Open a filter's choices with the focus in them at once, not after this frame: the
        keys typed right after ``t`` (↓ ↓ Enter, in one burst over SSH) choose, and none
        reaches the list (where Enter would open a report)."""
        if isinstance(self.focused, Input) or self._choice_open():
            raise SkipAction()  # a letter typed in the find box, or to search the choices open
        self._focus_list = self._open_when_read = False  # this choice comes first
        select = self.query_one(selector, Select)
        select.action_show_overlay()
        self.set_focus(select.query_one(SelectOverlay), scroll_visible=False)

    def action_sort(self) -> None:
        def chosen(key: str | None) -> None:
            if key is None:
                return
            if key == self.sort:
                self.descending = not self.descending
            else:
                self.sort, self.descending = key, sort_order(key).descending
            self.page_offset = 0
            self.reload()

        options = [(f"{s.label}{'  (current: Enter reverses)' if s.key == self.sort else ''}", s.key)
                   for s in SORT_ORDERS]
        self.app.push_screen(ChoiceDialog("Sort reports by", options, self.sort), chosen)

    def action_next_page(self) -> None:
        if self.page_offset + self.page_size < self.total_count:
            self.page_offset += self.page_size
            self.reload()

    def action_prev_page(self, at_end: bool = False) -> None:
        if self.page_offset:
            self.page_offset = max(0, self.page_offset - self.page_size)
            self.reload(at_end=at_end)

    def on_report_table_page_requested(self, msg: ReportTable.PageRequested) -> None:
        """PgDn/PgUp while the list has the focus: the next or previous page of the database."""
        if msg.direction > 0:
            self.action_next_page()
        else:
            self.action_prev_page()

    def on_report_table_edge_reached(self, msg: ReportTable.EdgeReached) -> None:
        if msg.direction > 0:
            self.action_next_page()
        else:
            self.action_prev_page(at_end=True)

    def action_refresh(self) -> None:
        self._cycles_known = False
        self._generation += 1
        self.reload(self.query_one(ReportTable).highlighted_id)
