"""Opening a report from the list, for :class:`screens.report_list.ReportListScreen` (which
mixes this in): Enter opens the highlighted report after the moves typed before it (one
burst over SSH: :mod:`widgets.in_turn`); while the page shown is not yet the one of the
list's query (no page yet, a filter, find or sort being read) it waits for that page; a
report asked for before the database was open is opened once it is, unless Escape or a
change of the list calls it off."""

from __future__ import annotations

from widgets.in_turn import in_turn
from widgets.report_table import ReportTable


class ListOpening:
    """Needs of the screen: ``_focus_list``, ``_open_when_read``, ``_shown_query``,
    ``list_query``, ``unannounce``, ``notify``, ``app``, ``query_one``."""

    def action_open_report(self) -> None:
        if self._focus_list or self._page_due():  # typed ahead: the page of the query is being read
            self._open_when_read = True
            return
        # Enter runs as it arrives (a priority key); the moves typed before it (↓ ↓ ⏎ in one
        # burst) are still on their way: the report is the one highlighted after them
        in_turn(self.query_one(ReportTable), self._open_highlighted)

    def _open_highlighted(self) -> None:
        report_id = self.query_one(ReportTable).highlighted_id
        if report_id is None:
            self.notify("No report is highlighted; change the filters to find one.", severity="warning")
            return
        self.app.open_report(report_id)  # type: ignore[attr-defined]

    def _page_due(self) -> bool:
        """Whether the page shown is not (yet) the one of the list's query."""
        return self._shown_query != self.list_query

    def _opening_due(self) -> bool:
        return self._open_when_read or self.app.open_report_id is not None  # type: ignore[attr-defined]

    def _call_off_opening(self) -> None:
        """The report Enter asked for is not opened after all (Escape, or the list changed)."""
        self._open_when_read = False
        called_off = self.app.call_off_opening()  # type: ignore[attr-defined]
        if called_off is not None:
            self.unannounce()
            self.notify(f"Report #{called_off} will not be opened.", timeout=4)
