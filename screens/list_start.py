"""The report list before the database stack is up, for
:class:`screens.report_list.ReportListScreen` (which mixes this in): the first page read
beside the start (:mod:`lmp_tui.startup.prefetch`), a status filter's page read by that page's
statements meanwhile (:class:`lmp_tui.startup.quickread.EarlyReader`), the lines of progress, and the
services taking over once the app's first worker has signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from widgets.plain_text import plain
from widgets.report_table import ReportTable

if TYPE_CHECKING:
    from lmp_tui.startup.prefetch import FirstPage
    from lmp_tui.services import BillingService, StaffUserView


class ListStart:
    """Needs of the screen: ``service``, ``user``, ``_early``, ``total_count``,
    ``_generation``, ``_page_size``, ``_summary_text``, ``list_query``, ``reload``,
    ``_title``, ``_counts_for``, ``PageLoaded``."""

    def attach(self, service: BillingService, user: StaffUserView) -> None:
        """The database is open and the user signed in (the app's first worker): read the list
        (again, if the first page came from the start's child: counted again too, and the
        cursor kept on its report)."""
        self.service, self.user, self._early = service, user, None
        self.query_one("#title", Static).update(self._title())
        if self.total_count:
            self._generation += 1
        self.reload(keep_id=self.query_one(ReportTable).highlighted_id)

    def show_first(self, first: FirstPage) -> None:
        """The first page, read beside the start (:mod:`lmp_tui.startup.prefetch`) while the database
        stack loads here; ignored when the list's query is no longer that one."""
        if not self._page_size:
            self._page_size = first.fields["limit"]
        if self.service is not None or self.list_query != first.fields:
            return
        self.user = first.user
        self._early = first.reader()
        self.query_one("#title", Static).update(self._title())
        self.on_report_list_screen_page_loaded(self.PageLoaded(
            first.page, first.counts, self._counts_for(), first.cycles, None, False, fields=first.fields))

    def announce(self, text: str) -> None:
        """A line of progress while the database is being opened (e.g. the demo being made)."""
        if not self._announced:
            self._before_announced = self._summary_text
        self._announced = True
        self._summary_text = text
        self.query_one("#summary", Static).update(plain(text), layout=False)

    _announced = False
    _before_announced = ""

    def unannounce(self) -> None:
        """The summary line as it was before the lines of progress."""
        if self._announced:
            self._announced, self._summary_text = False, self._before_announced
            self.query_one("#summary", Static).update(plain(self._summary_text), layout=False)

    def _early_answers(self) -> bool:
        """Whether the list's query can be read before the services are up (a status)."""
        return self._early is not None and self._early.answers(self.list_query)

    @work(thread=True, exclusive=True, group="report-list")
    def _load_early(self, fields: dict[str, Any], keep_id: int | None) -> None:
        """A status filter's page while the database stack loads (:meth:`reload`); when it
        cannot be read so, the services read it once they are up (:meth:`attach`)."""
        assert self._early is not None
        try:
            page = self._early.status_page(fields)
        except Exception:  # noqa: BLE001 - the services' own read says what is wrong, if anything
            page = None
        if get_current_worker().is_cancelled:
            return
        if page is None:
            self.app.call_from_thread(setattr, self, "_loading", False)
            return
        self.post_message(self.PageLoaded(page, None, None, None, keep_id, False, fields=fields))
