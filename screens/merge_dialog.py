"""Reload after a conflict: the fields that both you and someone else changed, theirs and
mine side by side, and who changed theirs. For each, t keeps theirs, m keeps mine; Enter
reloads with the choices (every field needs one); Escape leaves the draft as it was.

Everything here is plain text: PO numbers, codes and user names are data."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from lmp_tui.editing.merge import Clash, FieldKey, Merge, Side
from lmp_tui.ui import keymap
from screens.dialog import Dialog
from widgets.key_bar import KeyBar, bindings_for
from widgets.plain_text import plain
from widgets.table_fill import fill_table

COLUMNS = (("field", "Field"), ("theirs", "Theirs"), ("mine", "Mine"), ("keep", "Keep"))
WIDTHS = (20, 19, 19, 6)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class MergeDialog(Dialog["dict[FieldKey, Side] | None"]):
    BINDINGS = bindings_for(keymap.MERGE_DIALOG)
    COMMANDS_SPEC = keymap.MERGE_DIALOG
    DEFAULT_CSS = """
    MergeDialog DataTable { height: auto; max-height: 8; }
    MergeDialog #which { height: 4; margin-top: 1; }
    """

    def __init__(self, merge: Merge) -> None:
        super().__init__()
        self.merge = merge
        self.choices: dict[FieldKey, Side] = {}

    def compose(self) -> ComposeResult:
        m = self.merge
        with Vertical(classes="dialog"):
            yield Label(
                plain(f"Reload report #{m.theirs.id}: you both changed {len(m.clashes)} field(s)"),
                classes="dialog-title",
            )
            taken = (
                f" Taken without asking: {len(m.took_theirs)} of theirs, {len(m.kept_mine)} of yours."
                if m.decided
                else ""
            )
            yield Static(
                plain(f"Choose theirs (t) or mine (m) for each field, then Enter.{taken}"), classes="dialog-prompt"
            )
            yield DataTable(id="clashes", cursor_type="row", zebra_stripes=True)
            yield Static(id="which")
            yield Static(id="error", classes="dialog-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()
        self._describe()

    def _row(self, clash: Clash) -> list[Text]:
        choice = self.choices.get(clash.key)
        keep = plain(choice or "?", style="bold" if choice else "bold reverse")
        return [
            plain(_cut(clash.label, WIDTHS[0])),
            plain(_cut(clash.theirs, WIDTHS[1])),
            plain(_cut(clash.mine, WIDTHS[2])),
            keep,
        ]

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        fill_table(table, COLUMNS, [(str(i), self._row(c)) for i, c in enumerate(self.merge.clashes)])
        table.move_cursor(row=min(row, table.row_count - 1))

    def _describe(self) -> None:
        """The highlighted field in full: what it was, theirs and who, mine."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        clash = self.merge.clashes[table.cursor_row]
        self.query_one("#which", Static).update(
            plain(
                f"{clash.label}\n  was:    {clash.base}\n  theirs: {clash.theirs}   (changed by {clash.theirs_by})\n"
                f"  mine:   {clash.mine}",
                multiline=True,
            )
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter is the dialog's (apply), not the table's

    def _choose(self, side: Side) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row = table.cursor_row
        self.choices[self.merge.clashes[row].key] = side
        self._fill()
        if row + 1 < table.row_count:
            table.move_cursor(row=row + 1)
        self.query_one("#error", Static).update("")

    def action_keep_theirs(self) -> None:
        self._choose("theirs")

    def action_keep_mine(self) -> None:
        self._choose("mine")

    def action_apply(self) -> None:
        left = [c for c in self.merge.clashes if c.key not in self.choices]
        if left:
            table = self.query_one(DataTable)
            table.move_cursor(row=self.merge.clashes.index(left[0]))
            self.query_one("#error", Static).update(
                plain(f"Choose t (theirs) or m (mine) for every field first: {len(left)} left.")
            )
            self.app.bell()
            return
        self.dismiss(dict(self.choices))

    def action_cancel(self) -> None:
        self.dismiss(None)
