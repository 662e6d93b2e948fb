"""One page of the report list. It is fed a page (≤ a few hundred rows) at a time, never
the whole query: the screen pages through the database."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from lmp_tui.money import format_money
from lmp_tui.services import ReportRow
from widgets.plain_text import plain
from widgets.table_fill import fill_table

SHORT_REASON = {
    "auto-no-penalties": "auto",
    "auto-penalties": "auto+penalty",
    "manual-submission": "manual",
    "returned-by-vendor": "returned",
}
#: the figures a clerk scans first come first, so that 80 columns show them without scrolling
COLUMNS = (
    ("partner", "Partner"), ("cycle", "Cycle"), ("status", "Status"), ("total", "Total"), ("flag", "!"),
    ("discrepancies", "Disc."), ("comments", "Cmt."), ("lines", "Lines"), ("po", "PO"), ("company", "Company ID"),
)


def status_text(row: ReportRow) -> str:
    text = row.status.short
    if row.review_reason is not None:
        text += f" ({SHORT_REASON[row.review_reason.value]})"
    return text


class ReportTable(DataTable[object]):
    """Moving down from the last row (or up from the first) asks for the next (previous)
    page, so paging through the database feels like one long list."""

    DEFAULT_CSS = """
    ReportTable { height: 1fr; }
    """

    class EdgeReached(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._shown: list[tuple[str, list[Text]]] = []  # what the table holds, cell by cell

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show_page(self, rows: list[ReportRow], keep_id: int | None = None, at_end: bool = False) -> None:
        """Show a page. The cursor goes to ``keep_id`` (or stays on its row when that report
        left the page), or to the last row ``at_end``. The same reports in the same order are
        updated in place, cell by cell, and only where they changed: a refresh that changed
        nothing visible repaints nothing, and the view does not move."""
        width = max([len("Total"), *(len(format_money(r.total, r.currency)) for r in rows)])

        def cells(r: ReportRow) -> list[Text]:  # every cell plain text: partners and staff wrote some of it
            return [
                plain(r.partner[:22]),
                plain(r.cycle),
                plain(status_text(r)),
                plain(format_money(r.total, r.currency).rjust(width)),
                plain("!" if r.auto_submitted else ""),
                plain((str(r.discrepancy_count) if r.discrepancy_count else "").rjust(5)),
                plain((str(r.comment_count) if r.comment_count else "").rjust(4)),
                plain(str(r.line_count).rjust(5)),
                plain(r.po_number or ""),
                plain(r.company_id[:8]),
            ]

        table = [(str(r.id), cells(r)) for r in rows]
        row_before = self.cursor_row
        if not self._update_in_place(table):
            fill_table(self, COLUMNS, table)
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
        for i, col in enumerate(self.columns.values()):  # a wider cell needs the columns measured again
            if any(cells[i].cell_len > col.width for _, cells in table):
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
