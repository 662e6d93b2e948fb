"""Specify Promotional Code: the codes that pass every check for the highlighted line are
listed (asked of the services in a worker, so the dialog opens at once); typing filters
them, ↑↓ choose, Enter applies the chosen one, or the typed code when none is listed (it is
then checked like any other, and a refusal names the check that failed).

Every text is plain (codes and line names are data)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from lmp_tui.domain.model import EditableField
from lmp_tui.errors import LmpError
from lmp_tui.services import CodeChoice
from screens.dialog import Dialog
from widgets.plain_input import PlainInput
from widgets.plain_text import plain

Check = Callable[[str], "str | None"]


def describe(choice: CodeChoice, currency: str) -> str:
    bound = ""
    if choice.bound is not None:
        bound = (
            f", lowest {choice.bound} {currency}"
            if choice.opens is EditableField.UNIT_PRICE
            else f", at most {choice.bound}%"
        )
    only = ", this partner only" if choice.partner_only else ""
    return f"{choice.code}  {choice.opens.label}{bound}{only} · {choice.valid_from} – {choice.valid_to}"


class CodeDialog(Dialog["str | None"]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("down", "move(1)", "Next code", show=False),
        Binding("up", "move(-1)", "Previous code", show=False),
    ]
    DEFAULT_CSS = """
    CodeDialog #codes { height: auto; max-height: 8; margin-top: 1; }
    CodeDialog #codes-note { color: $text-muted; }
    """

    class Listed(Message):
        def __init__(self, choices: Sequence[CodeChoice] | None, problem: str | None) -> None:
            super().__init__()
            self.choices, self.problem = choices, problem

    def __init__(
        self,
        title: str,
        prompt: str,
        value: str,
        *,
        currency: str,
        load: Callable[[], Sequence[CodeChoice]],
        check: Check | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.prompt, self.value = title, prompt, value
        self.currency, self.load, self.check, self.error = currency, load, check, error
        self.choices: list[CodeChoice] | None = None  # None: still being listed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.prompt, multiline=True), classes="dialog-prompt")
            yield PlainInput(self.value, placeholder="type a code, or part of one", id="value")
            codes = OptionList(id="codes")
            codes.can_focus = False  # the keys stay in the text box; ↑↓ move the choice
            codes.display = False  # until there is something to list
            yield codes
            yield Static(plain("Listing the codes that pass every check…"), id="codes-note")
            yield Static(plain(self.error or "", multiline=True), id="error", classes="dialog-error")
            yield Static(plain("Type to filter · ↑↓ choose · Enter applies · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._list()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _list(self) -> None:
        try:
            self.post_message(self.Listed(list(self.load()), None))
        except LmpError as err:
            self.post_message(self.Listed(None, str(err)))

    def on_code_dialog_listed(self, msg: Listed) -> None:
        if msg.choices is None:
            self.choices = []
            self.query_one("#codes-note", Static).update(
                plain(f"The codes could not be listed ({msg.problem}); type one.", multiline=True)
            )
            return
        self.choices = list(msg.choices)
        self._filter(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.choices is not None:
            self._filter(event.value)

    def _filter(self, text: str) -> None:
        assert self.choices is not None
        wanted = text.strip().upper()
        shown = [c for c in self.choices if wanted in c.code.upper()]
        shown.sort(key=lambda c: (c.code.upper() != wanted, not c.code.upper().startswith(wanted), c.code))
        codes = self.query_one(OptionList)
        codes.set_options([Option(plain(describe(c, self.currency)), id=c.code) for c in shown])
        codes.highlighted = 0 if shown else None
        codes.display = bool(shown)
        if not self.choices:
            note = "No code passes every check for this line; type one to see why it is refused."
        elif not shown:
            note = f"None of the {len(self.choices)} code(s) for this line matches; Enter checks the typed one."
        else:
            note = f"{len(shown)} of {len(self.choices)} code(s) that pass every check for this line."
        self.query_one("#codes-note", Static).update(plain(note))

    def action_move(self, step: int) -> None:
        codes = self.query_one(OptionList)
        (codes.action_cursor_down if step > 0 else codes.action_cursor_up)()

    @property
    def chosen(self) -> str:
        """What Enter applies: the highlighted code, else what was typed."""
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None and option.id else self.query_one(Input).value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept(self.chosen)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._accept(event.option.id or "")

    def _accept(self, value: str) -> None:
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#error", Static).update(plain(problem, multiline=True))
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
