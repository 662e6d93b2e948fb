"""The report's history: every entry, when, who, what and the comment given."""

from __future__ import annotations

from textual.widgets import DataTable

from lmp_tui.domain import Report


class HistoryTable(DataTable[object]):
    DEFAULT_CSS = """
    HistoryTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        for key, label in (("at", "When (UTC)"), ("who", "Who"), ("what", "What"), ("comment", "Comment")):
            self.add_column(label, key=key)

    def show(self, report: Report) -> None:
        self.clear()
        for i, h in enumerate(reversed(report.history)):
            self.add_row(f"{h.at:%Y-%m-%d %H:%M}", h.actor, h.detail, h.comment or "", key=str(i))
        if not report.history:
            self.add_row("", "", "No history yet.", "")
