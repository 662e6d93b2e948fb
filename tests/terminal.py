"""A real terminal for the end-to-end tests: a tmux session we type into and read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        _tmux("send-keys", "-t", self.name, *keys)

    def styled(self) -> str:
        """The screen with its colours and styles (SGR sequences), as the terminal shows it."""
        return _tmux("capture-pane", "-e", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 45, *, gone: bool = False) -> str:
        def seen() -> str | None:
            shown = self.screen()
            return shown if (text in shown) is not gone else None

        try:
            return wait_until(seen, timeout, f"{text!r} {'going' if gone else 'appearing'}")
        except AssertionError as never:
            raise AssertionError(f"{never}; the screen shows:\n{self.screen()}") from None

    def wait_for_choice(self, chosen: str, prompt: str, timeout: float = 45) -> str:
        """Until a choice box shows ``chosen`` and its list is closed (the open list shows the
        box's ``prompt`` as its first option; the closed box shows the choice instead)."""

        def seen() -> str | None:
            shown = self.screen()
            return shown if chosen in shown and prompt not in shown else None

        try:
            return wait_until(seen, timeout, f"{chosen!r} chosen and its list closed")
        except AssertionError as never:
            raise AssertionError(f"{never}; the screen shows:\n{self.screen()}") from None

    def wait_for_focus(self, label: str, timeout: float = 45) -> None:
        """Until the button ``label`` shows focused (Textual paints it in reverse video): the
        keys sent after this reach it, not the widget that had the focus before."""
        focused = re.compile(r"\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m(?:\x1b\[[0-9;]*m)*" + re.escape(f" {label} "))
        try:
            wait_until(lambda: focused.search(self.styled()), timeout, f"the {label!r} button taking the focus")
        except AssertionError as never:
            raise AssertionError(f"{never}; the screen shows:\n{self.screen()}") from None


def exit_status(marker: Path, timeout: float) -> str:
    """The status the shell wrote once the app ended (AssertionError if it has not ended in time)."""
    return wait_until(lambda: marker.read_text().strip() if marker.exists() else "", timeout,
                      "the app's end (its exit status written)")
