"""A one-line input in a modal: Enter accepts, Escape cancels. A check may refuse the
value on the spot (the dialog stays open, the text kept, the reason shown)."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

Check = Callable[[str], "str | None"]


class InputDialog(ModalScreen["str | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, prompt: str, value: str = "", *, check: Check | None = None,
                 error: str | None = None, placeholder: str = "", max_length: int = 0) -> None:
        super().__init__()
        self.title_text, self.prompt, self.value = title, prompt, value
        self.check, self.error, self.placeholder, self.max_length = check, error, placeholder, max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.prompt, classes="dialog-prompt")
            yield Input(self.value, placeholder=self.placeholder, max_length=self.max_length, id="value")
            yield Static(self.error or "", id="error", classes="dialog-error")
            yield Static("Enter accepts · Escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#error", Static).update(problem)
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
