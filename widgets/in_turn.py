"""A callback that runs in turn with the keys typed before it.

Textual runs a priority key's action the moment the key arrives, but a plain key's binding
(↓ on a list) only once the key has bubbled from the focused widget up to the app, queue
after queue. So in "↓ ↓ ⏎" sent in one burst (an SSH packet, a paste), a priority Enter
runs before the moves it follows. Posted to the focused widget, an :class:`InTurn` takes
the same way up, behind those keys, and the app runs its callback when it arrives
(:meth:`lmp_tui.ui.app.LmpApp.on_in_turn`): after them."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.widget import Widget


class InTurn(Message):
    def __init__(self, callback: Callable[[], object]) -> None:
        super().__init__()
        self.callback = callback


def in_turn(focused: Widget, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the keys queued for ``focused`` before now are handled."""
    # sent by the app: Textual stops a message one step above its sender, and it must reach the app
    focused.post_message(InTurn(callback).set_sender(focused.app))
