"""One page of the report list, on the Line API (:class:`widgets.virtual_table.VirtualTable`).
It is fed a page (≤ PAGE_SIZE rows) at a time, never the whole query: the screen pages
through the database.

The columns are sized before any row is drawn: the report number, the status, the total…
from what they can hold, and the partner's name takes the width that is left (at 80 columns
#, Partner, Cycle, Status, Total, Disc and Cmt are in view; the flag, lines, PO and company
move past the right edge rather than the name shrinking below NAME_MIN; # and Partner stay
in place when the others scroll). A new page repaints the rows; the same reports again (a
refresh) repaint only the rows whose text changed, and nothing when nothing visible did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.message import Message

from lmp_tui.domain.money import format_money
from lmp_tui.safetext import display_text
from widgets.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from lmp_tui.services import ReportRow

SHORT_REASON = {
    "auto-no-penalties": "auto",
    "auto-penalties": "auto+pen",
    "manual-submission": "manual",
    "returned-by-vendor": "returned",
}
#: the figures a clerk scans first come first, so that 80 columns show them without scrolling:
#: #, Partner, Cycle, Status, Total, discrepancies and comments (short titles); the
#: auto-submitted flag, lines, PO and company come after them
COLUMNS = (
    Column("id", "#"),
    Column("partner", "Partner", right=False),
    Column("cycle", "Cycle", right=False),
    Column("status", "Status", right=False),
    Column("total", "Total"),
    Column("discrepancies", "Disc"),
    Column("comments", "Cmt"),
    Column("flag", "!", right=False),
    Column("lines", "Lines"),
    Column("po", "PO", right=False),
    Column("company", "Company ID", right=False),
)
#: the partner column is never narrower than this; the columns after it give way first
NAME_MIN = 14
#: the widths the other columns start with, before a page says more (cells, without padding)
#: (the report number's column is as wide as the longest number seen, no wider)
START_WIDTHS = {
    "id": 1,
    "cycle": 7,
    "status": 15,
    "total": 12,
    "flag": 1,
    "discrepancies": 4,
    "comments": 3,
    "lines": 5,
    "po": 8,
    "company": 10,
}
#: which columns, after the partner's, must stay on screen (most first): all, then without
#: PO and company, then up to the comments (80 columns), then only the status and total
_TIERS = (len(COLUMNS), len(COLUMNS) - 2, 7, 5)


def status_text(row: ReportRow) -> str:
    text = row.status.short
    if row.review_reason is not None:
        text += f" ({SHORT_REASON[row.review_reason.value]})"
    return text


def total_text(row: ReportRow) -> str:
    """The total with thousands separators; none while the partner prepares (usage only)."""
    return format_money(row.total, row.currency) if row.status.shows_money else ""


class ReportTable(VirtualTable):
    """Moving down from the last row (or up from the first) asks for the next (previous)
    page, so paging through the database feels like one long list; PgDn and PgUp always
    page through the database (as the help says), never just scroll the page."""

    SEP = 2

    class EdgeReached(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class PageRequested(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class Selected(Message):
        """Enter on a report, or a click on the highlighted one."""

        def __init__(self, report_id: int) -> None:
            super().__init__()
            self.report_id = report_id

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows: list[ReportRow] = []
        self._index: dict[int, int] = {}
        self._longest = NAME_MIN
        self._id_width = START_WIDTHS["id"]
        #: how many times the columns' widths were set (the tests count them)
        self.column_builds = 0
        #: the reports whose rows a refresh of the same page repainted (the tests look)
        self.repainted: list[int] = []

    # ---------------------------------------------------------------- VirtualTable

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def columns(self) -> Sequence[Column]:
        return COLUMNS

    def format_row(self, row: int) -> dict[str, str]:
        r = self._rows[row]
        # partners and staff wrote some of it: control characters made visible
        return {
            "id": str(r.id),
            "partner": display_text(r.partner),
            "cycle": r.cycle,
            "status": status_text(r),
            "total": total_text(r),
            "discrepancies": str(r.discrepancy_count) if r.discrepancy_count else "",
            "comments": str(r.comment_count) if r.comment_count else "",
            "flag": "!" if r.auto_submitted else "",
            "lines": f"{r.line_count:,}",
            "po": display_text(r.po_number or ""),
            "company": display_text(r.company_id[:8]),
        }

    def select_row(self, row: int) -> None:
        self.post_message(self.Selected(self._rows[row].id))

    # ---------------------------------------------------------------- what the screen uses

    @property
    def row_ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def index_of(self, report_id: int) -> int | None:
        return self._index.get(report_id)

    def cell(self, report_id: int, key: str) -> str:
        """The text of a report's cell, by column key."""
        return self._row(self._index[report_id])[key]

    def row_cells(self, report_id: int) -> list[str]:
        """A report's cells as text, in the columns' order."""
        cells = self._row(self._index[report_id])
        return [cells[c.key] for c in COLUMNS]

    @property
    def highlighted_id(self) -> int | None:
        return self._rows[self._cursor].id if self._rows else None

    # ---------------------------------------------------------------- keys

    def action_cursor_down(self) -> None:
        if self._rows and self._cursor == len(self._rows) - 1:
            self.post_message(self.EdgeReached(+1))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self._rows and self._cursor == 0:
            self.post_message(self.EdgeReached(-1))
            return
        super().action_cursor_up()

    def action_page_down(self) -> None:
        self.post_message(self.PageRequested(+1))

    def action_page_up(self) -> None:
        self.post_message(self.PageRequested(-1))

    def on_mount(self) -> None:
        self._set_widths(self._column_widths([]))

    def on_resize(self, event: events.Resize) -> None:
        self._set_widths(self._column_widths(self._rows))
        super().on_resize(event)

    # ---------------------------------------------------------------- widths

    def _available(self) -> int:
        width = self.size.width or self.app.size.width
        return max(40, width - 2)  # the vertical scrollbar's place, whether it shows or not

    def _column_widths(self, rows: list[ReportRow]) -> dict[str, int]:
        widths = dict(START_WIDTHS)
        # the longest report number seen, so that paging does not set the widths again
        self._id_width = widths["id"] = max([self._id_width, *(len(str(r.id)) for r in rows)])
        for r in rows:
            for key, text in (
                ("status", status_text(r)),
                ("total", total_text(r)),
                ("discrepancies", str(r.discrepancy_count)),
                ("comments", str(r.comment_count)),
                ("po", r.po_number or ""),
            ):
                widths[key] = max(widths[key], cell_len(text))
        widths["po"] = min(widths["po"], 35)
        keys = [c.key for c in COLUMNS]
        # the longest name seen, so that paging does not narrow the column (nor set it again)
        self._longest = longest = max([self._longest, *(cell_len(r.partner) for r in rows)])
        # a row is one space, then each cell and SEP spaces (those after the last cell may go)
        rooms = [
            self._available() - 1 - sum(widths[k] + self.SEP for k in keys[:tier] if k != "partner") for tier in _TIERS
        ]
        # the whole name with every figure column; else the figures a clerk scans with as much
        # of the name as is left (down to the comments' column: 80 columns); below NAME_MIN,
        # only the status and total beside the name (as wide as the longest name, no wider,
        # so that the columns after it stay in view)
        if rooms[0] >= longest:
            name = rooms[0]
        else:
            name = min(longest, next((room for room in rooms[1:-1] if room >= NAME_MIN), rooms[-1]))
        widths["partner"] = max(NAME_MIN, name)
        return widths

    def _set_widths(self, widths: dict[str, int]) -> bool:
        if widths == self._widths:
            return False
        self._widths = widths
        self.column_builds += 1
        self._resized()
        self.refresh()
        return True

    # ---------------------------------------------------------------- pages

    def show_page(self, rows: list[ReportRow], keep_id: int | None = None, at_end: bool = False) -> None:
        """Show a page. The cursor goes to ``keep_id`` (or stays on its row when that report
        left the page), or to the last row ``at_end``, else to the first. The same reports in
        the same order are updated in place, and only the rows whose text changed are
        repainted: a refresh that changed nothing visible repaints nothing, and the view
        does not move."""
        row_before = self._cursor
        same = [r.id for r in rows] == [r.id for r in self._rows]
        old = [self._row(i) for i in range(len(self._rows))] if same else []
        self._rows = list(rows)
        self._index = {r.id: i for i, r in enumerate(rows)}
        self.repainted = []
        resized = self._set_widths(self._column_widths(rows))
        if same:
            for i, before in enumerate(old):
                self._cache[i] = after = self.format_row(i)
                if after != before and not resized:
                    self.repainted.append(rows[i].id)
                    self._refresh_row(i)
        else:
            self._cache.clear()
            self._resized()
            self.refresh()
        if at_end and rows:
            target = len(rows) - 1
        elif keep_id is not None:
            found = self._index.get(keep_id)
            target = found if found is not None else min(row_before, len(rows) - 1)
        else:
            target = row_before if same else 0
        if not same:
            self._cursor = -1  # a new page: the cursor's row is painted whatever its number
            if target <= 0:
                self.scroll_to(y=0, animate=False)
        self.move_cursor(row=max(0, target))
