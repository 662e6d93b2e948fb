"""A scrollable text area whose keys move at once, without the scroll animation: a page
key pressed while an earlier one is still animating would otherwise start from the
animation's current position, and a fast reader would lose pages."""

from __future__ import annotations

from textual.containers import VerticalScroll


class TextScroll(VerticalScroll):
    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
