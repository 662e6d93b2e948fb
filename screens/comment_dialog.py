"""Show Partner Comment: a line's partner comment in full, however long, in a scrollable
modal (↑↓ PgUp PgDn Home End scroll; Escape or Enter closes). The comment is the partner's
text: plain, its control characters made visible."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from screens.dialog import Dialog
from widgets.plain_text import plain
from widgets.text_scroll import TextScroll


class CommentDialog(Dialog[None]):
    BINDINGS = [Binding("escape,enter,v", "close", "Close", id="close")]
    DEFAULT_CSS = """
    CommentDialog #comment-scroll { height: auto; max-height: 14; }
    """

    def __init__(self, title: str, comment: str) -> None:
        super().__init__()
        self.title_text, self.comment = title, comment

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            with TextScroll(id="comment-scroll"):
                yield Static(plain(self.comment, multiline=True), id="comment")
            yield Static(plain("↑↓ PgUp PgDn Home End scroll · Escape or Enter closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
