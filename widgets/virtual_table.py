"""A table on Textual's Line API: a row of column titles, then rows, of which only those on
screen are formatted (as plain text, cached per row) and painted. The first ``FROZEN``
columns stay in place when the others scroll right (←/→ by a column); a cursor row moves
with ↑/↓ (a move repaints the two rows it leaves and enters, a vertical scroll the rows,
never the titles or the scrollbars).

A subclass says what the rows are (:attr:`row_count`, :meth:`format_row`, the columns and
their widths) and may style a cell (:meth:`cell_style`); every text is shown as it is, never
as markup (the subclass makes control characters visible: text from partners and staff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    right: bool = True  # numbers line up on the right
    money: bool = False  # absent while the partner prepares a report (usage only)


class VirtualTable(ScrollView, can_focus=True):
    #: the leading columns that stay in place when the table scrolls right
    FROZEN: ClassVar[int] = 2
    #: the spaces between two cells (one before the first)
    SEP: ClassVar[int] = 1

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus { background-tint: $foreground 5%; }
        & > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .virtual-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .virtual-table--odd-row { }
        & > .virtual-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .virtual-table--even-row { background: $surface-darken-1 40%; }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--odd-row",
        "virtual-table--even-row",
        "virtual-table--cursor",
    }
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
        Binding("left", "scroll_columns(-1)", "Scroll left", show=False),
        Binding("right", "scroll_columns(1)", "Scroll right", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._cache: dict[int, dict[str, str]] = {}
        self._widths: dict[str, int] = {}
        self._cursor = 0

    # ---------------------------------------------------------------- what a subclass says

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def columns(self) -> Sequence[Column]:
        """The columns shown, in order (the first FROZEN stay in place)."""
        raise NotImplementedError

    def format_row(self, row: int) -> dict[str, str]:
        """One row's cells as text, by column key (asked only for rows on screen; cached)."""
        raise NotImplementedError

    def cell_style(self, row: int, key: str) -> Style | None:
        """A style added to one cell (e.g. a discrepancy's highlight), or None."""
        return None

    def paint_widths(self) -> dict[str, int]:
        """The widths the columns are painted at (a subclass may narrow one to fit)."""
        return self._widths

    def cursor_moved(self, old: int, new: int) -> None:
        """The cursor moved to another row (its two rows are repainted already)."""

    def select_row(self, row: int) -> None:
        """Enter on a row, or a click on the highlighted one."""

    # ---------------------------------------------------------------- rows and cursor

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def cells(self, row: int) -> dict[str, str]:
        """A row's cells as text, by column key (what the row shows, before cutting to width)."""
        return dict(self._row(row))

    def _row(self, row: int) -> dict[str, str]:
        cells = self._cache.get(row)
        if cells is None:
            cells = self._cache[row] = self.format_row(row)
        return cells

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        count = self.row_count
        if not count:
            self._cursor = 0
            return
        row = max(0, min(row, count - 1))
        old, self._cursor = self._cursor, row
        if scroll:
            self._scroll_to_cursor()
        if old != row:
            self._refresh_row(old)
            self._refresh_row(row)
            self.cursor_moved(old, row)

    def _scroll_to_cursor(self) -> None:
        top, rows = int(self.scroll_offset.y), self._visible_rows()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False)

    # ---------------------------------------------------------------- layout

    def _frozen(self) -> Sequence[Column]:
        return self.columns()[: self.FROZEN]

    def _scrolling(self) -> Sequence[Column]:
        return self.columns()[self.FROZEN :]

    def _frozen_width(self, widths: dict[str, int] | None = None) -> int:
        widths = widths or self.paint_widths()
        return 1 + sum(widths.get(c.key, 0) + self.SEP for c in self._frozen())

    def _scroll_width(self) -> int:
        return sum(self._widths.get(c.key, 0) + self.SEP for c in self._scrolling())

    def _resized(self) -> None:
        """The columns' widths or the number of rows changed: the scrollable size follows.
        The table's own size does not depend on it (its height and width are the screen's),
        so the screen is laid out again only when a scrollbar comes or goes; else the
        scrollbars are updated and the table repainted (one frame, no layout of the screen)."""
        size = Size(self._frozen_width() + self._scroll_width(), self.row_count + 1)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size
            return
        bars = (self.show_horizontal_scrollbar, self.show_vertical_scrollbar)
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)  # Textual's own update of the scrollbars (it decides whether they show)
        self.refresh(layout=(self.show_horizontal_scrollbar, self.show_vertical_scrollbar) != bars)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the titles

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled up or down: repaint the rows only (ScrollView repaints the whole widget:
        the column titles and the horizontal scrollbar too, which did not change)."""
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(Region(0, 1, self.scrollable_content_region.width, self._visible_rows()))

    def on_resize(self, event: events.Resize) -> None:
        self._resized()
        self._scroll_to_cursor()

    # ---------------------------------------------------------------- painting

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))  # not the scrollbar beside it

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.get_component_rich_style("virtual-table--header")
            return self._strip(-1, {c.key: c.title for c in self.columns()}, style, width)
        row = int(self.scroll_offset.y) + y - 1
        if row >= self.row_count or y > self._visible_rows():  # none, or under the scrollbar
            return Strip.blank(width, self.rich_style)
        style = self.get_component_rich_style("virtual-table--odd-row" if row % 2 else "virtual-table--even-row")
        if row == self._cursor:
            style += self.get_component_rich_style("virtual-table--cursor")
        return self._strip(row, self._row(row), style, width)

    def _strip(self, row: int, texts: dict[str, str], style: Style, width: int) -> Strip:
        widths = self.paint_widths()
        gap = " " * self.SEP

        def segment(col: Column) -> Segment:
            text, w = texts.get(col.key, ""), widths.get(col.key, 0)
            if cell_len(text) > w:  # a value wider than its column: cut, and marked
                text = set_cell_size(text, w - 1) + "…" if w > 0 else ""
            else:
                text = text.rjust(w) if col.right else set_cell_size(text, w)
            extra = self.cell_style(row, col.key) if row >= 0 else None
            return Segment(text, style + extra if extra is not None else style)

        frozen = [Segment(" ", style)]
        for col in self._frozen():
            frozen += [segment(col), Segment(gap, style)]
        moving: list[Segment] = []
        for col in self._scrolling():
            moving += [segment(col), Segment(gap, style)]
        left = self._frozen_width(widths)
        scroll_x = int(self.scroll_offset.x)
        out = Strip.join([Strip(frozen, left), Strip(moving).crop(scroll_x, scroll_x + max(0, width - left))])
        # cells of one style as one segment: each segment costs its style's escape codes on the wire
        return Strip(Segment.simplify(out.adjust_cell_length(width, style)), width)

    # ---------------------------------------------------------------- keys and mouse

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
        self.move_cursor(row=self.row_count - 1)

    def action_scroll_columns(self, step: int) -> None:
        """Scroll right or left by one column (the frozen ones stay)."""
        starts, x = [0], 0
        for col in self._scrolling():
            x += self._widths.get(col.key, 0) + self.SEP
            starts.append(x)
        now = int(self.scroll_offset.x)
        if step > 0:
            target = next((s for s in starts if s > now), now)
        else:
            target = next((s for s in reversed(starts) if s < now), 0)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False)

    def action_select(self) -> None:
        if self.row_count:
            self.select_row(self._cursor)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1 and self.row_count:
            row = int(self.scroll_offset.y) + event.y - 1
            if row == self._cursor and row < self.row_count:
                self.select_row(row)
            else:
                self.move_cursor(row=row)
