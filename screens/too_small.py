"""Shown instead of the app while the terminal is smaller than 80×24."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from widgets.plain_text import plain

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_resize(self, event: events.Resize) -> None:
        w, h = event.size  # the app's own size follows a moment later
        if w >= MIN_WIDTH and h >= MIN_HEIGHT:
            if self.is_current:
                self.dismiss(None)
            return
        message = plain(
            f"lmp-tui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {w}×{h}.\n"
            "Please enlarge the window. Nothing is lost: your work is waiting behind this message.",
            multiline=True,
        )
        self.query_one(Static).update(message)
