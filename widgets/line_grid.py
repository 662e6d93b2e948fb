"""The billing report's line items, every field of docs/guide.md, as a virtual grid on Textual's
Line API (:class:`widgets.virtual_table.VirtualTable`): only the rows on screen are formatted
(:meth:`LineGrid.format_row`, cached per row), the column widths are measured from the data off
the interface's thread (by the worker that read the report; for an edit of many lines, those on
screen at once and the others in a worker) and grow only when a value no longer fits; an edit
repaints only the rows whose line changed (the draft keeps an unchanged line the very same
object), a cursor move the two rows it leaves and enters, a vertical scroll the rows of lines
(not the titles or scrollbars).

At 80 columns #, Name (shortened), Provisioned, Used, Over %, Chargeable and Subtotal
show without scrolling; Units, Unit Price, Margin % and Code follow to the right (←/→
scroll them), # and Name stay in place. Chargeable carries a discrepancy as a mark and a
style (``!``, bold reverse in the warning colour) and a partner comment as ``†``; the field
a code opened is marked ``✎``: readable in 16 colours and without colour. While the partner
prepares the report (usage only) the price, margin, code and subtotal columns are absent.
Every cell is plain text (names, units and codes come from partners and staff); the cells'
text and the columns' widths are computed in :mod:`widgets.line_cells`."""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from textual import work
from textual.message import Message

from lmp_tui.domain.model import Line, Report
from widgets import line_cells
from widgets.line_cells import FROZEN, NAME_MAX, NAME_MIN, SCROLLING, cell_texts, measure_widths
from widgets.virtual_table import Column, VirtualTable

#: more changed lines than this are measured in a worker (those on screen at once)
SYNC_MEASURE = 64


