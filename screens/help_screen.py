"""Every key of the app and of the screen it was opened from (F1 or ?)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from lmp_tui.ui.keymap import Command
from screens.dialog import Dialog
from widgets.plain_text import plain
from widgets.table_fill import fill_table


def _keys(keys: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "escape": "Esc",
        "enter": "Enter",
        "pagedown": "PgDn",
        "pageup": "PgUp",
    }
    out = []
    for k in keys.split(","):
        out.append(
            names.get(
                k,
                k.replace("ctrl+", "Ctrl+").upper()
                if k.startswith("f") and k[1:].isdigit()
                else k.replace("ctrl+", "Ctrl+"),
            )
        )
    return " ".join(out)


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,f1,q,question_mark", "close", "Close", id="close")]

    def __init__(self, title: str, groups: list[tuple[str, tuple[Command, ...]]]) -> None:
        super().__init__()
        self.title_text, self.groups = title, groups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(plain(f"Keys — {self.title_text}"), classes="dialog-title")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(id="help-what", classes="dialog-hint")  # the highlighted key's whole description
            yield Static(
                plain("Ctrl+P opens the command palette: every action by name. Escape closes this."),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        under = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        # a screen that asks for it lists only the actions the user may take there (check_action)
        offered = getattr(under, "HELP_OFFERED_ONLY", False)
        rows = [
            (_keys(c.keys), c.title, c.help)
            for _group, commands in self.groups
            for c in commands
            if not offered or (under is not None and under.check_action(c.action, ()) is not False)
        ]
        rows += [("Tab / Shift+Tab", "Move focus", "Between filters, tables and buttons")]
        self.descriptions = [what for _key, _action, what in rows]
        # two columns fit 80 columns; the description of the highlighted key shows in full below
        fill_table(
            table,
            (("key", "Key"), ("action", "Action")),
            [(str(i), [plain(key), plain(action)]) for i, (key, action, _what) in enumerate(rows)],
        )
        table.focus()
        self._describe(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if 0 <= row < len(self.descriptions):
            self.query_one("#help-what", Static).update(plain(self.descriptions[row]))

    def action_close(self) -> None:
        self.dismiss(None)
