"""One page of the report list. It is fed a page (≤ a few hundred rows) at a time, never
the whole query: the screen pages through the database.

The columns are made once and sized before any row is drawn: the report number, the
status, the total… from what they can hold, and the partner's name takes the width that
is left (at 80 columns #, Partner, Cycle, Status, Total, Disc and Cmt are in view; the
flag, lines, PO and company move past the right edge rather than the name shrinking below
NAME_MIN). A page replaces the rows only; the columns are made again only
when their widths change (a wider total, the terminal resized)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from lmp_tui.domain import Status
from lmp_tui.money import format_money
from widgets.plain_text import plain

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
    ("id", "#"), ("partner", "Partner"), ("cycle", "Cycle"), ("status", "Status"), ("total", "Total"),
    ("discrepancies", "Disc"), ("comments", "Cmt"), ("flag", "!"), ("lines", "Lines"), ("po", "PO"),
    ("company", "Company ID"),
)
PARTNER = 1
#: the partner column is never narrower than this; the columns after it give way first
NAME_MIN = 14
#: the widths the other columns start with, before a page says more (cells, without padding)
#: (the report number's column is as wide as the longest number seen, no wider)
START_WIDTHS = {"id": 1, "cycle": 7, "status": 15, "total": 12, "flag": 1, "discrepancies": 4, "comments": 3,
                "lines": 5, "po": 8, "company": 10}
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
    return "" if row.status is Status.MSP_PREPARING else format_money(row.total, row.currency)


def shorten(text: str, width: int) -> str:
    return text if cell_len(text) <= width else text[: max(0, width - 1)] + "…"


class ReportTable(DataTable[object]):
    """Moving down from the last row (or up from the first) asks for the next (previous)
    page, so paging through the database feels like one long list; PgDn and PgUp always
    page through the database (as the help says), never just scroll the page."""

    DEFAULT_CSS = """
    ReportTable { height: 1fr; }
    """

    class EdgeReached(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class PageRequested(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._rows: list[ReportRow] = []
        self._shown: list[tuple[str, list[Text]]] = []  # what the table holds, cell by cell
        self._widths: dict[str, int] = {}
        self._longest = NAME_MIN
        self._id_width = START_WIDTHS["id"]
        #: how many times the columns were made (the tests count them)
        self.column_builds = 0

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row == self.row_count - 1:
            self.post_message(self.EdgeReached(+1))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row == 0:
            self.post_message(self.EdgeReached(-1))
            return
        super().action_cursor_up()

    def action_page_down(self) -> None:
        self.post_message(self.PageRequested(+1))

    def action_page_up(self) -> None:
        self.post_message(self.PageRequested(-1))

    def on_mount(self) -> None:
        self._build_columns(self._column_widths([]))

    def on_resize(self, event: events.Resize) -> None:
        widths = self._column_widths(self._rows)
        if widths != self._widths:
            self._show(self._rows, widths, keep_cursor=True)

    # ---------------------------------------------------------------- widths

    def _available(self) -> int:
        width = self.size.width or self.app.size.width
        return max(40, width - 2)  # the vertical scrollbar's place, whether it shows or not

    def _column_widths(self, rows: list[ReportRow]) -> dict[str, int]:
        widths = dict(START_WIDTHS)
        # the longest report number seen, so that paging does not make the columns again
        self._id_width = widths["id"] = max([self._id_width, *(len(str(r.id)) for r in rows)])
        for r in rows:
            for key, text in (("status", status_text(r)), ("total", total_text(r)),
                              ("discrepancies", str(r.discrepancy_count)), ("comments", str(r.comment_count)),
                              ("po", r.po_number or "")):
                widths[key] = max(widths[key], cell_len(text))
        widths["po"] = min(widths["po"], 35)
        keys = [k for k, _ in COLUMNS]
        pad = 2 * self.cell_padding
        # the longest name seen, so that paging does not narrow the column (nor make it again)
        self._longest = longest = max([self._longest, *(cell_len(r.partner) for r in rows)])
        rooms = [self._available() - pad - sum(widths[k] + pad for k in keys[:tier] if k != "partner")
                 for tier in _TIERS]
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

    def _build_columns(self, widths: dict[str, int]) -> None:
        self.clear(columns=True)
        for key, title in COLUMNS:
            self.add_column(title, key=key, width=widths[key])
        self._widths = widths
        self.column_builds += 1

    # ---------------------------------------------------------------- pages

    def _cells(self, r: ReportRow, widths: dict[str, int]) -> list[Text]:
        # every cell plain text: partners and staff wrote some of it
        return [
            plain(str(r.id).rjust(widths["id"])),
            plain(shorten(r.partner, widths["partner"])),
            plain(r.cycle),
            plain(status_text(r)),
            plain(total_text(r).rjust(widths["total"])),
            plain((str(r.discrepancy_count) if r.discrepancy_count else "").rjust(widths["discrepancies"])),
            plain((str(r.comment_count) if r.comment_count else "").rjust(widths["comments"])),
            plain("!" if r.auto_submitted else ""),
            plain(f"{r.line_count:,}".rjust(5)),
            plain(shorten(r.po_number or "", widths["po"])),
            plain(r.company_id[:8]),
        ]

    def show_page(self, rows: list[ReportRow], keep_id: int | None = None, at_end: bool = False) -> None:
        """Show a page. The cursor goes to ``keep_id`` (or stays on its row when that report
        left the page), or to the last row ``at_end``. The same reports in the same order are
        updated in place, cell by cell, and only where they changed: a refresh that changed
        nothing visible repaints nothing, and the view does not move."""
        self._show(rows, self._column_widths(rows), keep_id=keep_id, at_end=at_end)

    def _show(self, rows: list[ReportRow], widths: dict[str, int], *, keep_id: int | None = None,
              at_end: bool = False, keep_cursor: bool = False) -> None:
        if keep_cursor:
            keep_id = self.highlighted_id
        table = [(str(r.id), self._cells(r, widths)) for r in rows]
        row_before = self.cursor_row
        self._rows = list(rows)
        if widths != self._widths:
            self._build_columns(widths)
            self._shown = []
        if not self._update_in_place(table):
            self.clear()
            for key, cells in table:
                self.add_row(*cells, key=key)
        self._shown = table
        if at_end and self.row_count:
            self.move_cursor(row=self.row_count - 1)
        elif keep_id is not None:
            try:
                index = self.get_row_index(str(keep_id))
            except Exception:  # the report left the page: the cursor stays where it was
                index = min(row_before, self.row_count - 1)
            if self.row_count and index != self.cursor_row:
                self.move_cursor(row=index)

    def _update_in_place(self, table: list[tuple[str, list[Text]]]) -> bool:
        if [k for k, _ in table] != [k for k, _ in self._shown] or self.row_count != len(table):
            return False
        for (key, old), (_, new) in zip(self._shown, table):
            for (column_key, _), before, after in zip(COLUMNS, old, new):
                if before.plain != after.plain:
                    self.update_cell(key, column_key, after)
        return True

    @property
    def highlighted_id(self) -> int | None:
        return highlighted_key(self)


def highlighted_key(table: DataTable[object]) -> int | None:
    """The integer row key under the cursor (report number, line number), or None."""
    if not table.row_count:
        return None
    key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    return int(key.value) if key.value is not None else None
