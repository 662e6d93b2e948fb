"""Submit to Trend Micro: comments to the vendor (optional), then Submit confirms.
Tab moves from the text to Submit, then Cancel; Enter presses the focused button;
Escape cancels."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static, TextArea

from lmp_tui.domain.model import Report
from lmp_tui.domain.money import format_money
from screens.dialog import Dialog
from widgets.plain_input import PlainTextArea
from widgets.plain_text import plain


@dataclass(frozen=True)
class SubmitDecision:
    comment: str


class SubmitDialog(Dialog["SubmitDecision | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, report: Report, unsaved: int) -> None:
        super().__init__()
        self.report, self.unsaved = report, unsaved

    def compose(self) -> ComposeResult:
        r = self.report
        with Vertical(classes="dialog"):
            yield Label(plain("Submit to Trend Micro"), classes="dialog-title")
            note = f" Your {self.unsaved} unsaved change(s) are saved with it." if self.unsaved else ""
            prompt = plain(
                f"#{r.id} {r.partner_name}, {r.cycle}, PO {r.po_number or '(none)'}, total "
                f"{format_money(r.total, r.currency)}. The partner's usage report is approved at the "
                f"same moment.{note}"
            )  # the partner's name and the PO are data: plain text
            yield Static(prompt, classes="dialog-prompt")
            yield Static(plain("Comments to Trend Micro (optional):"))
            yield PlainTextArea(id="comment", tab_behavior="focus", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain("Submit"), variant="primary", id="confirm")
                yield Button(plain("Cancel"), id="cancel")
            yield Static(plain("Tab → Submit → Cancel · Enter presses · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.dismiss(SubmitDecision(self.query_one(TextArea).text))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