class LineGrid(VirtualTable):
    DEFAULT_CSS = """
    LineGrid > .line-grid--discrepancy { color: $warning; text-style: bold reverse; }
    """
    COMPONENT_CLASSES = VirtualTable.COMPONENT_CLASSES | {"line-grid--discrepancy"}

    class Selected(Message):
        """Enter on a line."""

        def __init__(self, grid: LineGrid, row: int, line_no: int | None) -> None:
            super().__init__()
            self.grid, self.row, self.line_no = grid, row, line_no

        @property
        def control(self) -> LineGrid:
            return self.grid

    def __init__(
        self,
        *,
        on_move: Callable[[], None] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """``on_move`` is called as soon as the cursor moves to another line, so what it
        repaints goes out in the same frame as the two rows."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._on_move = on_move
        self._lines: list[Line] = []
        self._currency = ""
        self._usage_only = False
        self._widths = measure_widths([], "", False)

    # ---------------------------------------------------------------- what the screen uses

    @property
    def row_count(self) -> int:
        return len(self._lines)

    @property
    def line_no(self) -> int | None:
        return self._lines[self._cursor].line_no if self._lines else None

    def columns(self) -> tuple[Column, ...]:
        """The columns shown, in order (the money columns are absent in usage only)."""
        return FROZEN + tuple(c for c in SCROLLING if not (c.money and self._usage_only))

    @property
    def column_widths(self) -> dict[str, int]:
        """Each column's measured width, by key (Name is shown narrower when room is short)."""
        return dict(self._widths)

    def show(self, report: Report, *, widths: dict[str, int] | None = None) -> None:
        """Show the report's lines. Lines that are the same objects as before are not
        formatted again; only the rows whose line changed are repainted.

        ``widths``: the columns' widths measured for exactly these lines (by
        :func:`measure_widths`, in a worker). Without them, the lines on screen are measured
        now and the others in a worker thread; a column widens when that finds a wider value
        (columns only ever widen, as for an edited value that no longer fits)."""
        old, new, usage_only = self._lines, report.lines, not report.status.shows_money
        whole = (
            usage_only != self._usage_only
            or report.currency != self._currency
            or len(old) != len(new)
            or any(a.line_no != b.line_no for a, b in zip(old[:1], new[:1], strict=True))
        )
        changed = (
            list(range(len(new))) if whole else [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a is not b]
        )
        self._lines, self._currency, self._usage_only = list(new), report.currency, usage_only
        before = self._widths
        if whole:
            self._widths = measure_widths([], report.currency, usage_only)
        if widths is not None:
            self._widths = {key: max(n, self._widths.get(key, 0)) for key, n in widths.items()}
        elif len(changed) > SYNC_MEASURE:  # the rows on screen now, the rest in a worker
            top = int(self.scroll_offset.y)
            end = top + max(self._visible_rows(), 24)
            self._grow([new[i] for i in changed if top <= i < end])
            # after the paint: the worker's thread would compete with it for the interpreter
            self.call_after_refresh(
                self._measure_later, self._lines, [new[i] for i in changed], report.currency, usage_only
            )
        else:
            self._grow([new[i] for i in changed])
        grew = self._widths != before
        if whole or len(changed) * 4 > len(new):
            self._cache.clear()
            self._resized()
            self.refresh()
        else:
            for i in changed:
                self._cache.pop(i, None)
            if grew:
                self._resized()
                self.refresh()
            else:
                for i in changed:
                    self._refresh_row(i)
        if self._cursor >= len(new):
            self.move_cursor(row=max(0, len(new) - 1))

    class Measured(Message):
        """The worker's widths of these lines (private to the grid)."""

        def __init__(self, lines: list[Line], widths: dict[str, int]) -> None:
            super().__init__()
            self.lines, self.widths = lines, widths

    # a description of its own: Textual's default is the repr of the arguments, 2,000 lines
    # twice (~30 ms on the interface's thread, in the middle of a Reset)
    @work(thread=True, exclusive=True, group="line-grid-widths", description="measure the columns")
    def _measure_later(self, lines: list[Line], todo: list[Line], currency: str, usage_only: bool) -> None:
        self.post_message(self.Measured(lines, measure_widths(todo, currency, usage_only)))

    def on_line_grid_measured(self, msg: Measured) -> None:
        msg.stop()
        if msg.lines is not self._lines:  # other lines meanwhile (an edit): measure those instead
            self._measure_later(self._lines, self._lines, self._currency, self._usage_only)
            return
        before = dict(self._widths)
        for key, n in msg.widths.items():
            self._widths[key] = max(self._widths.get(key, 0), n)
        if self._widths != before:  # the cached cells are text, cut to width when painted: kept
            self._resized()
            self.refresh()

    def cursor_moved(self, old: int, new: int) -> None:
        if self._on_move is not None:
            self._on_move()

    def select_row(self, row: int) -> None:
        self.post_message(self.Selected(self, row, self.line_no))

    # ---------------------------------------------------------------- formatting

    def format_row(self, row: int) -> dict[str, str]:
        """Format one row (only rows on screen are asked for; the result is cached)."""
        return cell_texts(self._lines[row], self._currency, self._usage_only)

    def cell_style(self, row: int, key: str) -> Style | None:
        """A discrepancy: Chargeable in the warning colour, bold and reversed."""
        if key == "charge" and self._lines[row].discrepancy:
            return self.get_component_rich_style("line-grid--discrepancy", partial=True)
        return None

    def _grow(self, lines: list[Line]) -> None:
        """Widen the columns an edited value no longer fits."""
        self._widths = dict(self._widths)  # a new dict: the old one tells what grew
        line_cells.widen(self._widths, lines, self._currency, self._usage_only)

    # ---------------------------------------------------------------- layout

    def _name_width(self) -> int:
        """Name gets what the other columns of the first screen leave (within bounds)."""
        first = [c for c in SCROLLING[:5] if not (c.money and self._usage_only)]
        rest = 1 + self._widths.get("no", 1) + 1 + 1 + sum(self._widths.get(c.key, 0) + 1 for c in first)
        room = (self.scrollable_content_region.width or 78) - rest
        return max(NAME_MIN, min(self._widths.get("name", NAME_MIN), NAME_MAX, room))

    def paint_widths(self) -> dict[str, int]:
        return dict(self._widths, name=self._name_width())
