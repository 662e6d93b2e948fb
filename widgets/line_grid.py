"""The billing report's line items, every field of DOMAIN.md, as a virtual grid on Textual's
Line API: only the rows on screen are formatted (:meth:`LineGrid.format_row`, cached per
row), the column widths are measured from the data off the interface's thread (by the worker
that read the report; for an edit of many lines, those on screen at once and the others in a
worker) and grow only when a value no longer fits; an edit repaints only the rows whose line
changed (the draft keeps an unchanged line the very same object), a cursor move the two rows
it leaves and enters, a vertical scroll the rows of lines (not the titles or scrollbars).

At 80 columns #, Name (shortened), Provisioned, Used, Over %, Chargeable and Subtotal
show without scrolling; Units, Unit Price, Margin % and Code follow to the right (←/→
scroll them), # and Name stay in place. Chargeable carries a discrepancy as a mark and a
style (``!``, bold reverse in the warning colour) and a partner comment as ``†``; the field
a code opened is marked ``✎``: readable in 16 colours and without colour. While the partner
prepares the report (usage only) the price, margin, code and subtotal columns are absent.
Every cell is plain text (names, units and codes come from partners and staff); the cells'
text and the columns' widths are computed in :mod:`widgets.line_cells`."""

from __future__ import annotations

from typing import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lmp_tui.domain import Line, Report
from widgets import line_cells
from widgets.line_cells import FROZEN, NAME_MAX, NAME_MIN, SCROLLING, Column, RowCells, cell_texts, measure_widths


#: more changed lines than this are measured in a worker (those on screen at once)
SYNC_MEASURE = 64


