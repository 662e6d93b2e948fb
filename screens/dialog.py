"""The base of every modal: it keeps what was typed before it was ready.

Keys that arrive together (a fast typist, a paste, or an SSH connection that sends a
burst) can reach a dialog before its input has the focus; Textual hands those to the
screen itself, where they would be dropped. A dialog keeps them and replays them, in
order, to the widget that takes the focus."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    def __init__(self) -> None:
        super().__init__()
        self._early: list[events.Key] = []

    def on_key(self, event: events.Key) -> None:
        if self.focused is None:  # nothing here takes keys yet: keep this one
            event.stop()
            event.prevent_default()
            self._early.append(events.Key(event.key, event.character))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        early, self._early = self._early, []
        for key in early:
            self.app.post_message(key)
