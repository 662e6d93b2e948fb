"""The report's history: every entry, when, who, what and the comment given."""

from __future__ import annotations

from textual.widgets import DataTable

from lmp_tui.domain.model import Report
from widgets.plain_text import plain
from widgets.table_fill import fill_table

COLUMNS = (("at", "When (UTC)"), ("who", "Who"), ("what", "What"), ("comment", "Comment"))


class HistoryTable(DataTable[object]):
    DEFAULT_CSS = """
    HistoryTable { height: 1fr; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, name=name, id=id, classes=classes, disabled=disabled)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, report: Report) -> None:
        rows = [
            (str(i), [plain(f"{h.at:%Y-%m-%d %H:%M}"), plain(h.actor), plain(h.detail), plain(h.comment or "")])
            for i, h in enumerate(reversed(report.history))
        ]  # names, details, comments: plain text
        fill_table(self, COLUMNS, rows or [("none", [plain(""), plain(""), plain("No history yet."), plain("")])])