class LineGrid(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineGrid {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus { background-tint: $foreground 5%; }
        & > .line-grid--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .line-grid--header { background: ansi_bright_blue; color: ansi_default; }
        & > .line-grid--odd-row { }
        & > .line-grid--even-row { background: $surface-lighten-1 50%; }
        &:dark > .line-grid--even-row { background: $surface-darken-1 40%; }
        & > .line-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .line-grid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .line-grid--discrepancy { color: $warning; text-style: bold reverse; }
    }
    """
    COMPONENT_CLASSES = {"line-grid--header", "line-grid--odd-row", "line-grid--even-row", "line-grid--cursor",
                         "line-grid--discrepancy"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First line", show=False),
        Binding("end", "last", "Last line", show=False),
        Binding("left", "scroll_columns(-1)", "Scroll left", show=False),
        Binding("right", "scroll_columns(1)", "Scroll right", show=False),
        Binding("enter", "select", "Edit", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another line."""

        def __init__(self, grid: "LineGrid", row: int, line_no: int | None) -> None:
            super().__init__()
            self.grid, self.row, self.line_no = grid, row, line_no

        @property
        def control(self) -> "LineGrid":
            return self.grid

    class Selected(Message):
        """Enter on a line."""

        def __init__(self, grid: "LineGrid", row: int, line_no: int | None) -> None:
            super().__init__()
            self.grid, self.row, self.line_no = grid, row, line_no

        @property
        def control(self) -> "LineGrid":
            return self.grid

    def __init__(self, *, on_move: Callable[[], None] | None = None, **kwargs: object) -> None:
        """``on_move`` is called as soon as the cursor moves to another line (before the
        Highlighted message), so what it repaints goes out in the same frame as the two rows."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_move = on_move
        self._lines: list[Line] = []
        self._currency = ""
        self._usage_only = False
        self._cache: dict[int, RowCells] = {}
        self._widths: dict[str, int] = measure_widths([], "", False)
        self._cursor = 0

    # ---------------------------------------------------------------- what the screen uses

    @property
    def row_count(self) -> int:
        return len(self._lines)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def line_no(self) -> int | None:
        return self._lines[self._cursor].line_no if self._lines else None

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown, in order (the money columns are absent in usage only)."""
        return FROZEN + tuple(c for c in SCROLLING if not (c.money and self._usage_only))

    @property
    def column_widths(self) -> dict[str, int]:
        """Each column's measured width, by key (Name is shown narrower when room is short)."""
        return dict(self._widths)

    def cells(self, row: int) -> dict[str, str]:
        """A row's cells as text, by column key (what the row shows, before cutting to width)."""
        return dict(self._row(row).texts)

    def show(self, report: Report, *, usage_only: bool, widths: dict[str, int] | None = None) -> None:
        """Show the report's lines. Lines that are the same objects as before are not
        formatted again; only the rows whose line changed are repainted.

        ``widths``: the columns' widths measured for exactly these lines (by
        :func:`measure_widths`, in a worker). Without them, the lines on screen are measured
        now and the others in a worker thread; a column widens when that finds a wider value
        (columns only ever widen, as for an edited value that no longer fits)."""
        old, new = self._lines, report.lines
        whole = (usage_only != self._usage_only or report.currency != self._currency or len(old) != len(new)
                 or any(a.line_no != b.line_no for a, b in zip(old[:1], new[:1])))
        changed = list(range(len(new))) if whole else [i for i, (a, b) in enumerate(zip(old, new)) if a is not b]
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
            self.call_after_refresh(self._measure_later, self._lines, [new[i] for i in changed], report.currency,
                                    usage_only)
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

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        if not self._lines:
            self._cursor = 0
            return
        row = max(0, min(row, len(self._lines) - 1))
        old, self._cursor = self._cursor, row
        if scroll:
            self._scroll_to_cursor()
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)
            if self._on_move is not None:
                self._on_move()
            self.post_message(self.Highlighted(self, row, self.line_no))

    # ---------------------------------------------------------------- formatting

    def format_row(self, row: int) -> RowCells:
        """Format one row (only rows on screen are asked for; the result is cached)."""
        ln = self._lines[row]
        return RowCells(cell_texts(ln, self._currency, self._usage_only), ln.discrepancy)

    def _row(self, row: int) -> RowCells:
        cells = self._cache.get(row)
        if cells is None:
            cells = self._cache[row] = self.format_row(row)
        return cells

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

    def _frozen_width(self) -> int:
        return 1 + self._widths.get("no", 1) + 1 + self._name_width() + 1

    def _scrolling(self) -> list[Column]:
        return [c for c in SCROLLING if not (c.money and self._usage_only)]

    def _scroll_width(self) -> int:
        return sum(self._widths.get(c.key, 0) + 1 for c in self._scrolling())

    def _resized(self) -> None:
        self.virtual_size = Size(self._frozen_width() + self._scroll_width(), len(self._lines) + 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled up or down: repaint the rows of lines only (ScrollView repaints the whole
        widget: the column titles and the horizontal scrollbar too, which did not change)."""
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(Region(0, 1, self.scrollable_content_region.width, self._visible_rows()))

    def on_resize(self, event: events.Resize) -> None:
        self._resized()
        self._scroll_to_cursor()

    # ---------------------------------------------------------------- painting

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.get_component_rich_style("line-grid--header")
            return self._strip({c.key: c.title for c in FROZEN + SCROLLING}, style, None, width)
        row = int(self.scroll_offset.y) + y - 1
        if row >= len(self._lines) or y > self._visible_rows():  # none, or under the scrollbar
            return Strip.blank(width, self.rich_style)
        style = self.get_component_rich_style("line-grid--odd-row" if row % 2 else "line-grid--even-row")
        if row == self._cursor:
            style += self.get_component_rich_style("line-grid--cursor")
        cells = self._row(row)
        flag = self.get_component_rich_style("line-grid--discrepancy", partial=True) if cells.discrepancy else None
        return self._strip(cells.texts, style, flag, width)

    def _strip(self, texts: dict[str, str], style: Style, flag: Style | None, width: int) -> Strip:
        widths = dict(self._widths, name=self._name_width())

        def cell(col: Column) -> str:
            text, w = texts.get(col.key, ""), widths[col.key]
            if cell_len(text) > w:  # only Name is ever narrower than its values
                return set_cell_size(text, w - 1) + "…"
            return text.rjust(w) if col.right else set_cell_size(text, w)

        frozen = [Segment(" " + cell(FROZEN[0]) + " " + cell(FROZEN[1]) + " ", style)]
        moving: list[Segment] = []
        for col in self._scrolling():
            moving.append(Segment(cell(col), style + flag if flag is not None and col.key == "charge" else style))
            moving.append(Segment(" ", style))
        left = self._frozen_width()
        scroll_x = int(self.scroll_offset.x)
        out = Strip.join([Strip(frozen, left), Strip(moving).crop(scroll_x, scroll_x + max(0, width - left))])
        # cells of one style as one segment: each segment costs its style's escape codes on the wire
        return Strip(Segment.simplify(out.adjust_cell_length(width, style)), width)

    # ---------------------------------------------------------------- keys and mouse

    def _scroll_to_cursor(self) -> None:
        top, rows = int(self.scroll_offset.y), self._visible_rows()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._visible_rows())

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._lines) - 1)

    def action_scroll_columns(self, step: int) -> None:
        """Scroll right or left by one column (# and Name stay)."""
        starts, x = [0], 0
        for col in self._scrolling():
            x += self._widths[col.key] + 1
            starts.append(x)
        now = int(self.scroll_offset.x)
        if step > 0:
            target = next((s for s in starts if s > now), now)
        else:
            target = next((s for s in reversed(starts) if s < now), 0)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False)

    def action_select(self) -> None:
        if self._lines:
            self.post_message(self.Selected(self, self._cursor, self.line_no))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1 and self._lines:
            self.move_cursor(row=int(self.scroll_offset.y) + event.y - 1)
