"""A one-line input in a modal: Enter accepts, Escape cancels. A check may refuse the
value on the spot (the dialog stays open, the text kept, the reason shown).

The title, the prompt and the reason are plain text (they quote line names, codes and
what was typed). A stored value holding control characters is pre-filled in its visible
form (``ESC`` as ``␛``); Enter on it unchanged keeps the stored value as it is."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from lmp_tui.safetext import display_text
from screens.dialog import Dialog
from widgets.plain_input import PlainInput
from widgets.plain_text import plain

Check = Callable[[str], "str | None"]


class InputDialog(Dialog["str | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(
        self,
        title: str,
        prompt: str,
        value: str = "",
        *,
        check: Check | None = None,
        error: str | None = None,
        placeholder: str = "",
        max_length: int = 0,
    ) -> None:
        super().__init__()
        self.title_text, self.prompt, self.value = title, prompt, display_text(value)
        self.value_shown_otherwise = self.value != value  # the stored value cannot be shown as it is
        self.check, self.error, self.placeholder, self.max_length = check, error, placeholder, max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.prompt, multiline=True), classes="dialog-prompt")
            yield PlainInput(self.value, placeholder=self.placeholder, max_length=self.max_length, id="value")
            yield Static(plain(self.error or "", multiline=True), id="error", classes="dialog-error")
            yield Static(plain("Enter accepts · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value
        if self.value_shown_otherwise and value == self.value:
            self.dismiss(None)  # unchanged: the stored value stays as it is
            return
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#error", Static).update(plain(problem, multiline=True))
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
