"""A one-line tab bar for a ContentSwitcher: the names of the panes, the shown one marked
(bold, reversed: readable without colour). A click on a name asks for that pane.

Lighter than Textual's TabbedContent (its Tabs, underline and panes cost the billing report
about 90 ms to open, and a second row of the screen)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static


class TabLine(Static):
    DEFAULT_CSS = """
    TabLine { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
    """

    class Chosen(Message):
        """A pane's name was clicked."""

        def __init__(self, tab_line: TabLine, pane: str) -> None:
            super().__init__()
            self.tab_line, self.pane = tab_line, pane

        @property
        def control(self) -> TabLine:
            return self.tab_line

    def __init__(
        self,
        *tabs: tuple[str, str],
        active: str,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._tabs = tabs  # (pane id, title): titles are the program's own words
        self._active = active
        self._spans: list[tuple[int, int, str]] = []
        self.update(self._text())

    @property
    def active(self) -> str:
        return self._active

    @active.setter
    def active(self, pane: str) -> None:
        if pane != self._active:
            self._active = pane
            self.update(self._text(), layout=False)  # one line, same size: no layout

    def _text(self) -> Text:
        text, self._spans = Text(end=""), []
        for pane, title in self._tabs:
            start = len(text)
            text.append(f" {title} ", style="bold reverse" if pane == self._active else "")
            self._spans.append((start, len(text), pane))
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        x = event.x - 1  # the padding
        for start, end, pane in self._spans:
            if start <= x < end:
                self.post_message(self.Chosen(self, pane))
