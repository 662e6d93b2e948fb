"""Every key of the app and of the screen it was opened from (F1 or ?)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from lmp_tui.keymap import Command


def _keys(keys: str) -> str:
    names = {"question_mark": "?", "slash": "/", "left_square_bracket": "[", "right_square_bracket": "]",
             "escape": "Esc", "enter": "Enter", "pagedown": "PgDn", "pageup": "PgUp"}
    out = []
    for k in keys.split(","):
        out.append(names.get(k, k.replace("ctrl+", "Ctrl+").upper() if k.startswith("f") and k[1:].isdigit()
                             else k.replace("ctrl+", "Ctrl+")))
    return " ".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q,question_mark", "close", "Close", id="close")]

    def __init__(self, title: str, groups: list[tuple[str, tuple[Command, ...]]]) -> None:
        super().__init__()
        self.title_text, self.groups = title, groups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(f"Keys — {self.title_text}", classes="dialog-title")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("Ctrl+P opens the command palette: every action by name. Escape closes this.",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "What it does")
        for group, commands in self.groups:
            for c in commands:
                table.add_row(_keys(c.keys), c.title, c.help)
        table.add_row("Ctrl+P", "Command palette", "Search every action by name")
        table.add_row("Tab / Shift+Tab", "Move focus", "Between filters, tables and buttons")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
