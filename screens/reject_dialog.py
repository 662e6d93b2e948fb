"""Reject: the reasons the partner must fix (required), then Reject confirms. Empty
reasons are refused on the spot. Tab moves from the text to Reject, then Cancel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static, TextArea

from lmp_tui.commands.edits import Reject
from lmp_tui.commands.validation import parse
from lmp_tui.domain.model import Report
from lmp_tui.errors import InvalidInput
from screens.dialog import Dialog
from widgets.plain_input import PlainTextArea
from widgets.plain_text import plain


class RejectDialog(Dialog["str | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        with Vertical(classes="dialog"):
            yield Label(plain("Reject"), classes="dialog-title")
            prompt = plain(
                f"#{r.id} {r.partner_name}, {r.cycle} goes back to the partner, who must fix it and resubmit."
            )  # the partner's name is data: plain text
            yield Static(prompt, classes="dialog-prompt")
            yield Static(plain("Reasons (required):"))
            yield PlainTextArea(id="reason", tab_behavior="focus", soft_wrap=True, show_line_numbers=False)
            yield Static(plain(""), id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(plain("Reject"), variant="error", id="confirm")
                yield Button(plain("Cancel"), id="cancel")
            yield Static(plain("Tab → Reject → Cancel · Enter presses · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "confirm":
            self.dismiss(None)
            return
        try:
            reason = parse(Reject, reason=self.query_one(TextArea).text).reason
        except InvalidInput as err:
            self.query_one("#error", Static).update(plain(str(err), multiline=True))
            self.query_one(TextArea).focus()
            self.app.bell()
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
