"""Text boxes whose text stays plain. What a clerk types or pastes (perhaps copied from a
partner's e-mail) is shown as it will be stored: a control character or a bidirectional
override is turned into its visible form (``ESC`` as ``␛``) as it comes in, so it never
reaches the terminal and the clerk sees exactly what will be saved."""

from __future__ import annotations

from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from lmp_tui.safetext import display_text


class PlainInput(Input):
    """A one-line input: every insertion (typing, paste) goes through ``replace``."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(display_text(text), start, end)


class PlainTextArea(TextArea):
    """A multi-line text box: every change (typing, paste, undo) goes through ``edit``;
    line feeds stay, a tab becomes a space."""

    def edit(self, edit: Edit) -> EditResult:
        safe = display_text(edit.text.replace("\r\n", "\n"), multiline=True)
        if safe != edit.text:
            edit = Edit(safe, edit.from_location, edit.to_location, edit.maintain_selection_offset)
        return super().edit(edit)
