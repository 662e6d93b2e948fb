"""The report list as a plain object: the list's query (filters, find text, sort, page), the
page it shows and the query that page answers, the read under way, a report still to open,
and the early page read before the services are up. It decides what to read next, whether
Enter opens now or waits, what Escape calls off, and words what the list says; it runs
nothing itself. The screen (:mod:`screens.report_list`) asks it, runs the read it hands out
in a worker (``request.run(service)``) and feeds the answer back (``page_read``,
``read_failed``); each answer says what to show.

The states, each in one place:

- the link: connecting (no services yet; an :class:`EarlySource` may read a status's page
  meanwhile, as the first page was read) or connected;
- the read: the one request under way (None: nothing is read). A page that answers another
  query than the list's (an older read's, or the list changed since) is not shown;
- following the database: up to date, or behind (reports changed since the page was read;
  it is read again, quietly, once nothing is read and nothing is open over the list);
- the opening (:class:`Opening`): nothing to open, the highlighted report of the page
  being read (Enter typed ahead of it), or a report asked for before the database was open.

Nothing here imports Textual or the database stack: the list's module loads before the
first paint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from lmp_tui.domain.model import Status
from lmp_tui.domain.sorting import SORT_ORDERS, sort_order
from lmp_tui.domain.views import ReportPage
from lmp_tui.editing.list_reads import EarlyRead, EarlySource, ListQuery, PageAnswer, PageRead, Read
from lmp_tui.editing.notice import Notice
from lmp_tui.editing.report_export import ExportRequest

LOADING = "Loading…"
FAILED = "Could not read the reports."
#: :meth:`ReportList.catch_up` while a filter's choices are open: ask again in a moment
LATER: Literal["later"] = "later"


class Opening(Enum):
    NONE = "none"
    #: Enter typed while the page shown is not the query's: the highlighted report of that page
    #: opens once it is read
    WHEN_READ = "when read"
    #: a report asked for before the database was open (Enter, or the command line): it opens then
    WHEN_CONNECTED = "when connected"


@dataclass(frozen=True)
class Shown:
    """A page to show, and what comes with it."""

    page: ReportPage
    keep_id: int | None
    keep_cursor: bool  # the cursor stays on the report it is on now (a quiet read)
    at_end: bool
    cycles: list[str] | None  # new choices of cycle, if read
    counts: dict[Status, int] | None  # new counts per status, if read
    take_focus: bool  # the list takes the focus (a filter was chosen for this page)
    open_now: bool  # Enter was typed ahead of this page: its highlighted report opens now


@dataclass
class Step:
    """What the screen is to do after a key or an answer."""

    read: Read | None = None
    notices: list[Notice] = field(default_factory=list)
    open_id: int | None = None  # the report to open now
    take_focus: bool = False  # the list takes the focus


class ReportList:
    def __init__(self, fit: Callable[[], int], *, connected: bool, open_report: int | None = None) -> None:
        """``fit``: how many rows a page holds, asked at the first need (then fixed: the pages'
        offsets are its multiples; :meth:`refit` sets it again). ``open_report``: a report to
        open once the database is open (the command line's)."""
        self._fit = fit
        self._page_size = 0
        self._query = ListQuery()  # its limit is the page size
        self.connected = connected
        self._early: EarlySource | None = None
        self._shown: ListQuery | None = None  # the query of the page shown (None: no page yet)
        self._reading: Read | None = None
        self._behind = False  # reports changed since the page was read
        self._under_report = False  # a report is open over the list
        self.opening = Opening.WHEN_CONNECTED if open_report is not None else Opening.NONE
        self._open_id: int | None = open_report  # the report to open when connected
        #: a filter was chosen: the list takes the focus when its page comes
        self.focus_on_page = False
        self.total_count = 0
        #: the counts per status, and what they were counted for: (cycle, partner text, data
        #: generation); a change of the status filter alone does not count them again
        self.counts: dict[Status, int] | None = None
        self._counts_key: tuple[Any, ...] | None = None
        self._generation = 0  # goes up when the reports changed (anywhere) or F5
        self._cycles_known = False
        #: how many times the page was read quietly after a change (the tests count them)
        self.live_reloads = 0
        #: the summary line; what it said before the lines of progress (None: none shown)
        self.summary = LOADING
        self._before_announced: str | None = None

    # ---------------------------------------------------------------- what is seen

    @property
    def page_size(self) -> int:
        if not self._page_size:
            self._page_size = self._fit()
        return self._page_size

    @property
    def query(self) -> ListQuery:
        """The list's query as it is now."""
        return replace(self._query, limit=self.page_size)

    @property
    def page_due(self) -> bool:
        """Whether the page shown is not (yet) the one of the list's query."""
        return self._shown != self.query

    @property
    def reading(self) -> bool:
        return self._reading is not None

    @property
    def opening_due(self) -> bool:
        """Whether a report is still to open (Escape calls it off)."""
        return self.opening is not Opening.NONE

    @property
    def can_page_on(self) -> bool:
        return self._query.offset + self.page_size < self.total_count

    @property
    def can_page_back(self) -> bool:
        return self._query.offset > 0

    def sort_choices(self) -> list[tuple[str, str]]:
        return [
            (f"{s.label}{'  (current: Enter reverses)' if s.key == self._query.sort else ''}", s.key)
            for s in SORT_ORDERS
        ]

    def export(self, folder: Path, *, over_ssh: bool) -> ExportRequest | Notice:
        """Export Reports: the list's query as CSV (:mod:`lmp_tui.editing.report_export`), or why not yet."""
        if not self.connected:
            return Notice(
                "The database is still being opened; press x again in a moment.", severity="warning", timeout=5
            )
        return ExportRequest(self.query.fields(), folder, self.total_count, over_ssh)

    # ---------------------------------------------------------------- the start

    def first_page(
        self,
        fields: dict[str, Any],
        page: ReportPage,
        counts: dict[Status, int],
        cycles: list[str],
        early: Callable[[], EarlySource | None],
    ) -> Shown | None:
        """The first page, read beside the start (:mod:`lmp_tui.startup.prefetch`) while the
        database stack loads; ignored when the list's query is no longer that one. ``early``:
        what reads another status's page the same way meanwhile."""
        if not self._page_size:
            self._page_size = fields["limit"]
        if self.connected or self.query.fields() != fields:
            return None
        self._early = early()
        return self.page_read(PageAnswer(PageRead(self.query, count_for=self._count_key()), page, counts, cycles))

    def attach(self, keep_id: int | None) -> Step:
        """The database is open and the user signed in: read the list (again, if the first
        page came from the start's child: counted again too), and open the report asked for
        meanwhile."""
        self.connected, self._early = True, None
        if self.total_count:
            self._generation += 1
        step = Step(read=self.reload(keep_id))
        if self.opening is Opening.WHEN_CONNECTED:
            step.open_id, self.opening, self._open_id = self._open_id, Opening.NONE, None
        return step

    def announce(self, text: str) -> None:
        """A line of progress while the database is being opened (e.g. the demo being made)."""
        if self._before_announced is None:
            self._before_announced = self.summary
        self.summary = text

    def _unannounce(self) -> None:
        if self._before_announced is not None:
            self.summary, self._before_announced = self._before_announced, None

    # ---------------------------------------------------------------- reads

    def reload(self, keep_id: int | None = None, at_end: bool = False) -> Read | None:
        """The read of the list's page; None when it cannot be read yet (still connecting:
        then it is read once the database is open)."""
        if not self.connected:
            query = self.query
            if self._early is not None and self._early.answers(query.fields()):
                return self._start(EarlyRead(query, self._early, keep_id))  # a status: as the first page was
            return None
        if self._query.offset % self.page_size:  # a resize changed the page's size
            self._query = replace(self._query, offset=self._query.offset - self._query.offset % self.page_size)
        if self.summary != LOADING and not self.total_count:
            self.summary = LOADING
        need = self._need_counts()
        return self._start(
            PageRead(
                self.query,
                keep_id,
                at_end,
                count_for=need,
                known=None if need else self.counts,
                with_cycles=not self._cycles_known,
            )
        )

    def _start(self, read: Read) -> Read:
        self._reading = read
        return read

    def page_read(self, answer: PageAnswer) -> Shown | None:
        """A page as read: what to show, or None when it answers another query than the
        list's (the list changed since it was asked for)."""
        request = answer.request
        if request is self._reading:
            self._reading = None
        if request.query != self.query:
            if request.quiet:  # the user paged meanwhile: the changes are read with the page shown next
                self._behind = True
            return None
        self._shown = request.query
        if answer.cycles is not None:
            self._cycles_known = True
        if answer.counts is not None:
            self.counts, self._counts_key = answer.counts, request.count_for
        take_focus, self.focus_on_page = self.focus_on_page, False
        self.total_count = answer.page.total_count
        self._summarise(answer.page)
        open_now = self.opening is Opening.WHEN_READ
        if open_now:
            self.opening = Opening.NONE
        return Shown(
            answer.page,
            request.keep_id,
            request.quiet,
            request.at_end,
            answer.cycles,
            answer.counts,
            take_focus,
            open_now,
        )

    def early_unanswered(self, request: Read) -> None:
        """The early reader could not read it: the services read it once they are up."""
        if request is self._reading:
            self._reading = None

    def read_failed(self, request: Read, error: str) -> Step | None:
        """The read failed (None: an older read, superseded by the one under way)."""
        if request is not self._reading:
            return None
        self._reading = None
        if self.opening is Opening.WHEN_READ:
            self.opening = Opening.NONE
        take_focus, self.focus_on_page = self.focus_on_page, False
        self.summary = FAILED
        return Step(
            notices=[Notice(error, title="Could not read the reports", severity="error", timeout=8)],
            take_focus=take_focus,
        )

    def _summarise(self, page: ReportPage) -> None:
        pages = max(1, -(-page.total_count // self.page_size))
        current = page.offset // self.page_size + 1
        q = self._query
        counts_text = " ".join(f"{s.abbrev} {n:,}" for s, n in (self.counts or {}).items())
        summary = (
            f"{page.total_count:,} {'report' if page.total_count == 1 else 'reports'} · p{current}/{pages} · "
            f"{sort_order(q.sort).label}{'↓' if q.descending else '↑'} │ {counts_text}"
        )
        if summary != self.summary:  # unchanged: nothing to repaint
            self.summary, self._before_announced = summary, None

    def _count_key(self) -> tuple[Any, ...]:
        return (self._query.cycle, self._query.partner_text, self._generation)

    def _need_counts(self) -> tuple[Any, ...] | None:
        """What to count the statuses for, or None when the counts shown are still right."""
        key = self._count_key()
        return None if key == self._counts_key and self.counts is not None else key

    # ---------------------------------------------------------------- the query

    def filtered(self, cycle: str | None, status: Status | None, partner_text: str | None, *, chosen: bool) -> Step:
        """The filters changed (``chosen``: a choice was made: the list takes the focus now,
        and again when its page comes). A report asked for from the list as it was is not
        opened; Enter typed ahead of the page still opens from the page read now."""
        self._query = replace(self._query, cycle=cycle, status=status, partner_text=partner_text, offset=0)
        step = self.call_off() if self.opening is Opening.WHEN_CONNECTED else Step()
        step.read = self.reload()
        if chosen:
            self.focus_on_page = step.read is not None
        return step

    def sorted_by(self, key: str) -> Read | None:
        """The sort chosen: the same one again reverses it."""
        q = self._query
        descending = not q.descending if key == q.sort else sort_order(key).descending
        self._query = replace(q, sort=key, descending=descending, offset=0)
        return self.reload()

    def next_page(self) -> Read | None:
        if not self.can_page_on:
            return None
        self._query = replace(self._query, offset=self._query.offset + self.page_size)
        return self.reload()

    def prev_page(self, at_end: bool = False) -> Read | None:
        if not self.can_page_back:
            return None
        self._query = replace(self._query, offset=max(0, self._query.offset - self.page_size))
        return self.reload(at_end=at_end)

    def refit(self, rows: int, keep_id: int | None) -> Read | None:
        """The list was resized: a page of ``rows`` from now on (the page read again)."""
        if not self._page_size or rows == self._page_size:
            return None
        self._page_size = rows
        self._query = replace(self._query, offset=self._query.offset - self._query.offset % rows)
        return self.reload(keep_id)

    def refresh(self, keep_id: int | None) -> Read | None:
        """F5: everything read again (cycles and counts too)."""
        self._cycles_known = False
        self._generation += 1
        return self.reload(keep_id)

    # ---------------------------------------------------------------- following the database

    def changed(self) -> None:
        """Reports changed somewhere: the page is read again as soon as it can be (:meth:`catch_up`)."""
        self._generation += 1  # the counts per status may have changed too
        self._behind = True

    def catch_up(self, *, active: bool, choosing: bool) -> Read | Literal["later"] | None:
        """The quiet read of the changes, if they are to be read now: not while a read is under
        way (after it), nor while something is open over the list (on its return), nor while a
        filter's choices are open (LATER: after the choice)."""
        if not self._behind or self._reading is not None or not self.connected or not active:
            return None
        if choosing:
            return LATER
        self._behind = False
        self.live_reloads += 1
        return self._start(PageRead(self.query, quiet=True, count_for=self._need_counts(), with_cycles=True))

    def covered(self, *, by_report: bool) -> None:
        """Something was opened over the list: a report, or a dialog (that changes nothing)."""
        self._under_report = by_report

    def uncovered(self, keep_id: int | None) -> Read | None:
        """The list is back on top. From a report: what was saved, submitted or rejected there
        shows at once (it may have moved a report to another status); from a dialog: the
        changes that came meanwhile, if any (:meth:`catch_up`)."""
        if not self._under_report:
            return None
        self._under_report = self._behind = False
        self._generation += 1
        return self.reload(keep_id)

    # ---------------------------------------------------------------- opening a report

    def enter(self) -> bool:
        """Enter on the list: True to open the highlighted report now (after the keys typed
        before it); False when the page of the query is still to come: the highlighted report
        of that page opens when it is read."""
        if not (self.focus_on_page or self.page_due):
            return True
        if self.opening is Opening.WHEN_CONNECTED:  # that report is not the one asked for now
            self._unannounce()
        self.opening, self._open_id = Opening.WHEN_READ, None
        return False

    def open_highlighted(self, report_id: int | None) -> Step:
        """The report to open (the highlighted one): now, or once the database is open."""
        if report_id is None:
            return Step(
                notices=[
                    Notice("No report is highlighted; change the filters to find one.", severity="warning", timeout=5)
                ]
            )
        if not self.connected:
            self.opening, self._open_id = Opening.WHEN_CONNECTED, report_id
            self.announce(f"Opening report #{report_id} as soon as the database is open…")
            return Step()
        return Step(open_id=report_id)

    def choice_opened(self) -> None:
        """A filter's choices opened: the choice comes first (its page does not take the focus
        back, and an Enter typed before it does not open a report)."""
        self.focus_on_page = False
        if self.opening is Opening.WHEN_READ:
            self.opening = Opening.NONE

    def call_off(self) -> Step:
        """The report still to open is not opened after all (Escape, or the list changed)."""
        step = Step()
        if self.opening is Opening.WHEN_CONNECTED:
            self._unannounce()
            step.notices.append(Notice(f"Report #{self._open_id} will not be opened.", timeout=4))
        self.opening, self._open_id = Opening.NONE, None
        return step
