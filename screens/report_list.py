"""The report list: filter by cycle, status and partner, sort, page through the database,
open a report, export the query as CSV. It follows the database by itself: when reports
change (here, in another lmp-tui, on the command line), the page is read again quietly,
the cursor on the same report, filters, sort and find text as they were.

The screen composes, binds keys and shows; the list's state (its query, the page shown and
the query it answers, the read under way, a report still to open, the early page read
before the services are up) is a :class:`lmp_tui.editing.report_list.ReportList`. The
screen asks it, runs the reads it hands out in a worker, and feeds the answers back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Select, Static
from textual.worker import get_current_worker

from lmp_tui.editing.list_reads import EarlyRead, PageAnswer, PageRead, Read
from lmp_tui.editing.notice import Notice
from lmp_tui.editing.report_list import LATER, ReportList, Shown, Step
from lmp_tui.errors import LmpError
from lmp_tui.startup.prefetch import CHROME_LINES, page_rows
from lmp_tui.ui import keymap
from screens.choice_dialog import ChoiceDialog
from widgets.filter_bar import FilterBar, Filters
from widgets.in_turn import in_turn
from widgets.key_bar import KeyBar, bindings_for
from widgets.plain_text import plain
from widgets.report_table import ReportTable

if TYPE_CHECKING:  # the services load in the app's first worker, after the first paint
    from lmp_tui.editing.report_export import ExportRequest
    from lmp_tui.services import BillingService, Changes, StaffUserView
    from lmp_tui.startup.prefetch import FirstPage


class ReportListScreen(Screen[None]):
    HELP_TITLE = "Report list"
    AUTO_FOCUS = "#reports"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for(keymap.REPORT_LIST)]
    COMMANDS_SPEC = keymap.REPORT_LIST

    class PageLoaded(Message):
        def __init__(self, answer: PageAnswer) -> None:
            super().__init__()
            self.answer = answer

    class Failed(Message):
        def __init__(self, request: Read, error: str) -> None:
            super().__init__()
            self.request, self.error = request, error

    class Unanswered(Message):
        """The early reader could not read the page (the services read it once they are up)."""

        def __init__(self, request: Read) -> None:
            super().__init__()
            self.request = request

    class OpenReport(Message):
        """Open this report (the app does: :meth:`lmp_tui.ui.app.LmpApp.open_report`)."""

        def __init__(self, report_id: int) -> None:
            super().__init__()
            self.report_id = report_id

    def __init__(
        self,
        service: BillingService | None,
        user: StaffUserView | None,
        export_dir: Path,
        first: FirstPage | None = None,
        open_report: int | None = None,
    ) -> None:
        """``first``: the first page read beside the start, shown in the first frame;
        ``open_report``: a report to open once the database is open."""
        super().__init__()
        self.service, self.user, self.export_dir = service, user, export_dir
        self._first = first
        self.listing = ReportList(self._fit_page, connected=service is not None, open_report=open_report)
        self._summary_shown = self.listing.summary  # what the summary line shows

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title", classes="screen-title")
        yield FilterBar(id="filters")
        yield Static(plain(self._summary_shown), id="summary")
        yield ReportTable(id="reports")
        yield KeyBar()

    def _title(self) -> Text:
        if self.user is None:
            return plain("Billing reports · connecting…")
        return plain(
            f"Billing reports · {self.user.distributor} · signed in as {self.user.name} ({self.user.role.value})"
        )  # names an admin typed: plain text

    def on_mount(self) -> None:
        if self.service is not None:
            self._do(self.listing.attach(keep_id=None))
        elif self._first is not None:
            self.show_first(self._first)
            self._first = None

    # ---------------------------------------------------------------- what the list knows

    @property
    def filters(self) -> Filters:
        q = self.listing.query
        return Filters(cycle=q.cycle, status=q.status, partner_text=q.partner_text)

    @property
    def live_reloads(self) -> int:
        """How many times the page was read quietly after a change (the tests count them)."""
        return self.listing.live_reloads

    def _highlighted(self) -> int | None:
        return self.query_one(ReportTable).highlighted_id

    # ---------------------------------------------------------------- the start

    def show_first(self, first: FirstPage) -> None:
        """The first page, read beside the start (:mod:`lmp_tui.startup.prefetch`) while the
        database stack loads here; ignored when the list's query is no longer that one."""
        shown = self.listing.first_page(first.fields, first.page, first.counts, first.cycles, first.reader)
        if shown is not None:
            self.user = first.user
            self.query_one("#title", Static).update(self._title())
            self._show(shown)

    def attach(self, service: BillingService, user: StaffUserView) -> None:
        """The database is open and the user signed in (the app's first worker): read the list
        (again, if the first page came from the start's child), the cursor kept on its report,
        and open the report asked for meanwhile."""
        self.service, self.user = service, user
        self.query_one("#title", Static).update(self._title())
        self._do(self.listing.attach(keep_id=self._highlighted()))

    def open_when_connected(self, report_id: int) -> None:
        """A report asked for before the database is open (the app's ``open_report``): it opens
        once the database is open, unless Escape or a change of the list calls it off."""
        self._do(self.listing.open_highlighted(report_id))

    def announce(self, text: str) -> None:
        """A line of progress while the database is being opened (e.g. the demo being made)."""
        self.listing.announce(text)
        self._sync_summary()

    # ---------------------------------------------------------------- following the database

    def on_screen_suspend(self) -> None:
        # a report opened over the list (a dialog over it changes nothing: no reload after it)
        self.listing.covered(by_report=not isinstance(self.app.screen, ModalScreen))

    def on_screen_resume(self) -> None:
        read = self.listing.uncovered(keep_id=self._highlighted())
        if read is not None:  # back from a report: what was done there shows at once
            self._read(read)
        else:
            self._catch_up()  # changes that came while a dialog was open

    def reports_changed(self, changes: Changes) -> None:
        """Reports changed somewhere (the app's change watch): read the page again, quietly,
        now or as soon as nothing is open over the list."""
        self.listing.changed()
        self._catch_up()

    def _catch_up(self) -> None:
        if not self.is_mounted:
            return
        read = self.listing.catch_up(active=self.is_active, choosing=self._choice_open())
        if read == LATER:  # a choice being made: after it
            self.set_timer(0.5, self._catch_up)
        elif isinstance(read, (PageRead, EarlyRead)):
            self._read(read)

    # ---------------------------------------------------------------- reading

    def _fit_page(self) -> int:
        """Rows per page: what the list shows, a few more, at most PAGE_SIZE."""
        table = self.query_one(ReportTable).size.height  # laid out: its rows and its header
        return page_rows(table - 1 if table > 1 else (self.app.size.height or 24) - CHROME_LINES)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)  # once the list has its new size

    def _refit(self) -> None:
        self._read(self.listing.refit(self._fit_page(), keep_id=self._highlighted()))

    def _do(self, step: Step) -> None:
        self._tell(step.notices)
        if step.take_focus:
            self.query_one(ReportTable).focus()
        self._read(step.read)
        if step.open_id is not None:
            self.post_message(self.OpenReport(step.open_id))

    def _read(self, read: Read | None) -> None:
        self._sync_summary()
        if isinstance(read, EarlyRead):
            self._read_early(read)
        elif read is not None:
            self._read_page(read)

    @work(thread=True, exclusive=True, group="report-list")
    def _read_page(self, request: PageRead) -> None:
        assert self.service is not None
        try:
            answer = request.run(self.service)
        except LmpError as err:
            self.post_message(self.Failed(request, str(err)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(answer))

    @work(thread=True, exclusive=True, group="report-list")
    def _read_early(self, request: EarlyRead) -> None:
        """A status filter's page while the database stack loads, read as the first page was."""
        answer = request.run()
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(answer) if answer is not None else self.Unanswered(request))

    def on_report_list_screen_page_loaded(self, msg: PageLoaded) -> None:
        shown = self.listing.page_read(msg.answer)
        if shown is not None:
            self._show(shown)
        self.call_later(self._catch_up)

    def on_report_list_screen_unanswered(self, msg: Unanswered) -> None:
        self.listing.early_unanswered(msg.request)

    def on_report_list_screen_failed(self, msg: Failed) -> None:
        step = self.listing.read_failed(msg.request, msg.error)
        if step is not None:
            self._do(step)

    def _show(self, shown: Shown) -> None:
        table = self.query_one(ReportTable)
        keep_id = table.highlighted_id if shown.keep_cursor else shown.keep_id  # it may have moved meanwhile
        with self.app.batch_update():  # one layout and one paint for the whole change
            if shown.cycles is not None:
                self.query_one(FilterBar).set_cycles(shown.cycles)
            if shown.counts is not None:
                self.query_one(FilterBar).set_counts(shown.counts)
            table.show_page(shown.page.rows, keep_id, shown.at_end)
            if shown.take_focus and not self._choice_open():  # (a choice opened since keeps the focus)
                self.set_focus(table)  # now, not after this frame: the key bar shows the list's keys in it
            self._sync_summary()
            self.refresh_bindings()
            self.query_one(KeyBar).sync()  # the keys the new page allows, in the same frame
        if shown.open_now:  # Enter typed ahead of this page
            self.action_open_report()

    def _sync_summary(self) -> None:
        text = self.listing.summary
        if text != self._summary_shown:  # unchanged: nothing to repaint
            self._summary_shown = text
            self.query_one("#summary", Static).update(plain(text), layout=False)

    def _tell(self, notices: Notice | list[Notice]) -> None:
        for n in [notices] if isinstance(notices, Notice) else notices:
            self.notify(n.message, title=n.title or "", severity=n.severity, timeout=n.timeout)

    # ---------------------------------------------------------------- events

    def on_filter_bar_changed(self, msg: FilterBar.Changed) -> None:
        # a choice made: back to the list at once (the keys typed next go to it, not to the
        # choice), and again when its page comes (the choice box takes the focus back a
        # moment after a choice, now and then after this)
        chosen = self._in_choice()
        f = msg.filters
        step = self.listing.filtered(f.cycle, f.status, f.partner_text, chosen=chosen)
        if chosen:
            self.set_focus(self.query_one(ReportTable))
        self._do(step)

    @on(Input.Submitted, "#partner")
    def _to_table(self) -> None:
        self.query_one(ReportTable).focus()

    def action_leave_find(self) -> None:
        """Escape in the find box: back to the list (the text stays, and so does the filter);
        on the list, it calls off a report still to open (Enter typed while it was read)."""
        if self.focused is not self.query_one("#partner", Input) and self.listing.opening_due:
            self._do(self.listing.call_off())
            return
        self.query_one(ReportTable).focus()

    def on_report_table_selected(self, event: ReportTable.Selected) -> None:
        event.stop()
        self.action_open_report()

    def action_open_report(self) -> None:
        if self.listing.enter():
            # Enter runs as it arrives (a priority key); the moves typed before it (↓ ↓ ⏎ in one
            # burst) are still on their way: the report is the one highlighted after them
            in_turn(self.query_one(ReportTable), self._open_highlighted)
        self._sync_summary()

    def _open_highlighted(self) -> None:
        self._do(self.listing.open_highlighted(self._highlighted()))

    # ---------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return True if self.listing.can_page_on else None
        if action == "prev_page":
            return True if self.listing.can_page_back else None
        if action == "leave_find":  # Escape: while typing in the find box, or to call off an opening
            return True if self.focused is self.query_one("#partner", Input) or self.listing.opening_due else None
        if action == "open_report":  # Enter: only while the list has the focus
            table = self.query_one(ReportTable)
            # the screen's focus, not has_focus: that one follows a move only once its events are handled
            if self.listing.focus_on_page:  # a filter chosen, its page coming: Enter opens from that page
                return True
            if self.focused is table and self.listing.page_due:  # the page of this query not read yet
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
        self.listing.choice_opened()  # this choice comes first
        select = self.query_one(selector, Select)
        select.action_show_overlay()
        self.set_focus(select.query_one(OptionList), scroll_visible=False)  # the choices' list

    def action_sort(self) -> None:
        def chosen(key: str | None) -> None:
            if key is not None:
                self._read(self.listing.sorted_by(key))

        self.app.push_screen(
            ChoiceDialog("Sort reports by", self.listing.sort_choices(), self.listing.query.sort), chosen
        )

    def action_next_page(self) -> None:
        self._read(self.listing.next_page())

    def action_prev_page(self, at_end: bool = False) -> None:
        self._read(self.listing.prev_page(at_end))

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
        self._read(self.listing.refresh(self._highlighted()))

    def action_export(self) -> None:
        request = self.listing.export(self.export_dir, over_ssh=bool(getattr(self.app, "over_ssh", False)))
        if isinstance(request, Notice):
            self._tell(request)
            return
        self._tell(request.started)
        self._export(request)

    @work(thread=True, group="export")
    def _export(self, request: ExportRequest) -> None:
        assert self.service is not None
        self.app.call_from_thread(self._tell, request.run(self.service))
